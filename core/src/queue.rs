//! Resuming a trace from a queued message (DESIGN section 5).
//!
//! A message consumed soon after it was produced continues the producer's trace. One
//! consumed long after (a retry hours later, a nightly batch) starts a new trace with a
//! span link to the producer, so the producer's trace is not stretched over hours.

use std::time::{Duration, SystemTime};

use crate::baggage::Baggage;
use crate::carrier::{extract_baggage, extract_span_context, Extractor};
use crate::span_context::SpanContext;

/// How the consumer span should start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parent {
    /// The message is younger than `max_age`: start the consumer span as a child.
    ChildOf(SpanContext),
    /// The message is too old: start a new root span with a link to this span context.
    RootWithLink(SpanContext),
    /// The message carried no valid traceparent: start a new root span.
    Root,
}

/// What a consumer needs to start its span: the parent decision and the baggage,
/// which survives either way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resume {
    pub parent: Parent,
    pub baggage: Baggage,
    /// How long the message waited, when the enqueue time is not in the future.
    pub age: Option<Duration>,
}

/// Decides how to resume the trace a message carries, using the current time.
pub fn resume<E: Extractor + ?Sized>(
    carrier: &E,
    enqueued_at: SystemTime,
    max_age: Duration,
) -> Resume {
    resume_at(carrier, enqueued_at, max_age, SystemTime::now())
}

/// [`resume`] at a given `now`, for tests and for consumers that batch.
pub fn resume_at<E: Extractor + ?Sized>(
    carrier: &E,
    enqueued_at: SystemTime,
    max_age: Duration,
    now: SystemTime,
) -> Resume {
    let age = now.duration_since(enqueued_at).ok();
    let parent = match extract_span_context(carrier) {
        None => Parent::Root,
        Some(span_context) if age.unwrap_or_default() < max_age => Parent::ChildOf(span_context),
        Some(span_context) => Parent::RootWithLink(span_context),
    };
    Resume {
        parent,
        baggage: extract_baggage(carrier),
        age,
    }
}
