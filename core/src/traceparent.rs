//! The `traceparent` header (W3C Trace Context Level 2, section 3.2).
//!
//! Parsing borrows the input and allocates nothing; formatting writes into a fixed
//! 55-byte buffer. Output is always version `00`.

use crate::error::{excerpt, ParseError, Rule};
use crate::hex;
use crate::ids::{SpanId, TraceFlags, TraceId};

/// Length of a version `00` header: `vv-<32 hex>-<16 hex>-ff`.
pub const TRACEPARENT_LEN: usize = 55;
/// The longest traceparent read (whitespace around it included); a longer one is
/// refused (`traceparent.length`), so that no header costs more than this to look at.
/// Later versions may append fields, but none needs more than this.
pub const MAX_LEN: usize = 512;
/// How many bytes of a traceparent value decide it: a binding may hand over only this
/// many (the rest cannot change the outcome).
pub const MAX_READ: usize = MAX_LEN + 1;

/// The three fields a `traceparent` carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Traceparent {
    pub trace_id: TraceId,
    /// The span id of the caller, which becomes the parent of the receiver's span.
    pub parent_id: SpanId,
    /// Known flag bits only; unknown bits are zeroed on parse.
    pub flags: TraceFlags,
}

/// Trims the optional whitespace (SP and HTAB) HTTP allows around a header value.
pub(crate) fn trim_ows(text: &str) -> &str {
    let is_ows = |b: &u8| *b == b' ' || *b == b'\t';
    let bytes = text.as_bytes();
    let start = bytes.iter().position(|b| !is_ows(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !is_ows(b))
        .map_or(start, |i| i + 1);
    // SP and HTAB are ASCII, so both ends fall on character boundaries.
    &text[start..end]
}

/// Parses one `traceparent` value.
///
/// Versions above `00` are read with the `00` layout and anything after the 55th
/// character (which must then be `-`) is ignored, as the spec asks of a version-00 parser.
pub fn parse_traceparent(value: &str) -> Result<Traceparent, ParseError> {
    match parse_fields(value) {
        Ok((parsed, _)) => Ok(parsed),
        Err(rule) => Err(error_of(value, rule)),
    }
}

/// [`parse_traceparent`], and where the value starts once the SP and HTAB before it are
/// skipped (a valid value is ASCII: an offset in bytes and characters alike), for hosts
/// that slice the ids out of their own string.
pub fn parse_traceparent_at(value: &str) -> Result<(Traceparent, usize), ParseError> {
    parse_fields(value).map_err(|rule| error_of(value, rule))
}

/// The error `value` broke `rule` with, quoting it (only failures pay for the message).
#[cold]
fn error_of(value: &str, rule: Rule) -> ParseError {
    match rule {
        Rule::TraceparentLength if value.len() > MAX_LEN => {
            ParseError::new(rule, format!("more than {MAX_LEN} characters"))
        }
        _ => ParseError::new(rule, excerpt(trim_ows(value))),
    }
}

/// The parse itself, failing with the rule alone: the error message is only built when a
/// caller asks for it, so a valid header (every extract) moves a few bytes, not a
/// `ParseError`.
pub(crate) fn parse_fields(value: &str) -> Result<(Traceparent, usize), Rule> {
    if value.len() > MAX_LEN {
        return Err(Rule::TraceparentLength);
    }
    let text = trim_ows(value);
    // Where `text` starts in `value` (a slice of it).
    let start = text.as_ptr() as usize - value.as_ptr() as usize;
    let bytes = text.as_bytes();

    if bytes.len() < 2 {
        return Err(Rule::TraceparentLength);
    }
    let mut version = [0u8; 1];
    if !hex::decode_lower(&bytes[..2], &mut version) {
        return Err(Rule::TraceparentLowercaseHex);
    }
    match version[0] {
        0xff => return Err(Rule::TraceparentVersionFf),
        0x00 if bytes.len() != TRACEPARENT_LEN => return Err(Rule::TraceparentLength),
        _ if bytes.len() < TRACEPARENT_LEN => return Err(Rule::TraceparentLength),
        _ => {}
    }
    if bytes[2] != b'-' || bytes[35] != b'-' || bytes[52] != b'-' {
        return Err(Rule::TraceparentDelimiter);
    }
    if bytes.len() > TRACEPARENT_LEN && bytes[TRACEPARENT_LEN] != b'-' {
        return Err(Rule::TraceparentDelimiter);
    }

    let mut trace_id = [0u8; 16];
    let mut parent_id = [0u8; 8];
    let mut flags = [0u8; 1];
    if !hex::decode_lower(&bytes[3..35], &mut trace_id)
        || !hex::decode_lower(&bytes[36..52], &mut parent_id)
        || !hex::decode_lower(&bytes[53..55], &mut flags)
    {
        return Err(Rule::TraceparentLowercaseHex);
    }
    let trace_id = TraceId(trace_id);
    let parent_id = SpanId(parent_id);
    if !trace_id.is_valid() {
        return Err(Rule::TraceparentZeroTraceId);
    }
    if !parent_id.is_valid() {
        return Err(Rule::TraceparentZeroParentId);
    }
    let parsed = Traceparent {
        trace_id,
        parent_id,
        flags: TraceFlags::from_wire(flags[0]),
    };
    Ok((parsed, start))
}

/// A formatted version-`00` `traceparent`, held on the stack.
#[derive(Clone, Copy)]
pub struct TraceparentBuf([u8; TRACEPARENT_LEN]);

impl TraceparentBuf {
    pub fn as_str(&self) -> &str {
        // Only ASCII was written by `format_traceparent`.
        std::str::from_utf8(&self.0).expect("traceparent is ASCII")
    }

    pub fn as_bytes(&self) -> &[u8; TRACEPARENT_LEN] {
        &self.0
    }
}

impl std::fmt::Debug for TraceparentBuf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Formats a version-`00` `traceparent`, keeping only the known flag bits.
pub fn format_traceparent(trace_id: TraceId, span_id: SpanId, flags: TraceFlags) -> TraceparentBuf {
    let mut out = [b'-'; TRACEPARENT_LEN];
    out[0] = b'0';
    out[1] = b'0';
    hex::encode_into(&trace_id.0, &mut out[3..35]);
    hex::encode_into(&span_id.0, &mut out[36..52]);
    hex::encode_into(&[flags.0 & TraceFlags::KNOWN], &mut out[53..55]);
    TraceparentBuf(out)
}
