//! The doctor over `opentelemetry_sdk`'s finished spans (feature `doctor-sdk`): the
//! Rust test helper beside pytest's, node:test's and JUnit's.
//!
//! ```
//! use ctxbridge_core::doctor::{sdk, Options};
//! use opentelemetry::trace::{Tracer, TracerProvider as _};
//! use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
//!
//! let exporter = InMemorySpanExporter::default();
//! let provider = SdkTracerProvider::builder().with_simple_exporter(exporter.clone()).build();
//! provider.tracer("orders").in_span("POST /orders", |_| {});
//! sdk::assert_unbroken(&exporter.get_finished_spans().unwrap(), "orders", &Options::default());
//! ```

use std::time::{SystemTime, UNIX_EPOCH};

use opentelemetry::trace::{SpanKind, Status};
use opentelemetry_sdk::trace::SpanData;

use super::{diagnose, report, Kind, Options, Span};

/// The doctor's spans of `spans`, all of service `service` (the SDK keeps the resource
/// in the exporter, not in each span).
pub fn spans_of(spans: &[SpanData], service: &str) -> Vec<Span> {
    let nanos = |time: SystemTime| {
        time.duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
    };
    spans
        .iter()
        .map(|span| {
            let parent = u64::from_be_bytes(span.parent_span_id.to_bytes());
            Span {
                trace_id: u128::from_be_bytes(span.span_context.trace_id().to_bytes()),
                span_id: u64::from_be_bytes(span.span_context.span_id().to_bytes()),
                parent_id: (parent != 0).then_some(parent),
                name: span.name.to_string(),
                kind: match span.span_kind {
                    SpanKind::Internal => Kind::Internal,
                    SpanKind::Server => Kind::Server,
                    SpanKind::Client => Kind::Client,
                    SpanKind::Producer => Kind::Producer,
                    SpanKind::Consumer => Kind::Consumer,
                },
                service: service.to_owned(),
                language: "rust".to_owned(),
                start_ns: nanos(span.start_time),
                end_ns: nanos(span.end_time),
                error: matches!(span.status, Status::Error { .. }),
                links: span
                    .links
                    .links
                    .iter()
                    .map(|link| {
                        (
                            u128::from_be_bytes(link.span_context.trace_id().to_bytes()),
                            u64::from_be_bytes(link.span_context.span_id().to_bytes()),
                        )
                    })
                    .collect(),
                attributes: span
                    .attributes
                    .iter()
                    .map(|kv| (kv.key.to_string(), kv.value.to_string()))
                    .collect(),
            }
        })
        .collect()
}

/// Panics with the doctor's report when `spans` (of service `service`) show a break.
#[track_caller]
pub fn assert_unbroken(spans: &[SpanData], service: &str, options: &Options) {
    let spans = spans_of(spans, service);
    let findings = diagnose(&spans, options);
    if !findings.is_empty() {
        panic!(
            "ctxbridge doctor:\n{}",
            report::render(&spans, &findings, false)
        );
    }
}
