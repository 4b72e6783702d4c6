//! The `tracestate` header (W3C Trace Context Level 2, section 3.3).
//!
//! Validation is all-or-nothing: one bad member, or more than 32, discards the whole
//! tracestate (the traceparent it came with stays valid). A repeated key keeps its first
//! occurrence. Encoding keeps at most 512 characters by dropping whole members.

use crate::bounded::{BoundedList, Piece};
use crate::dropped;
use crate::error::{excerpt, ParseError, Rule};
use crate::traceparent::trim_ows;

/// Members a tracestate may hold.
pub const MAX_MEMBERS: usize = 32;
/// Characters an encoded tracestate keeps at most.
pub const MAX_ENCODED_LEN: usize = 512;
/// Members longer than this are the first dropped when encoding must truncate.
pub const LARGE_MEMBER_LEN: usize = 128;
const MAX_KEY_LEN: usize = 256;
/// A member, with the whitespace around it, is read up to this many bytes; a longer one
/// is invalid: a key and a value are at most 256 characters each, and 16 characters of
/// whitespace around a member are plenty.
const MAX_MEMBER_TEXT: usize = MAX_KEY_LEN + 1 + MAX_VALUE_LEN + 16;
/// Members that start past this many bytes of the combined headers are not read: 32
/// members of the longest readable size end before it.
const MAX_INPUT: usize = MAX_MEMBERS * (MAX_MEMBER_TEXT + 1);
/// How many bytes of a tracestate value decide it: a binding may hand over only this many
/// (the rest cannot change the outcome).
pub const MAX_READ: usize = MAX_INPUT + MAX_MEMBER_TEXT + 1;
const MAX_VALUE_LEN: usize = 256;

/// An ordered list of vendor `key=value` members, the most recently set first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TraceState {
    members: Vec<(String, String)>,
}

impl TraceState {
    /// The empty tracestate.
    pub const EMPTY: TraceState = TraceState {
        members: Vec::new(),
    };

    /// Parses one header value; see [`TraceState::parse_headers`].
    pub fn parse(value: &str) -> Result<TraceState, ParseError> {
        Self::parse_headers([value])
    }

    /// Parses several header values as if they were joined by `,`, in order.
    pub fn parse_headers<'a, I>(values: I) -> Result<TraceState, ParseError>
    where
        I: IntoIterator<Item = &'a str>,
    {
        let mut members: Vec<(String, String)> = Vec::new();
        let mut count = 0usize;
        let too_large = |what: String| ParseError::new(Rule::TracestateTooLarge, what);
        for piece in BoundedList::new(values.into_iter(), MAX_MEMBER_TEXT, MAX_INPUT) {
            let member = match piece {
                Piece::Member(member) => trim_ows(member),
                Piece::MemberTooLarge => {
                    let what = format!("a member of more than {MAX_MEMBER_TEXT} bytes");
                    return Err(too_large(what));
                }
                Piece::PastLimit => return Err(too_large(format!("more than {MAX_INPUT} bytes"))),
            };
            if member.is_empty() {
                continue;
            }
            let (key, val) = split_member(member)?;
            count += 1;
            if count > MAX_MEMBERS {
                return Err(ParseError::new(
                    Rule::TracestateTooManyMembers,
                    format!("{count} members"),
                ));
            }
            if !members.iter().any(|(existing, _)| existing == key) {
                members.push((key.to_owned(), val.to_owned()));
            }
        }
        Ok(TraceState { members })
    }

    /// Like [`TraceState::parse_headers`], but an invalid tracestate becomes empty:
    /// what a propagator does.
    pub fn from_headers<'a, I>(values: I) -> TraceState
    where
        I: IntoIterator<Item = &'a str>,
    {
        Self::parse_headers(values).unwrap_or_else(|error| {
            dropped::record_rule(error.rule());
            TraceState::default()
        })
    }

