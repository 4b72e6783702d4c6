//! Carriers: string maps that hold `traceparent`, `tracestate` and `baggage`
//! (HTTP headers, Kafka/AMQP headers, SQS attributes, Redis stream fields).
//!
//! Extraction reads every value of a header, because a repeated `traceparent` means
//! "start a new trace" while repeated `tracestate`/`baggage` headers are combined.

use std::collections::HashMap;

use crate::baggage::Baggage;
use crate::snapshot::Snapshot;
use crate::span_context::SpanContext;
use crate::tracestate::TraceState;

pub const TRACEPARENT: &str = "traceparent";
pub const TRACESTATE: &str = "tracestate";
pub const BAGGAGE: &str = "baggage";

/// A source of header values. Names match case-insensitively.
pub trait Extractor {
    /// Every value of header `name`, in the order they were received.
    fn get_all<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str>;
}

/// A sink for header values.
pub trait Injector {
    /// Sets header `name` to `value`, replacing any value it had.
    fn set(&mut self, name: &str, value: String);
}

impl<K: AsRef<str>, V: AsRef<str>> Extractor for [(K, V)] {
    fn get_all<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> {
        self.iter()
            .filter(move |(key, _)| key.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Extractor for Vec<(K, V)> {
    fn get_all<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> {
        self.as_slice().get_all(name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> Extractor for [(K, V); N] {
    fn get_all<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> {
        self.as_slice().get_all(name)
    }
}

impl Extractor for HashMap<String, String> {
    fn get_all<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> {
        self.iter()
            .filter(move |(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

impl Injector for HashMap<String, String> {
    fn set(&mut self, name: &str, value: String) {
        self.retain(|key, _| !key.eq_ignore_ascii_case(name));
        self.insert(name.to_owned(), value);
    }
}

impl Injector for Vec<(String, String)> {
    fn set(&mut self, name: &str, value: String) {
        self.retain(|(key, _)| !key.eq_ignore_ascii_case(name));
        self.push((name.to_owned(), value));
    }
}

/// The remote span context a carrier holds, or `None` (no, repeated or invalid traceparent).
/// Tracestate is read only when the traceparent is valid.
pub fn extract_span_context<E: Extractor + ?Sized>(carrier: &E) -> Option<SpanContext> {
    let mut values = carrier.get_all(TRACEPARENT);
    let first = values.next()?;
    if values.next().is_some() {
        return None;
    }
    let (parent, _) = crate::traceparent::parse_fields(first).ok()?;
    let trace_state = TraceState::from_headers(carrier.get_all(TRACESTATE));
    crate::dropped::log_pending();
    Some(SpanContext {
        trace_id: parent.trace_id,
        span_id: parent.parent_id,
        flags: parent.flags,
        remote: true,
        trace_state,
    })
}

/// The baggage a carrier holds; malformed members are dropped alone.
pub fn extract_baggage<E: Extractor + ?Sized>(carrier: &E) -> Baggage {
    let baggage = Baggage::from_headers(carrier.get_all(BAGGAGE));
    crate::dropped::log_pending();
    baggage
}

/// Everything a carrier holds, as a snapshot captured now. Never fails.
pub fn extract<E: Extractor + ?Sized>(carrier: &E) -> Snapshot {
    Snapshot::new(extract_span_context(carrier), extract_baggage(carrier))
}

/// Writes `traceparent` (and `tracestate` when not empty) for a valid span context.
pub fn inject_span_context<I: Injector + ?Sized>(span_context: &SpanContext, carrier: &mut I) {
    if !span_context.is_valid() {
        return;
    }
    carrier.set(TRACEPARENT, span_context.traceparent().as_str().to_owned());
    if !span_context.trace_state.is_empty() {
        carrier.set(TRACESTATE, span_context.trace_state.header());
    }
}

/// Writes `baggage` when there is any.
pub fn inject_baggage<I: Injector + ?Sized>(baggage: &Baggage, carrier: &mut I) {
    let header = baggage.header();
    if !header.is_empty() {
        carrier.set(BAGGAGE, header);
    }
}

/// Writes a snapshot into a carrier.
pub fn inject<I: Injector + ?Sized>(snapshot: &Snapshot, carrier: &mut I) {
    if let Some(span_context) = snapshot.span_context() {
        inject_span_context(span_context, carrier);
    }
    inject_baggage(snapshot.baggage(), carrier);
}
