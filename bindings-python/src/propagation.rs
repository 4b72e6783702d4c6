//! The propagator's work in one native call each way. Header values come as a
//! string, a list/tuple of strings (a repeated header) or `None`; anything else reads
//! as absent, so a carrier with odd values never makes extraction raise.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ctxbridge_core::bridge::{self, codes::ResumeKind, limits::Limit, trace::TracestateVerdict};
use ctxbridge_core::queue::{resume_at, Parent};
use ctxbridge_core::{Baggage, SpanContext, TraceState};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use crate::diagnostics;

/// A baggage entry for Python: (key, decoded value, properties as metadata `p1;p2=x`).
type PyEntry = (String, String, String);

/// A span context for Python: (trace_id, span_id, flags, [(key, value)] tracestate).
type PySpanContext = (u128, u64, u8, Vec<(String, String)>);

/// What `extract` returns of a span context: (trace_id, span_id, flags, tracestate)
/// with the tracestate as its canonical header (validated, deduplicated, not
/// truncated): one string instead of a list of pairs, parsed again only if read.
type PyExtracted<'py> = (u128, u64, u8, Bound<'py, PyString>);

/// The strings a header value holds.
fn header_values<'py>(value: Option<&Bound<'py, PyAny>>) -> Vec<Bound<'py, PyString>> {
    let Some(value) = value else {
        return Vec::new();
    };
    if let Ok(text) = value.cast::<PyString>() {
        return vec![text.clone()];
    }
    let items = if let Ok(list) = value.cast::<PyList>() {
        list.iter().collect::<Vec<_>>()
    } else if let Ok(tuple) = value.cast::<PyTuple>() {
        tuple.iter().collect()
    } else {
        return Vec::new();
    };
    items
        .into_iter()
        .filter_map(|item| item.cast_into::<PyString>().ok())
        .collect()
}

fn to_py(span_context: &SpanContext) -> PySpanContext {
    (
        span_context.trace_id.to_u128(),
        span_context.span_id.to_u64(),
        span_context.flags.0,
        span_context
            .trace_state
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
    )
}

fn baggage_from(values: &[Bound<'_, PyString>]) -> Baggage {
    Baggage::from_headers(values.iter().filter_map(|s| s.to_str().ok()))
}

/// Extracts (span context or None, [(key, value, metadata)] baggage) from the three header
/// values.
/// The span context's tracestate is its canonical header. Never raises on bad values.
#[pyfunction]
#[pyo3(signature = (traceparent, tracestate=None, baggage=None))]
fn extract<'py>(
    py: Python<'py>,
    traceparent: Option<&Bound<'py, PyAny>>,
    tracestate: Option<&Bound<'py, PyAny>>,
    baggage: Option<&Bound<'py, PyAny>>,
) -> (Option<PyExtracted<'py>>, Vec<PyEntry>) {
    let traceparent = header_values(traceparent);
    let tracestate = header_values(tracestate);
    let baggage = match baggage {
        None => Vec::new(),
        Some(_) => entries_of(&baggage_from(&header_values(baggage))),
    };
    let span = checked_span(py, &traceparent, &tracestate);
    diagnostics::report_drops(py);
    (span, baggage)
}

/// The remote span of header values: (trace_id, span_id, flags, canonical tracestate), by
/// the core's check ([`bridge::trace::check`]). A canonical tracestate is the caller's own
/// string, handed back rather than parsed into members and joined again.
fn checked_span<'py>(
    py: Python<'py>,
    traceparent: &[Bound<'py, PyString>],
    tracestate: &[Bound<'py, PyString>],
) -> Option<PyExtracted<'py>> {
    // A repeated traceparent starts a new trace.
    let [single] = traceparent else {
        return None;
    };
    let states: Vec<&str> = tracestate.iter().filter_map(|s| s.to_str().ok()).collect();
    let checked = bridge::trace::check(single.to_str().ok()?, states.iter().copied())?;
    let state = match (checked.tracestate, tracestate) {
        (TracestateVerdict::Canonical, [own]) => own.clone(),
        (TracestateVerdict::Absent, _) => PyString::new(py, ""),
        _ => PyString::new(py, &TraceState::from_headers(states).canonical()),
    };
    let parent = checked.traceparent;
    Some((
        parent.trace_id.to_u128(),
        parent.parent_id.to_u64(),
        parent.flags.0,
        state,
    ))
}

fn entries_of(baggage: &Baggage) -> Vec<PyEntry> {
    bridge::baggage::entries(baggage)
        .map(|(key, value, metadata)| (key.to_owned(), value.to_owned(), metadata))
        .collect()
}

