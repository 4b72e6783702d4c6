//! The propagator's work in one native call each way. Header values come as a string
//! or an array of strings (a repeated header); the JavaScript side never lets a
//! conversion error escape `extract`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ctxbridge_core::queue::{resume_at, Parent};
use ctxbridge_core::{tracestate, Baggage, TraceState};
use napi::bindgen_prelude::Either;
use napi_derive::napi;

type HeaderValue = Option<Either<String, Vec<String>>>;

fn values(value: &HeaderValue) -> Vec<&str> {
    value.as_ref().map(strs).unwrap_or_default()
}

/// The strings of one header value: itself, or every value of a repeated header.
fn strs(value: &Either<String, Vec<String>>) -> Vec<&str> {
    match value {
        Either::A(single) => vec![single.as_str()],
        Either::B(many) => many.iter().map(String::as_str).collect(),
    }
}

/// Checks a traceparent, and the tracestate that came with it when it is one string,
/// in one call that builds no strings: `-1` when the traceparent is invalid, otherwise
/// `flags + 256 * tracestate`, where `tracestate` is what `checkTracestate` would say of
/// it (0 when absent). JavaScript slices the ids out of its own string.
#[napi]
pub fn check_trace(traceparent: String, tracestate: Option<String>) -> i32 {
    match ctxbridge_core::parse_traceparent(&traceparent) {
        Ok(parsed) => {
            let state = match tracestate.as_deref() {
                None | Some("") => 0,
                Some(single) if tracestate::is_canonical(single) => 1,
                Some(single) => match TraceState::parse(single) {
                    Ok(state) if !state.is_empty() => 2,
                    _ => 0,
                },
            };
            i32::from(parsed.flags.0) + 256 * state
        }
        Err(_) => -1,
    }
}

/// Tracestate values (combined in order): `1` when the single value is already
/// canonical (use it as it is), `0` when the tracestate is empty or invalid (drop it),
/// `2` otherwise (call `canonicalTracestate` for the string to keep).
#[napi]
pub fn check_tracestate(values: Either<String, Vec<String>>) -> u32 {
    let values = strs(&values);
    match values.as_slice() {
        [""] => 0,
        [single] if tracestate::is_canonical(single) => 1,
        _ => match TraceState::parse_headers(values.iter().copied()) {
            Ok(state) if !state.is_empty() => 2,
            _ => 0,
        },
    }
}

/// The canonical form of tracestate values (combined in order); "" when invalid.
#[napi]
pub fn canonical_tracestate(values: Either<String, Vec<String>>) -> String {
    TraceState::from_headers(strs(&values)).canonical()
}

/// The tracestate header to send for a serialized tracestate: itself when already
/// canonical and short enough, else re-encoded (truncated to 512 characters); "" when
/// it is not valid W3C tracestate.
#[napi]
pub fn outgoing_tracestate(serialized: String) -> String {
    if tracestate::is_canonical(&serialized) {
        return serialized;
    }
    TraceState::parse(&serialized)
        .map(|s| s.header())
        .unwrap_or_default()
}

/// The baggage header for `[key, value]` pairs; members W3C cannot carry are skipped.
#[napi]
pub fn outgoing_baggage(pairs: Vec<Vec<String>>) -> String {
    let mut baggage = Baggage::default();
    for pair in &pairs {
        if let [key, value] = pair.as_slice() {
            let _ = baggage.insert(key, value);
        }
    }
    baggage.header()
}

/// The queue decision of DESIGN section 5.
#[napi(object)]
pub struct Resumed {
    /// "child", "root_with_link" or "root".
    pub kind: String,
    pub trace_id: Option<String>,
    pub span_id: Option<String>,
    pub trace_flags: u32,
    pub trace_state: String,
    pub baggage: Vec<Vec<String>>,
}

/// Decides how a consumer resumes a message's trace: a child while younger than
/// `maxAgeMs` (from `enqueuedAtMs` to `nowMs`, epoch milliseconds), else a new root
/// linked to the producer.
#[napi]
pub fn resume(
    traceparent: HeaderValue,
    tracestate: HeaderValue,
    baggage: HeaderValue,
    enqueued_at_ms: f64,
    max_age_ms: f64,
    now_ms: Option<f64>,
) -> Resumed {
    let at = |ms: f64| UNIX_EPOCH + Duration::from_secs_f64(ms.max(0.0) / 1000.0);
    let carrier: Vec<(&str, &str)> = [
        ("traceparent", &traceparent),
        ("tracestate", &tracestate),
        ("baggage", &baggage),
    ]
    .into_iter()
    .flat_map(|(name, value)| values(value).into_iter().map(move |v| (name, v)))
    .collect();
    let decision = resume_at(
        &carrier,
        at(enqueued_at_ms),
        Duration::from_secs_f64(max_age_ms.max(0.0) / 1000.0),
        now_ms.map(at).unwrap_or_else(SystemTime::now),
    );
    let baggage = decision
        .baggage
        .iter()
        .map(|m| vec![m.key.clone(), m.value.clone()])
        .collect();
    let (kind, span_context) = match decision.parent {
        Parent::ChildOf(sc) => ("child", Some(sc)),
        Parent::RootWithLink(sc) => ("root_with_link", Some(sc)),
        Parent::Root => ("root", None),
    };
    Resumed {
        kind: kind.to_owned(),
        trace_id: span_context.as_ref().map(|sc| sc.trace_id.to_hex()),
        span_id: span_context.as_ref().map(|sc| sc.span_id.to_hex()),
        trace_flags: span_context.as_ref().map_or(0, |sc| u32::from(sc.flags.0)),
        trace_state: span_context
            .as_ref()
            .map(|sc| sc.trace_state.canonical())
            .unwrap_or_default(),
        baggage,
    }
}

/// How many bytes of each header value decide it (see the core's `MAX_READ`s), and the
/// longest tracestate header sent.
#[napi(object)]
pub struct ReadLimits {
    pub traceparent: u32,
    pub tracestate: u32,
    pub baggage: u32,
    pub tracestate_encoded: u32,
}

/// The core's read limits, so that JavaScript hands over no more of a header than can
/// matter: a 16 MB header then costs what a 16 kB one does (N-API copies strings).
#[napi]
pub fn read_limits() -> ReadLimits {
    ReadLimits {
        traceparent: ctxbridge_core::traceparent::MAX_READ as u32,
        tracestate: ctxbridge_core::tracestate::MAX_READ as u32,
        baggage: ctxbridge_core::baggage::MAX_READ as u32,
        tracestate_encoded: ctxbridge_core::tracestate::MAX_ENCODED_LEN as u32,
    }
}
