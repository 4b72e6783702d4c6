//! ctxbridge-core: keeps OpenTelemetry traces unbroken across concurrency boundaries.
//!
//! - [`traceparent`], [`tracestate`] and [`baggage`]: the W3C codecs.
//! - [`carrier`]: extract and inject over any header map.
//! - [`scope`]: the capture → attach → detach token rules, generic over value and slot.
//! - [`handoff`]: those rules for Rust threads, with [`Snapshot`] as the current value.
//! - [`queue`]: resuming a trace from a queued message.
//! - [`bridge`]: what a binding does per call, as numbers and strings for its boundary.
//! - [`doctor`]: reads finished spans and names each broken hand-off.
//! - `otel` (feature): conversions to and from `opentelemetry::Context`.

pub mod baggage;
mod bounded;
pub mod bridge;
pub mod carrier;
pub mod doctor;
pub mod dropped;
mod error;
pub mod handoff;
mod hex;
mod ids;
pub mod live_bytes;
#[cfg(feature = "otel")]
pub mod otel;
#[cfg(feature = "otel")]
pub mod otel_metrics;
pub mod queue;
pub mod scope;
mod snapshot;
mod span_context;
pub mod traceparent;
pub mod tracestate;

pub use baggage::Baggage;
pub use carrier::{extract, inject, Extractor, Injector};
pub use error::{ParseError, Rule};
pub use handoff::{attach, capture, current, detach, run_in, spawn, wrap};
pub use ids::{SpanId, TraceFlags, TraceId};
pub use snapshot::Snapshot;
pub use span_context::SpanContext;
pub use traceparent::{format_traceparent, parse_traceparent, Traceparent};
pub use tracestate::TraceState;
