//! Plain C types: status codes, rule ids, borrowed and owned strings.

use std::ffi::c_char;

use ctxbridge_core::{ParseError, Rule};

/// What a call did. `OK` is 0; everything else says why not.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ctxbridge_status {
    Ok = 0,
    /// A required pointer was NULL, or a string was not UTF-8.
    InvalidArgument = 1,
    /// An explicit parse failed; the `ctxbridge_rule` out-parameter says which rule.
    ParseError = 2,
    /// strict mode: detached a token that is not the latest live attach (it took effect:
    /// what was current before it is current, the attaches after it ended).
    OutOfOrder = 3,
    /// strict mode: detached a token already detached (nothing changed).
    DoubleDetach = 4,
    /// strict mode: detached a token on another thread than its attach (nothing changed).
    WrongScope = 5,
    /// A buffer was too small.
    BufferTooSmall = 6,
    /// A key was not present.
    NotFound = 7,
    /// ctxbridge panicked; the call had no effect that can be relied on.
    Panic = 8,
}

/// The rule an explicit parse found broken. `ctxbridge_rule_id` names it.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ctxbridge_rule {
    None = 0,
    TraceparentVersionFf,
    TraceparentLength,
    TraceparentDelimiter,
    TraceparentLowercaseHex,
    TraceparentZeroTraceId,
    TraceparentZeroParentId,
    TracestateMember,
    TracestateKey,
    TracestateValue,
    TracestateTooManyMembers,
    BaggageMember,
    BaggageKey,
    BaggageValue,
    BaggageProperty,
    TracestateTooLarge,
    BaggageMemberTooLarge,
}

/// Each C rule beside the core rule it stands for: the one place the two enums meet.
const RULES: [(ctxbridge_rule, Rule); 16] = [
    (
        ctxbridge_rule::TraceparentVersionFf,
        Rule::TraceparentVersionFf,
    ),
    (ctxbridge_rule::TraceparentLength, Rule::TraceparentLength),
    (
        ctxbridge_rule::TraceparentDelimiter,
        Rule::TraceparentDelimiter,
    ),
    (
        ctxbridge_rule::TraceparentLowercaseHex,
        Rule::TraceparentLowercaseHex,
    ),
    (
        ctxbridge_rule::TraceparentZeroTraceId,
        Rule::TraceparentZeroTraceId,
    ),
    (
        ctxbridge_rule::TraceparentZeroParentId,
        Rule::TraceparentZeroParentId,
    ),
    (ctxbridge_rule::TracestateMember, Rule::TracestateMember),
    (ctxbridge_rule::TracestateKey, Rule::TracestateKey),
    (ctxbridge_rule::TracestateValue, Rule::TracestateValue),
    (
        ctxbridge_rule::TracestateTooManyMembers,
        Rule::TracestateTooManyMembers,
    ),
    (ctxbridge_rule::BaggageMember, Rule::BaggageMember),
    (ctxbridge_rule::BaggageKey, Rule::BaggageKey),
    (ctxbridge_rule::BaggageValue, Rule::BaggageValue),
    (ctxbridge_rule::BaggageProperty, Rule::BaggageProperty),
    (ctxbridge_rule::TracestateTooLarge, Rule::TracestateTooLarge),
    (
        ctxbridge_rule::BaggageMemberTooLarge,
        Rule::BaggageMemberTooLarge,
    ),
];

impl ctxbridge_rule {
    fn from_core(rule: Rule) -> Self {
        RULES
            .iter()
            .find(|(_, r)| *r == rule)
            .map_or(Self::None, |(c, _)| *c)
    }

    /// The core rule an integer from C names, if any.
    fn core_rule_of(value: u32) -> Option<Rule> {
        RULES
            .iter()
            .find(|(c, _)| *c as u32 == value)
            .map(|(_, r)| *r)
    }
}

/// Writes the rule of a parse error to an optional out-parameter.
pub(crate) fn report_rule(error: &ParseError, rule_out: *mut ctxbridge_rule) -> ctxbridge_status {
    if !rule_out.is_null() {
        // SAFETY: the caller passed a writable ctxbridge_rule or NULL (checked).
        unsafe { *rule_out = ctxbridge_rule::from_core(error.rule()) };
    }
    ctxbridge_status::ParseError
}

