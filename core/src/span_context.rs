//! `SpanContext`: the part of a span that crosses process and thread boundaries.

use crate::ids::{SpanId, TraceFlags, TraceId};
use crate::traceparent::{format_traceparent, TraceparentBuf};
use crate::tracestate::TraceState;

/// The ids, flags and vendor state of a span, as `traceparent`/`tracestate` carry them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpanContext {
    pub trace_id: TraceId,
    pub span_id: SpanId,
    pub flags: TraceFlags,
    /// True when the span context was extracted from a carrier rather than made in-process.
    pub remote: bool,
    pub trace_state: TraceState,
}

impl SpanContext {
    /// Whether both ids are non-zero, so that the context can be a parent.
    pub fn is_valid(&self) -> bool {
        self.trace_id.is_valid() && self.span_id.is_valid()
    }

    /// The version-`00` `traceparent` of this span context.
    pub fn traceparent(&self) -> TraceparentBuf {
        format_traceparent(self.trace_id, self.span_id, self.flags)
    }
}