/// The baggage header for OpenTelemetry Python's baggage (a mapping of key to value, as the
/// context holds it). Keys and values are read as `str()` would give them; a value that is
/// a `str` subclass with a `metadata` attribute (`ctxbridge.BaggageValue`) sends its
/// properties too. Members W3C cannot carry are left out; a mapping that cannot be read
/// sends none.
#[pyfunction]
fn inject_baggage(entries: &Bound<'_, PyAny>) -> String {
    let mut texts: Vec<(String, String, String)> = Vec::new();
    let mut add = |key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>| -> PyResult<()> {
        // Only a str subclass (BaggageValue) carries properties; a plain str or any other
        // value (sent as its str()) has none.
        let metadata =
            if value.is_exact_instance_of::<PyString>() || !value.is_instance_of::<PyString>() {
                String::new()
            } else {
                match value.getattr(intern!(value.py(), "metadata")) {
                    Ok(metadata) => metadata.str()?.to_str()?.to_owned(),
                    Err(_) => String::new(),
                }
            };
        texts.push((
            key.str()?.to_str()?.to_owned(),
            value.str()?.to_str()?.to_owned(),
            metadata,
        ));
        Ok(())
    };
    let read = match entries.cast::<PyDict>() {
        Ok(dict) => dict.iter().try_for_each(|(k, v)| add(&k, &v)),
        Err(_) => entries
            .call_method0(intern!(entries.py(), "items"))
            .and_then(|items| {
                items.try_iter()?.try_for_each(|item| {
                    let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item?.extract()?;
                    add(&k, &v)
                })
            }),
    };
    if read.is_err() {
        return String::new();
    }
    bridge::baggage::header_of(
        texts
            .iter()
            .map(|(k, v, m)| (k.as_str(), v.as_str(), m.as_str())),
    )
}

/// The queue decision of DESIGN section 5: (the core's resume kind id, "child" |
/// "root_with_link" | "root"; span context or None; baggage entries). Times are seconds
/// since the epoch.
#[pyfunction]
#[pyo3(signature = (traceparent, tracestate, baggage, enqueued_at, max_age, now=None))]
fn resume(
    py: Python<'_>,
    traceparent: Option<&Bound<'_, PyAny>>,
    tracestate: Option<&Bound<'_, PyAny>>,
    baggage: Option<&Bound<'_, PyAny>>,
    enqueued_at: f64,
    max_age: f64,
    now: Option<f64>,
) -> (&'static str, Option<PySpanContext>, Vec<PyEntry>) {
    let at = |seconds: f64| UNIX_EPOCH + Duration::from_secs_f64(seconds.max(0.0));
    let (tp, ts, bg) = (
        header_values(traceparent),
        header_values(tracestate),
        header_values(baggage),
    );
    let texts = |values: &[Bound<'_, PyString>]| -> Vec<String> {
        values
            .iter()
            .filter_map(|s| s.to_str().ok().map(str::to_owned))
            .collect()
    };
    let carrier: Vec<(&str, String)> = [
        ("traceparent", texts(&tp)),
        ("tracestate", texts(&ts)),
        ("baggage", texts(&bg)),
    ]
    .into_iter()
    .flat_map(|(name, values)| values.into_iter().map(move |v| (name, v)))
    .collect();
    let decision = resume_at(
        &carrier,
        at(enqueued_at),
        Duration::from_secs_f64(max_age.max(0.0)),
        now.map(at).unwrap_or_else(SystemTime::now),
    );
    diagnostics::report_drops(py);
    let span_context = match &decision.parent {
        Parent::ChildOf(sc) | Parent::RootWithLink(sc) => Some(to_py(sc)),
        Parent::Root => None,
    };
    (
        ResumeKind::of(&decision.parent).id(),
        span_context,
        entries_of(&decision.baggage),
    )
}

/// The canonical tracestate of (key, value) members, in order, as OpenTelemetry's builders
/// build one: members W3C cannot carry are left out, each checked alone.
#[pyfunction]
fn tracestate_of_members(members: Vec<(String, String)>) -> String {
    bridge::trace::from_members(members.iter().map(|(k, v)| (k.as_str(), v.as_str()))).canonical()
}

/// The tracestate header to send for (key, value) members of any TraceState: members W3C
/// cannot carry left out, at most 512 characters.
#[pyfunction]
fn outgoing_tracestate(members: Vec<(String, String)>) -> String {
    bridge::trace::outgoing_of_members(members.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // Dropped headers are logged here, through Python's logging, after each extract.
    ctxbridge_core::dropped::set_host_reports();
    m.add("TRACESTATE_SENT", Limit::TracestateSent.value())?;
    m.add("KNOWN_FLAGS", Limit::KnownFlags.value())?;
    m.add_function(wrap_pyfunction!(tracestate_of_members, m)?)?;
    m.add_function(wrap_pyfunction!(outgoing_tracestate, m)?)?;
    m.add_function(wrap_pyfunction!(extract, m)?)?;
    m.add_function(wrap_pyfunction!(inject_baggage, m)?)?;
    m.add_function(wrap_pyfunction!(resume, m)?)?;
    Ok(())
}
