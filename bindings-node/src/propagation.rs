//! The propagator's work in one native call each way. Header values come as a string
//! or an array of strings (a repeated header); the JavaScript side never lets a
//! conversion error escape `extract`.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ctxbridge_core::bridge::{
    self, codes::ResumeKind, limits::Limit, trace, trace::TracestateVerdict,
};
use ctxbridge_core::queue::{resume_at, Parent};
use ctxbridge_core::{Baggage, TraceState};
use napi::bindgen_prelude::{Either, FunctionRef};
use napi::Env;
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

/// Checks a traceparent, and the tracestate that came with it when it is one string, in
/// one call that builds no strings: the core's packed verdict
/// ([`ctxbridge_core::bridge::trace::CheckedTrace::packed`]: `flags | tracestate << 8 |
/// start << 10`, or -1 when the traceparent is invalid). JavaScript slices the ids out of
/// its own string at `start` + `traceIdAt` and `start` + `spanIdAt`.
/// `dropPending` is set in the answer when a dropped header waits to be reported
/// ([`take_drop_reports`]).
#[napi]
pub fn check_trace(traceparent: String, tracestate: Option<String>) -> i32 {
    trace::check_packed_reporting(&traceparent, tracestate.as_deref())
}

/// The core's verdict on tracestate values (combined in order): 0 drop, 1 keep the single
/// value as it is, 2 keep `canonicalTracestate` of them; with `dropPending` set when a
/// dropped header waits to be reported.
#[napi]
pub fn check_tracestate(values: Either<String, Vec<String>>) -> u32 {
    let verdict = TracestateVerdict::of_headers(strs(&values)).code() as i32;
    trace::with_drop_pending(verdict) as u32
}

/// Whether a dropped header waits to be reported (after a baggage extract, whose answer
/// has no number to carry the bit).
#[napi]
pub fn drops_pending() -> bool {
    ctxbridge_core::dropped::pending()
}

/// The reports of headers dropped for a rule not reported before (taken), for `diag.warn`.
#[napi]
pub fn take_drop_reports() -> Vec<String> {
    ctxbridge_core::dropped::take_reports()
}

/// How many drops each rule counted (the rules that counted any).
#[napi]
pub fn dropped_counts() -> HashMap<String, i64> {
    ctxbridge_core::dropped::counts()
        .into_iter()
        .map(|(id, count)| (id.to_owned(), i64::try_from(count).unwrap_or(i64::MAX)))
        .collect()
}

/// The core's tracestate verdict codes by name (`CANONICAL: 1`, …), read once when the
/// module loads so JavaScript keeps no table of its own.
#[napi]
pub fn tracestate_verdicts() -> HashMap<String, u32> {
    TracestateVerdict::ALL
        .into_iter()
        .map(|verdict| (verdict.name().to_owned(), verdict.code()))
        .collect()
}

/// The canonical form of tracestate values (combined in order); "" when invalid.
#[napi]
pub fn canonical_tracestate(values: Either<String, Vec<String>>) -> String {
    TraceState::from_headers(strs(&values)).canonical()
}

/// The tracestate header to send for a serialized tracestate ("" when it is not W3C
/// tracestate, so no CR/LF or other junk reaches a carrier).
#[napi]
pub fn outgoing_tracestate(serialized: String) -> String {
    trace::outgoing_tracestate(&serialized)
}

/// A baggage entry as OpenTelemetry JS keeps it: the decoded value and the properties as
/// its metadata string (`p1;p2=x`, `""` when none).
#[napi(object)]
pub struct BaggageEntry {
    pub key: String,
    pub value: String,
    pub metadata: String,
}

thread_local! {
    /// `lib/dropped.js`'s `reportDrops`, on this thread (the main thread or a worker): what
    /// a baggage extract calls when a drop waits to be reported, so JavaScript needs no
    /// check of its own. Never dropped: its reference lives as long as the thread's
    /// JavaScript, and deleting it while the thread exits could outlive the environment.
    static DROP_REPORTER: std::cell::OnceCell<std::mem::ManuallyDrop<FunctionRef<(), ()>>> =
        const { std::cell::OnceCell::new() };
}

/// Sets the function a baggage extract calls when a dropped header waits to be reported
/// (once per thread; later calls change nothing).
#[napi]
pub fn set_drop_reporter(reporter: FunctionRef<(), ()>) {
    DROP_REPORTER.with(|slot| {
        let _ = slot.set(std::mem::ManuallyDrop::new(reporter));
    });
}

