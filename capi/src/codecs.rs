//! The W3C codecs: explicit parses that report the broken rule, and formatting.

use std::ffi::c_char;

use ctxbridge_core::bridge;
use ctxbridge_core::traceparent::TRACEPARENT_LEN;
use ctxbridge_core::{
    format_traceparent, parse_traceparent, Baggage, SpanId, TraceFlags, TraceId, TraceState,
};

use crate::guard::ffi_guard;
use crate::types::{
    ctxbridge_rule, ctxbridge_status, ctxbridge_str, ctxbridge_string, give_string, report_rule,
};

/// Bytes `ctxbridge_traceparent_format` needs: 55 characters and a NUL.
pub const CTXBRIDGE_TRACEPARENT_BUF_LEN: usize = 56;

/// The sampled trace flag.
pub const CTXBRIDGE_FLAG_SAMPLED: u8 = 0x01;
/// The random trace flag (W3C Trace Context Level 2).
pub const CTXBRIDGE_FLAG_RANDOM: u8 = 0x02;

/// A span context's ids and flags, as `traceparent` carries them.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct ctxbridge_span_context {
    pub trace_id: [u8; 16],
    pub span_id: [u8; 8],
    /// Only CTXBRIDGE_FLAG_SAMPLED and CTXBRIDGE_FLAG_RANDOM are ever set.
    pub flags: u8,
    /// True when it came from a carrier.
    pub remote: bool,
}

impl ctxbridge_span_context {
    pub(crate) fn from_core(span_context: &ctxbridge_core::SpanContext) -> Self {
        ctxbridge_span_context {
            trace_id: span_context.trace_id.0,
            span_id: span_context.span_id.0,
            flags: span_context.flags.0,
            remote: span_context.remote,
        }
    }
}

/// Parses one `traceparent` value. On CTXBRIDGE_STATUS_PARSE_ERROR, `*rule_out`
/// (when not NULL) names the rule broken. `out` may not be NULL.
#[no_mangle]
pub extern "C" fn ctxbridge_traceparent_parse(
    value: ctxbridge_str,
    out: *mut ctxbridge_span_context,
    rule_out: *mut ctxbridge_rule,
) -> ctxbridge_status {
    ffi_guard(|| {
        let Some(text) = value.as_str() else {
            return ctxbridge_status::InvalidArgument;
        };
        if out.is_null() {
            return ctxbridge_status::InvalidArgument;
        }
        match parse_traceparent(text) {
            Ok(parsed) => {
                // SAFETY: `out` is not NULL and points to a writable span context.
                unsafe {
                    *out = ctxbridge_span_context {
                        trace_id: parsed.trace_id.0,
                        span_id: parsed.parent_id.0,
                        flags: parsed.flags.0,
                        remote: true,
                    }
                };
                ctxbridge_status::Ok
            }
            Err(error) => report_rule(&error, rule_out),
        }
    })
}

/// Writes the version-00 `traceparent` of `span_context` and a NUL into `buf`, which
/// holds `buf_len` >= CTXBRIDGE_TRACEPARENT_BUF_LEN bytes. Unknown flag bits are zeroed.
#[no_mangle]
pub extern "C" fn ctxbridge_traceparent_format(
    span_context: *const ctxbridge_span_context,
    buf: *mut c_char,
    buf_len: usize,
) -> ctxbridge_status {
    ffi_guard(|| {
        if span_context.is_null() || buf.is_null() {
            return ctxbridge_status::InvalidArgument;
        }
        if buf_len < CTXBRIDGE_TRACEPARENT_BUF_LEN {
            return ctxbridge_status::BufferTooSmall;
        }
        // SAFETY: checked non-NULL; the caller passes a readable span context.
        let sc = unsafe { &*span_context };
        let text = format_traceparent(
            TraceId(sc.trace_id),
            SpanId(sc.span_id),
            TraceFlags(sc.flags),
        );
        // SAFETY: `buf` holds at least 56 bytes (checked above).
        unsafe {
            std::ptr::copy_nonoverlapping(
                text.as_bytes().as_ptr(),
                buf.cast::<u8>(),
                TRACEPARENT_LEN,
            );
            *buf.add(TRACEPARENT_LEN) = 0;
        }
        ctxbridge_status::Ok
    })
}