    /// Builds a tracestate from members in order, validating each one.
    pub fn from_members<K: AsRef<str>, V: AsRef<str>>(
        members: impl IntoIterator<Item = (K, V)>,
    ) -> Result<TraceState, ParseError> {
        let mut state = TraceState::default();
        for (key, value) in members {
            let (key, value) = (key.as_ref(), value.as_ref());
            validate_key(key)?;
            validate_value(value)?;
            if state.members.len() == MAX_MEMBERS {
                return Err(ParseError::new(Rule::TracestateTooManyMembers, ""));
            }
            if state.get(key).is_none() {
                state.members.push((key.to_owned(), value.to_owned()));
            }
        }
        Ok(state)
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.members
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Sets `key` and moves it to the front, as a vendor updating its own entry must.
    /// Past 32 members the right-most are dropped.
    pub fn insert(&mut self, key: &str, value: &str) -> Result<(), ParseError> {
        validate_key(key)?;
        validate_value(value)?;
        self.members.retain(|(k, _)| k != key);
        self.members.insert(0, (key.to_owned(), value.to_owned()));
        self.members.truncate(MAX_MEMBERS);
        Ok(())
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<String> {
        let index = self.members.iter().position(|(k, _)| k == key)?;
        Some(self.members.remove(index).1)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.members.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Every member as `key=value`, joined by `,`, with no truncation: the canonical
    /// form, which [`TraceState::parse`] reads back to the same tracestate.
    pub fn canonical(&self) -> String {
        let mut out = String::with_capacity(encoded_len(
            self.members.iter().map(|(k, v)| k.len() + 1 + v.len()),
        ));
        for (key, value) in &self.members {
            if !out.is_empty() {
                out.push(',');
            }
            out.push_str(key);
            out.push('=');
            out.push_str(value);
        }
        out
    }

    /// The header value, at most 512 characters: members longer than 128 characters are
    /// dropped first (right-most first), then members from the right, until it fits.
    pub fn header(&self) -> String {
        let member_len = |(k, v): &(String, String)| k.len() + 1 + v.len();
        let mut keep = vec![true; self.members.len()];
        let mut total = encoded_len(self.members.iter().map(member_len));
        let large_first = (0..self.members.len())
            .rev()
            .filter(|&i| member_len(&self.members[i]) > LARGE_MEMBER_LEN);
        let from_right = (0..self.members.len()).rev();
        for index in large_first.chain(from_right) {
            if total <= MAX_ENCODED_LEN {
                break;
            }
            if keep[index] {
                keep[index] = false;
                let kept = keep.iter().filter(|k| **k).count();
                total = total - member_len(&self.members[index]) - usize::from(kept > 0);
            }
        }
        let mut out = String::with_capacity(total);
        for ((key, value), _) in self.members.iter().zip(&keep).filter(|(_, k)| **k) {
            if !out.is_empty() {
                out.push(',');
            }
            out.push_str(key);
            out.push('=');
            out.push_str(value);
        }
        out
    }
}

/// Whether `header` is already exactly what parsing and re-encoding it would give
/// (every member valid, no optional whitespace or empty members, no repeated key, at
/// most 32 members, at most 512 characters). Allocates nothing: it lets a binding hand
/// back the caller's own string instead of building an equal one.
pub fn is_canonical(header: &str) -> bool {
    if header.is_empty() {
        return true;
    }
    if header.len() > MAX_ENCODED_LEN {
        return false;
    }
    // One pass over the bytes (every extract with a tracestate makes it): each member is a
    // key of key bytes, `=`, a value of value bytes, then `,` or the end.
    let bytes = header.as_bytes();
    // Where each key seen so far starts and ends (512 fits in u16): compared on a
    // repeat, and cheaper to set up than an array of `&str`.
    let mut keys = [(0u16, 0u16); MAX_MEMBERS];
    let mut count = 0;
    let mut at = 0;
    loop {
        let key_at = at;
        if !matches!(bytes.get(at), Some(b) if is_key_start(*b)) {
            return false;
        }
        at += 1;
        while at < bytes.len() && is_key_byte(bytes[at]) {
            at += 1;
        }
        if at - key_at > MAX_KEY_LEN || bytes.get(at) != Some(&b'=') {
            return false;
        }
        let key = &bytes[key_at..at];
        at += 1;
        let value_at = at;
        while at < bytes.len() && is_value_byte(bytes[at]) {
            at += 1;
        }
        let value_len = at - value_at;
        if !(1..=MAX_VALUE_LEN).contains(&value_len) || bytes[at - 1] == b' ' {
            return false;
        }
        if count == MAX_MEMBERS
            || keys[..count]
                .iter()
                .any(|&(start, end)| &bytes[usize::from(start)..usize::from(end)] == key)
        {
            return false;
        }
        // `header` is at most MAX_ENCODED_LEN (512) bytes, so both ends fit.
        keys[count] = (key_at as u16, (value_at - 1) as u16);
        count += 1;
        match bytes.get(at) {
            None => return true,
            Some(b',') => at += 1,
            Some(_) => return false,
        }
    }
}

/// Byte classes of tracestate's grammar, one table lookup per byte (the hot check reads
/// every byte of every received tracestate).
const KEY_START: u8 = 1;
const KEY: u8 = 2;
const VALUE: u8 = 4;

const CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        let mut class = 0;
        if matches!(byte, b'a'..=b'z' | b'0'..=b'9') {
            class |= KEY_START;
        }
        if matches!(byte, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'*' | b'/' | b'@') {
            class |= KEY;
        }
        if byte >= 0x20 && byte <= 0x7e && byte != b',' && byte != b'=' {
            class |= VALUE;
        }
        table[b] = class;
        b += 1;
    }
    table
};

/// The first byte of a key: `[a-z0-9]`.
fn is_key_start(b: u8) -> bool {
    CLASSES[b as usize] & KEY_START != 0
}

/// A byte after the first of a key: `[a-z0-9_\-*/@]`.
fn is_key_byte(b: u8) -> bool {
    CLASSES[b as usize] & KEY != 0
}

/// A byte of a value: printable ASCII (0x20–0x7E) but `,` and `=`.
fn is_value_byte(b: u8) -> bool {
    CLASSES[b as usize] & VALUE != 0
}

/// Length of members joined by commas.
fn encoded_len(lengths: impl Iterator<Item = usize>) -> usize {
    let (sum, count) = lengths.fold((0usize, 0usize), |(sum, count), len| (sum + len, count + 1));
    sum + count.saturating_sub(1)
}

fn split_member(member: &str) -> Result<(&str, &str), ParseError> {
    let Some((key, value)) = member.split_once('=') else {
        return Err(ParseError::new(Rule::TracestateMember, excerpt(member)));
    };
    validate_key(key)?;
    validate_value(value)?;
    Ok((key, value))
}

/// Checks a key against `[a-z0-9][a-z0-9_\-*/@]{0,255}`.
pub fn validate_key(key: &str) -> Result<(), ParseError> {
    let bytes = key.as_bytes();
    let first_ok = bytes.first().is_some_and(|b| is_key_start(*b));
    let rest_ok = bytes.iter().skip(1).all(|b| is_key_byte(*b));
    if first_ok && rest_ok && bytes.len() <= MAX_KEY_LEN {
        Ok(())
    } else {
        Err(ParseError::new(Rule::TracestateKey, excerpt(key)))
    }
}

/// Checks a value: 1–256 characters of 0x20–0x7E except `,` and `=`, last not a space.
pub fn validate_value(value: &str) -> Result<(), ParseError> {
    let bytes = value.as_bytes();
    let chars_ok = bytes.iter().all(|&b| is_value_byte(b));
    let ok = chars_ok && (1..=MAX_VALUE_LEN).contains(&bytes.len()) && bytes.last() != Some(&b' ');
    if ok {
        Ok(())
    } else {
        Err(ParseError::new(Rule::TracestateValue, excerpt(value)))
    }
}
