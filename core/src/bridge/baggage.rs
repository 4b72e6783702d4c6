//! Baggage members as OpenTelemetry Java and JS hold them: a key, a decoded value, and the
//! member's properties as one metadata string, written as a header writes them after the
//! value without the leading `;` (`p1;p2=x`). Python keeps the same string on a
//! `str` subclass of the value.

use crate::baggage::{Baggage, Member, Property};
use crate::error::ParseError;

/// A member's properties as one metadata string (`""` when it has none).
pub fn metadata_of(member: &Member) -> String {
    let mut metadata = String::new();
    Property::write_list(&member.properties, &mut metadata);
    metadata
}

/// Every member of `baggage` as `(key, value, metadata)`.
pub fn entries(baggage: &Baggage) -> impl Iterator<Item = (&str, &str, String)> {
    baggage.iter().map(|member| {
        (
            member.key.as_str(),
            member.value.as_str(),
            metadata_of(member),
        )
    })
}

/// Baggage from host entries `(key, value, metadata)`, in order. A member W3C Baggage
/// cannot carry (a key that is not a token, a property that is not one) is an error
/// naming the rule when `strict`, and is left out otherwise, as a propagator's inject
/// does: nothing a host let through reaches a carrier unchecked.
pub fn from_entries<'a, I>(entries: I, strict: bool) -> Result<Baggage, ParseError>
where
    I: IntoIterator<Item = (&'a str, &'a str, &'a str)>,
{
    let mut baggage = Baggage::default();
    for (key, value, metadata) in entries {
        let inserted = baggage.insert_with_properties(key, value, Property::split_list(metadata));
        if let Err(error) = inserted {
            if strict {
                return Err(error);
            }
        }
    }
    Ok(baggage)
}

/// The `baggage` header for host entries, members that cannot be carried left out.
///
/// ```
/// use ctxbridge_core::bridge::baggage::header_of;
///
/// assert_eq!(header_of([("k", "a+b c", "p1;p2=x")]), "k=a%2Bb%20c;p1;p2=x");
/// assert_eq!(header_of([("bad key", "v", ""), ("ok", "v", "")]), "ok=v");
/// ```
pub fn header_of<'a, I>(entries: I) -> String
where
    I: IntoIterator<Item = (&'a str, &'a str, &'a str)>,
{
    from_entries(entries, false)
        .map(|baggage| baggage.header())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_survive_both_ways() {
        let baggage = Baggage::from_headers(["k=v;p1;p2=x,plain=1"]);
        let entries: Vec<_> = entries(&baggage).collect();
        assert_eq!(entries[0], ("k", "v", "p1;p2=x".to_owned()));
        assert_eq!(entries[1], ("plain", "1", String::new()));
        let back = header_of(entries.iter().map(|(k, v, m)| (*k, *v, m.as_str())));
        assert_eq!(back, "k=v;p1;p2=x,plain=1");
    }

    #[test]
    fn bad_metadata_is_refused() {
        assert_eq!(header_of([("k", "v", "p=a\r\nEvil: 1")]), "");
        let error = from_entries([("k", "v", "bad key")], true).unwrap_err();
        assert!(error.to_string().starts_with("baggage.property"));
    }
}