/// The stable id of a rule, e.g. "traceparent.version_ff": a static NUL-terminated
/// string, never freed. "" for CTXBRIDGE_RULE_NONE.
/// Takes the rule as an integer: a C caller can pass any value, and one that names no
/// rule gives "" rather than undefined behaviour.
#[no_mangle]
pub extern "C" fn ctxbridge_rule_id(rule: u32) -> *const c_char {
    static_text(ctxbridge_rule::core_rule_of(rule).map(|r| r.id_with_nul()))
}

/// What the rule asks for, in words: a static NUL-terminated string, never freed; ""
/// for CTXBRIDGE_RULE_NONE or an integer that names no rule.
#[no_mangle]
pub extern "C" fn ctxbridge_rule_description(rule: u32) -> *const c_char {
    static_text(ctxbridge_rule::core_rule_of(rule).map(|r| r.description_with_nul()))
}

/// A static NUL-terminated text; "" for no rule.
fn static_text(text: Option<&'static str>) -> *const c_char {
    text.unwrap_or("\0").as_ptr().cast::<c_char>()
}

/// A borrowed string: `len` bytes at `ptr`, not necessarily NUL-terminated.
/// `ptr` may be NULL when `len` is 0.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ctxbridge_str {
    pub ptr: *const c_char,
    pub len: usize,
}

impl ctxbridge_str {
    /// The text, or `None` for a NULL pointer with a length, or bytes that are not UTF-8.
    pub(crate) fn as_str(&self) -> Option<&str> {
        if self.ptr.is_null() {
            return (self.len == 0).then_some("");
        }
        // No object is larger than isize::MAX bytes: a longer `len` cannot be right.
        if self.len > isize::MAX as usize {
            return None;
        }
        // SAFETY: the caller guarantees `len` readable bytes at `ptr` for the call.
        let bytes = unsafe { std::slice::from_raw_parts(self.ptr.cast::<u8>(), self.len) };
        std::str::from_utf8(bytes).ok()
    }
}

/// A string the library allocated: `len` bytes, then a NUL. Use `len`: a decoded
/// baggage value may itself contain NUL bytes (from `%00`). Release it with
/// `ctxbridge_string_free`, with `len` as the library set it.
#[repr(C)]
pub struct ctxbridge_string {
    pub ptr: *mut c_char,
    pub len: usize,
}

impl ctxbridge_string {
    pub(crate) fn empty() -> Self {
        ctxbridge_string {
            ptr: std::ptr::null_mut(),
            len: 0,
        }
    }

    /// Hands `text` to C: all of its bytes (NULs included), then a NUL.
    pub(crate) fn from_string(text: String) -> Self {
        let mut bytes = text.into_bytes();
        let len = bytes.len();
        bytes.push(0);
        let raw = Box::into_raw(bytes.into_boxed_slice());
        ctxbridge_string {
            ptr: raw.cast::<c_char>(),
            len,
        }
    }
}

/// Writes an owned string to a non-NULL out-parameter.
pub(crate) fn give_string(out: *mut ctxbridge_string, text: String) {
    // SAFETY: callers check `out` is not NULL; it points to a writable ctxbridge_string.
    unsafe { *out = ctxbridge_string::from_string(text) };
}

/// Releases a string returned by the library and sets it to NULL/0. NULL is a no-op.
#[no_mangle]
pub extern "C" fn ctxbridge_string_free(string: *mut ctxbridge_string) {
    if string.is_null() {
        return;
    }
    // SAFETY: `string` points to a ctxbridge_string this library filled (or zeroed).
    let string = unsafe { &mut *string };
    if !string.ptr.is_null() {
        let bytes = std::ptr::slice_from_raw_parts_mut(string.ptr.cast::<u8>(), string.len + 1);
        // SAFETY: `ptr` and `len` came from `from_string`: a boxed slice of `len + 1`
        // bytes, freed once because the string is zeroed right after.
        drop(unsafe { Box::from_raw(bytes) });
    }
    *string = ctxbridge_string::empty();
}

/// A header: name and value, both borrowed.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ctxbridge_header {
    pub name: ctxbridge_str,
    pub value: ctxbridge_str,
}

/// Borrows a C array of headers; `None` when `headers` is NULL with a count.
pub(crate) fn headers<'a>(
    headers: *const ctxbridge_header,
    count: usize,
) -> Option<&'a [ctxbridge_header]> {
    if headers.is_null() {
        return (count == 0).then_some(&[]);
    }
    if count > isize::MAX as usize / std::mem::size_of::<ctxbridge_header>() {
        return None;
    }
    // SAFETY: the caller guarantees `count` readable headers at `headers` for the call.
    Some(unsafe { std::slice::from_raw_parts(headers, count) })
}
