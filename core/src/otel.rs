//! Conversions between [`Snapshot`] and `opentelemetry::Context` (feature `otel`).
//!
//! With these, work handed to another thread through ctxbridge starts its spans as
//! children of the span that was current where the work was submitted.

use opentelemetry::baggage::{BaggageExt, KeyValueMetadata};
use opentelemetry::trace::{self as otel_trace, TraceContextExt};
use opentelemetry::Context;

use crate::baggage::{Baggage, Member, Property};
use crate::ids::{SpanId, TraceFlags, TraceId};
use crate::snapshot::Snapshot;
use crate::span_context::SpanContext;
use crate::tracestate::TraceState;

impl SpanContext {
    /// The span context of the span in `cx`, if it has a valid one.
    pub fn from_otel(span_context: &otel_trace::SpanContext) -> Option<SpanContext> {
        if !span_context.is_valid() {
            return None;
        }
        let trace_state =
            TraceState::parse(&span_context.trace_state().header()).unwrap_or_default();
        Some(SpanContext {
            trace_id: TraceId(span_context.trace_id().to_bytes()),
            span_id: SpanId(span_context.span_id().to_bytes()),
            flags: TraceFlags::from_wire(span_context.trace_flags().to_u8()),
            remote: span_context.is_remote(),
            trace_state,
        })
    }

    /// The same span context as OpenTelemetry's type.
    pub fn to_otel(&self) -> otel_trace::SpanContext {
        let trace_state =
            otel_trace::TraceState::from_key_value(self.trace_state.iter()).unwrap_or_default();
        otel_trace::SpanContext::new(
            otel_trace::TraceId::from_bytes(self.trace_id.0),
            otel_trace::SpanId::from_bytes(self.span_id.0),
            otel_trace::TraceFlags::new(self.flags.0),
            self.remote,
            trace_state,
        )
    }
}

impl Snapshot {
    /// The span context and baggage of `cx`, captured now.
    pub fn from_otel(cx: &Context) -> Snapshot {
        let span_context = SpanContext::from_otel(cx.span().span_context());
        let mut baggage = Baggage::default();
        for (key, (value, metadata)) in cx.baggage() {
            let properties = parse_metadata(metadata.as_str());
            // A key OpenTelemetry accepted but W3C cannot carry is left behind.
            let _ =
                baggage.insert_with_properties(key.as_str(), value.as_str().as_ref(), properties);
        }
        Snapshot::new(span_context, baggage)
    }

    /// An OpenTelemetry context holding this snapshot's span context (as the parent for
    /// spans started in it) and baggage.
    pub fn to_otel(&self) -> Context {
        let mut cx = Context::new();
        if let Some(span_context) = self.span_context() {
            cx = cx.with_remote_span_context(span_context.to_otel());
        }
        if !self.baggage().is_empty() {
            let members = self.baggage().iter().map(|member: &Member| {
                KeyValueMetadata::new(
                    member.key.clone(),
                    member.value.clone(),
                    format_metadata(&member.properties),
                )
            });
            cx = cx.with_baggage(members.collect::<Vec<_>>());
        }
        cx
    }
}

/// Snapshot of OpenTelemetry's current context, for handing work off.
pub fn capture() -> Snapshot {
    Context::map_current(Snapshot::from_otel)
}

/// Runs `work` with `snapshot` current both for ctxbridge and for OpenTelemetry, with
/// the task hygiene of [`crate::run_in`].
pub fn run_in<R>(snapshot: &Snapshot, work: impl FnOnce() -> R) -> R {
    crate::run_in(snapshot, || {
        let _guard = snapshot.to_otel().attach();
        work()
    })
}

/// Captures OpenTelemetry's current context now; the returned work runs in it.
pub fn wrap<R, F>(work: F) -> impl FnOnce() -> R + Send
where
    F: FnOnce() -> R + Send,
{
    let snapshot = capture();
    move || run_in(&snapshot, work)
}

/// `std::thread::spawn` with OpenTelemetry's current context carried into the thread.
pub fn spawn<R, F>(work: F) -> std::thread::JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    std::thread::spawn(wrap(work))
}

fn parse_metadata(metadata: &str) -> Vec<Property> {
    metadata
        .split(';')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| match part.split_once('=') {
            Some((key, value)) => Property {
                key: key.trim().to_owned(),
                value: Some(value.trim().to_owned()),
            },
            None => Property {
                key: part.to_owned(),
                value: None,
            },
        })
        .collect()
}

fn format_metadata(properties: &[Property]) -> String {
    let parts: Vec<String> = properties
        .iter()
        .map(|p| match &p.value {
            Some(value) => format!("{}={}", p.key, value),
            None => p.key.clone(),
        })
        .collect();
    parts.join(";")
}
