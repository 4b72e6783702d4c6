//! The `baggage` header (W3C Baggage).
//!
//! Unlike tracestate, a malformed member is dropped alone and the others survive.
//! Values are percent-decoded on parse and percent-encoded on output; keys and
//! properties are kept as written. All members propagate while there are at most 64
//! of them in at most 8192 bytes; past that whole members are dropped from the right.

use crate::bounded::{BoundedList, Piece};
use crate::dropped;
use crate::error::{excerpt, ParseError, Rule};
use crate::traceparent::trim_ows;

/// Members that propagate at most.
pub const MAX_MEMBERS: usize = 64;
/// Bytes of encoded header that propagate at most.
pub const MAX_BYTES: usize = 8192;
/// How many bytes of a baggage value decide it: a member that starts past [`MAX_BYTES`]
/// of the header, or is longer than [`MAX_BYTES`], could never propagate, so it is not
/// read (nor anything after it). A binding may hand over only this many bytes.
pub const MAX_READ: usize = 2 * MAX_BYTES + 1;

/// A `;key` or `;key=value` property of a baggage member, kept as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    pub key: String,
    pub value: Option<String>,
}

impl Property {
    /// Properties as a header writes them after a member's value, without the leading
    /// `;` (`a=1;b`): the form OpenTelemetry Java keeps as a member's metadata. Empty
    /// properties are skipped and OWS is trimmed; validation is left to
    /// [`Baggage::insert_with_properties`], which checks them anyway.
    pub fn split_list(text: &str) -> Vec<Property> {
        text.split(';')
            .filter(|p| !trim_ows(p).is_empty())
            .map(split_property)
            .collect()
    }

    /// Writes properties as [`Property::split_list`] reads them (`a=1;b`).
    pub fn write_list(properties: &[Property], out: &mut String) {
        for (index, property) in properties.iter().enumerate() {
            if index > 0 {
                out.push(';');
            }
            out.push_str(&property.key);
            if let Some(value) = &property.value {
                out.push('=');
                out.push_str(value);
            }
        }
    }
}

/// One `key=value;properties` member. `value` is percent-decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub key: String,
    pub value: String,
    pub properties: Vec<Property>,
}

/// An ordered list of baggage members with unique keys.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baggage {
    members: Vec<Member>,
}

impl Baggage {
    /// The empty baggage.
    pub const EMPTY: Baggage = Baggage {
        members: Vec::new(),
    };

    /// Parses one header value strictly: the first malformed member is an error, and so
    /// is a member longer than [`MAX_BYTES`]. Members starting past [`MAX_BYTES`] of the
    /// header are not read: they could not propagate.
    pub fn parse(value: &str) -> Result<Baggage, ParseError> {
        let mut baggage = Baggage::default();
        for piece in BoundedList::new([value].into_iter(), MAX_BYTES, MAX_BYTES) {
            match piece {
                Piece::Member(member) if trim_ows(member).is_empty() => continue,
                Piece::Member(member) => baggage.put(parse_member(member)?),
                Piece::MemberTooLarge => {
                    return Err(ParseError::new(
                        Rule::BaggageMemberTooLarge,
                        format!("a member of more than {MAX_BYTES} bytes"),
                    ))
                }
                Piece::PastLimit => break,
            }
        }
        baggage.apply_limits();
        Ok(baggage)
    }

    /// Parses several header values as if joined by `,`, dropping malformed members
    /// alone: what a propagator does.
    pub fn from_headers<'a, I>(values: I) -> Baggage
    where
        I: IntoIterator<Item = &'a str>,
    {
        let mut baggage = Baggage::default();
        // Members past the limits would be dropped anyway; reading stops early so that a
        // huge header costs no more than a large one. Each drop is counted (`dropped`).
        let mut past_limits = false;
        for piece in BoundedList::new(values.into_iter(), MAX_BYTES, MAX_BYTES) {
            let member = match piece {
                Piece::Member(member) => member,
                Piece::MemberTooLarge => {
                    dropped::record_rule(Rule::BaggageMemberTooLarge);
                    break;
                }
                Piece::PastLimit => {
                    past_limits = true;
                    break;
                }
            };
            if trim_ows(member).is_empty() {
                continue;
            }
            match parse_member(member) {
                Ok(member) => baggage.put(member),
                Err(error) => dropped::record_rule(error.rule()),
            }
            if baggage.members.len() > MAX_MEMBERS {
                past_limits = true;
                break;
            }
        }
        let read = baggage.members.len();
        baggage.apply_limits();
        if past_limits || baggage.members.len() < read {
            dropped::record_baggage_limits();
        }
        baggage
    }

