//! `Snapshot`: what crosses a concurrency boundary.
//!
//! It is immutable and cheap to clone (one `Arc` plus a timestamp), so capturing at
//! submit time costs a reference-count increment, not a copy of the baggage.

use std::sync::Arc;
use std::time::SystemTime;

use crate::baggage::Baggage;
use crate::span_context::SpanContext;

/// The span context and baggage current when work was handed off, and when that was.
#[derive(Clone, Debug)]
pub struct Snapshot {
    payload: Arc<Payload>,
    captured_at: SystemTime,
}

#[derive(Debug, Default)]
struct Payload {
    span_context: Option<SpanContext>,
    baggage: Baggage,
}

impl Snapshot {
    /// A snapshot of `span_context` (ignored unless valid) and `baggage`, captured now.
    pub fn new(span_context: Option<SpanContext>, baggage: Baggage) -> Self {
        Snapshot {
            payload: Arc::new(Payload {
                span_context: span_context.filter(SpanContext::is_valid),
                baggage,
            }),
            captured_at: SystemTime::now(),
        }
    }

    /// A snapshot with no span context and no baggage.
    pub fn empty() -> Self {
        Snapshot::new(None, Baggage::default())
    }

    /// The same payload stamped with another capture time (sharing, not copying, it).
    pub fn with_captured_at(&self, captured_at: SystemTime) -> Self {
        Snapshot {
            payload: Arc::clone(&self.payload),
            captured_at,
        }
    }

    /// The span context, if the snapshot has a valid one.
    pub fn span_context(&self) -> Option<&SpanContext> {
        self.payload.span_context.as_ref()
    }

    pub fn baggage(&self) -> &Baggage {
        &self.payload.baggage
    }

    /// The wall-clock time the snapshot was taken.
    pub fn captured_at(&self) -> SystemTime {
        self.captured_at
    }

    /// Whether both snapshots share one payload (a clone or a re-stamp of the other).
    pub fn same_payload(&self, other: &Snapshot) -> bool {
        Arc::ptr_eq(&self.payload, &other.payload)
    }

    /// True when there is neither a span context nor baggage.
    pub fn is_empty(&self) -> bool {
        self.payload.span_context.is_none() && self.payload.baggage.is_empty()
    }
}

impl Default for Snapshot {
    fn default() -> Self {
        Snapshot::empty()
    }
}