/// Validates `count` `tracestate` values combined in order and writes the header that
/// would be propagated (deduplicated, at most 512 characters) to `*out`, to be freed
/// with `ctxbridge_string_free`. A broken rule gives CTXBRIDGE_STATUS_PARSE_ERROR.
#[no_mangle]
pub extern "C" fn ctxbridge_tracestate_normalize(
    values: *const ctxbridge_str,
    count: usize,
    out: *mut ctxbridge_string,
    rule_out: *mut ctxbridge_rule,
) -> ctxbridge_status {
    ffi_guard(|| {
        let Some(values) = borrow_strs(values, count) else {
            return ctxbridge_status::InvalidArgument;
        };
        if out.is_null() {
            return ctxbridge_status::InvalidArgument;
        }
        match TraceState::parse_headers(values.iter().copied()) {
            Ok(state) => {
                give_string(out, state.header());
                ctxbridge_status::Ok
            }
            Err(error) => report_rule(&error, rule_out),
        }
    })
}

/// Parses one `baggage` value strictly (the first malformed member is an error) and
/// writes the header that would be propagated to `*out` (free with ctxbridge_string_free).
#[no_mangle]
pub extern "C" fn ctxbridge_baggage_normalize(
    value: ctxbridge_str,
    out: *mut ctxbridge_string,
    rule_out: *mut ctxbridge_rule,
) -> ctxbridge_status {
    ffi_guard(|| {
        let Some(text) = value.as_str() else {
            return ctxbridge_status::InvalidArgument;
        };
        if out.is_null() {
            return ctxbridge_status::InvalidArgument;
        }
        match Baggage::parse(text) {
            Ok(baggage) => {
                give_string(out, baggage.header());
                ctxbridge_status::Ok
            }
            Err(error) => report_rule(&error, rule_out),
        }
    })
}

/// One baggage entry as OpenTelemetry SDKs hold one: a key, a decoded value, and the
/// member's properties as one metadata string (`p1;p2=x`, empty for none).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ctxbridge_baggage_entry {
    pub key: ctxbridge_str,
    pub value: ctxbridge_str,
    pub metadata: ctxbridge_str,
}

/// Writes the `baggage` header for `count` entries to `*out` (free with
/// ctxbridge_string_free): values percent-encoded, 64 members and 8192 bytes at most. An
/// entry W3C Baggage cannot carry (a key or a property that is not a token) is left out,
/// as a propagator's inject does; an entry that is not UTF-8 is CTXBRIDGE_STATUS_INVALID_ARGUMENT.
#[no_mangle]
pub extern "C" fn ctxbridge_baggage_encode(
    entries: *const ctxbridge_baggage_entry,
    count: usize,
    out: *mut ctxbridge_string,
) -> ctxbridge_status {
    ffi_guard(|| {
        let Some(entries) = borrow_slice(entries, count) else {
            return ctxbridge_status::InvalidArgument;
        };
        if out.is_null() {
            return ctxbridge_status::InvalidArgument;
        }
        let texts: Option<Vec<(&str, &str, &str)>> = entries
            .iter()
            .map(|e| Some((e.key.as_str()?, e.value.as_str()?, e.metadata.as_str()?)))
            .collect();
        let Some(texts) = texts else {
            return ctxbridge_status::InvalidArgument;
        };
        give_string(out, bridge::baggage::header_of(texts));
        ctxbridge_status::Ok
    })
}

/// Borrows `count` C strings as text; `None` if any is not UTF-8 or the array is NULL.
fn borrow_strs<'a>(values: *const ctxbridge_str, count: usize) -> Option<Vec<&'a str>> {
    borrow_slice(values, count)?
        .iter()
        .map(|v| v.as_str())
        .collect()
}

/// Borrows a C array of `count` items; `None` when it is NULL with a count, or too large.
fn borrow_slice<'a, T>(items: *const T, count: usize) -> Option<&'a [T]> {
    if items.is_null() {
        return (count == 0).then_some(&[]);
    }
    if count > isize::MAX as usize / std::mem::size_of::<T>().max(1) {
        return None;
    }
    // SAFETY: the caller guarantees `count` readable items at `items` for the call.
    Some(unsafe { std::slice::from_raw_parts(items, count) })
}