    /// The decoded value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.member(key).map(|m| m.value.as_str())
    }

    /// The whole member of `key`, with its properties.
    pub fn member(&self, key: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.key == key)
    }

    /// Sets `key` to `value` (any text: it is percent-encoded on output).
    pub fn insert(&mut self, key: &str, value: &str) -> Result<(), ParseError> {
        self.insert_with_properties(key, value, Vec::new())
    }

    /// Sets `key` to `value` with properties. A key that exists keeps its place.
    pub fn insert_with_properties(
        &mut self,
        key: &str,
        value: &str,
        properties: Vec<Property>,
    ) -> Result<(), ParseError> {
        validate_token(key, Rule::BaggageKey)?;
        for property in &properties {
            validate_token(&property.key, Rule::BaggageProperty)?;
            if let Some(value) = &property.value {
                validate_octets(value, Rule::BaggageProperty)?;
            }
        }
        self.put(Member {
            key: key.to_owned(),
            value: value.to_owned(),
            properties,
        });
        Ok(())
    }

    pub fn remove(&mut self, key: &str) -> Option<Member> {
        let index = self.members.iter().position(|m| m.key == key)?;
        Some(self.members.remove(index))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Member> {
        self.members.iter()
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The header value: every member that fits in 64 members and 8192 bytes, in order.
    pub fn header(&self) -> String {
        let mut out = String::new();
        for (index, member) in self.members.iter().enumerate() {
            if index == MAX_MEMBERS {
                break;
            }
            let mark = out.len();
            if index > 0 {
                out.push(',');
            }
            encode_member(member, &mut out);
            if out.len() > MAX_BYTES {
                out.truncate(mark);
                break;
            }
        }
        out
    }

    /// A later member with a key already present replaces its value in place.
    fn put(&mut self, member: Member) {
        match self.members.iter_mut().find(|m| m.key == member.key) {
            Some(existing) => *existing = member,
            None => self.members.push(member),
        }
    }

    /// Keeps the longest prefix that propagates, so what was extracted is what is injected.
    fn apply_limits(&mut self) {
        let mut total = 0usize;
        let mut scratch = String::new();
        let mut keep = 0usize;
        for member in self.members.iter().take(MAX_MEMBERS) {
            scratch.clear();
            encode_member(member, &mut scratch);
            total += scratch.len() + usize::from(keep > 0);
            if total > MAX_BYTES {
                break;
            }
            keep += 1;
        }
        self.members.truncate(keep);
    }
}

/// RFC 7230 `tchar`.
fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// W3C Baggage `baggage-octet`: printable ASCII but space, `"`, `,`, `;` and `\`.
fn is_baggage_octet(byte: u8) -> bool {
    matches!(byte, 0x21 | 0x23..=0x2b | 0x2d..=0x3a | 0x3c..=0x5b | 0x5d..=0x7e)
}

fn validate_token(text: &str, rule: Rule) -> Result<(), ParseError> {
    if !text.is_empty() && text.bytes().all(is_tchar) {
        Ok(())
    } else {
        Err(ParseError::new(rule, excerpt(text)))
    }
}

fn validate_octets(text: &str, rule: Rule) -> Result<(), ParseError> {
    if text.bytes().all(is_baggage_octet) {
        Ok(())
    } else {
        Err(ParseError::new(rule, excerpt(text)))
    }
}

fn parse_member(text: &str) -> Result<Member, ParseError> {
    let mut parts = text.split(';');
    let pair = parts.next().unwrap_or_default();
    let Some((key, value)) = pair.split_once('=') else {
        return Err(ParseError::new(
            Rule::BaggageMember,
            excerpt(trim_ows(text)),
        ));
    };
    let (key, value) = (trim_ows(key), trim_ows(value));
    validate_token(key, Rule::BaggageKey)?;
    validate_octets(value, Rule::BaggageValue)?;
    let properties = parts.map(parse_property).collect::<Result<Vec<_>, _>>()?;
    Ok(Member {
        key: key.to_owned(),
        value: percent_decode(value),
        properties,
    })
}

/// `key` or `key=value`, OWS trimmed, not validated.
fn split_property(text: &str) -> Property {
    match text.split_once('=') {
        Some((key, value)) => Property {
            key: trim_ows(key).to_owned(),
            value: Some(trim_ows(value).to_owned()),
        },
        None => Property {
            key: trim_ows(text).to_owned(),
            value: None,
        },
    }
}

fn parse_property(text: &str) -> Result<Property, ParseError> {
    let property = split_property(text);
    validate_token(&property.key, Rule::BaggageProperty)?;
    if let Some(value) = &property.value {
        validate_octets(value, Rule::BaggageProperty)?;
    }
    Ok(property)
}

fn encode_member(member: &Member, out: &mut String) {
    out.push_str(&member.key);
    out.push('=');
    percent_encode(&member.value, out);
    if !member.properties.is_empty() {
        out.push(';');
        Property::write_list(&member.properties, out);
    }
}

/// Decodes `%XX` escapes; a `%` not followed by two hex digits stays as it is.
/// Bytes that do not form UTF-8 become U+FFFD.
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| hex_value(bytes[i + 1]).zip(hex_value(bytes[i + 2])))
            .flatten();
        match escaped {
            Some((high, low)) => {
                out.push(high << 4 | low);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|d| d as u8)
}

/// Whether a value byte is written as it is. Every other byte is percent-encoded: `%`
/// and whatever is not a baggage-octet, as W3C asks, and `+`, which is a baggage-octet
/// but which decoders built on form encoding read as a space (OpenTelemetry Python's
/// `unquote_plus`, `java.net.URLDecoder`): a value `a+b` must reach them as `a+b`.
fn is_written_as_is(byte: u8) -> bool {
    is_baggage_octet(byte) && byte != b'%' && byte != b'+'
}

/// Percent-encodes every byte [`is_written_as_is`] does not keep.
fn percent_encode(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        if is_written_as_is(byte) {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(HEX[(byte >> 4) as usize] as char);
            out.push(HEX[(byte & 0xf) as usize] as char);
        }
    }
}