/// Calls this thread's drop reporter when a drop waits to be reported (one relaxed load
/// otherwise).
fn report_drops(env: &Env) {
    if !ctxbridge_core::dropped::pending() {
        return;
    }
    DROP_REPORTER.with(|slot| {
        if let Some(reporter) = slot.get() {
            if let Ok(reporter) = reporter.borrow_back(env) {
                let _ = reporter.call(());
            }
        }
    });
}

/// The entries of baggage header values (combined, malformed members dropped). A drop
/// waiting to be reported is handed to the drop reporter first.
#[napi]
pub fn extract_baggage_entries(env: Env, values: Either<String, Vec<String>>) -> Vec<BaggageEntry> {
    let baggage = Baggage::from_headers(strs(&values));
    report_drops(&env);
    bridge::baggage::entries(&baggage)
        .map(|(key, value, metadata)| BaggageEntry {
            key: key.to_owned(),
            value: value.to_owned(),
            metadata,
        })
        .collect()
}

/// The canonical tracestate of `[key, value]` members, in order, each checked alone
/// ([`bridge::trace::from_members`]): members W3C cannot carry are left out.
#[napi]
pub fn canonical_of_members(members: Vec<Vec<String>>) -> String {
    bridge::trace::from_members(members.iter().map(|member| {
        let field = |i: usize| member.get(i).map(String::as_str).unwrap_or("");
        (field(0), field(1))
    }))
    .canonical()
}

/// The baggage header for `[key, value, metadata]` entries; members W3C cannot carry are
/// left out.
#[napi]
pub fn outgoing_baggage(entries: Vec<Vec<String>>) -> String {
    bridge::baggage::header_of(entries.iter().map(|entry| {
        let field = |i: usize| entry.get(i).map(String::as_str).unwrap_or("");
        (field(0), field(1), field(2))
    }))
}

/// The queue decision of DESIGN section 5.
#[napi(object)]
pub struct Resumed {
    /// "child", "root_with_link" or "root" (the core's [`ResumeKind`] ids).
    pub kind: String,
    pub trace_id: Option<String>,
    pub span_id: Option<String>,
    pub trace_flags: u32,
    pub trace_state: String,
    pub baggage: Vec<BaggageEntry>,
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
    let baggage = bridge::baggage::entries(&decision.baggage)
        .map(|(key, value, metadata)| BaggageEntry {
            key: key.to_owned(),
            value: value.to_owned(),
            metadata,
        })
        .collect();
    let kind = ResumeKind::of(&decision.parent);
    let span_context = match decision.parent {
        Parent::ChildOf(sc) | Parent::RootWithLink(sc) => Some(sc),
        Parent::Root => None,
    };
    Resumed {
        kind: kind.id().to_owned(),
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

/// How many bytes of each header value decide it (see the core's `MAX_READ`s), the
/// longest tracestate header sent, and the flag bits a traceparent keeps.
#[napi(object)]
pub struct ReadLimits {
    pub traceparent: u32,
    pub tracestate: u32,
    pub baggage: u32,
    pub tracestate_encoded: u32,
    pub known_flags: u32,
    pub random_flag: u32,
    pub trace_id_at: u32,
    pub span_id_at: u32,
    pub drop_pending: u32,
    pub start_mask: u32,
}

/// The core's limits ([`Limit`]), so that JavaScript hands over no more of a header than
/// can matter (a 16 MB header then costs what a 16 kB one does: N-API copies strings) and
/// keeps no copy of them.
#[napi]
pub fn read_limits() -> ReadLimits {
    // Read once when the module loads: from then on, JavaScript logs dropped headers
    // through diag after each extract.
    ctxbridge_core::dropped::set_host_reports();
    let value = |limit: Limit| u32::try_from(limit.value()).unwrap_or(u32::MAX);
    ReadLimits {
        traceparent: value(Limit::TraceparentRead),
        tracestate: value(Limit::TracestateRead),
        baggage: value(Limit::BaggageRead),
        tracestate_encoded: value(Limit::TracestateSent),
        known_flags: value(Limit::KnownFlags),
        random_flag: value(Limit::RandomFlag),
        trace_id_at: value(Limit::TraceIdAt),
        span_id_at: value(Limit::SpanIdAt),
        drop_pending: value(Limit::DropPending),
        start_mask: value(Limit::StartMask),
    }
}
