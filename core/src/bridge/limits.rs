//! The numbers a binding's host side needs from the codecs: how much of a header can
//! matter (so a host that copies strings across its boundary copies no more), the longest
//! tracestate sent, the flag bits a traceparent keeps, and where its ids start.

use super::trace;
use crate::ids::TraceFlags;
use crate::{baggage, traceparent, tracestate};

/// One of the codecs' numbers, by a stable code for hosts that ask for one at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// Bytes of a `traceparent` value that decide it ([`traceparent::MAX_READ`]).
    TraceparentRead = 0,
    /// Bytes of combined `tracestate` values that decide them ([`tracestate::MAX_READ`]).
    TracestateRead = 1,
    /// Bytes of combined `baggage` values that decide them ([`baggage::MAX_READ`]).
    BaggageRead = 2,
    /// The longest `tracestate` header sent ([`tracestate::MAX_ENCODED_LEN`]).
    TracestateSent = 3,
    /// The flag bits a traceparent keeps ([`TraceFlags::KNOWN`]); the rest are zeroed.
    KnownFlags = 4,
    /// The Level 2 random trace-id flag ([`TraceFlags::RANDOM`]): it belongs to the trace
    /// id, so a host whose SDK drops it on child spans puts it back for that trace.
    RandomFlag = 5,
    /// Where the trace-id starts in a trimmed traceparent ([`trace::TRACE_ID_AT`]).
    TraceIdAt = 6,
    /// Where the parent-id starts in a trimmed traceparent ([`trace::SPAN_ID_AT`]).
    SpanIdAt = 7,
    /// The bit of a packed trace check that says a dropped header waits to be reported
    /// ([`trace::DROP_PENDING`]).
    DropPending = 8,
    /// The mask of a packed trace check's start, shifted right by 10 ([`trace::START_MASK`]).
    StartMask = 9,
}

impl Limit {
    pub const ALL: [Limit; 10] = [
        Limit::TraceparentRead,
        Limit::TracestateRead,
        Limit::BaggageRead,
        Limit::TracestateSent,
        Limit::KnownFlags,
        Limit::RandomFlag,
        Limit::TraceIdAt,
        Limit::SpanIdAt,
        Limit::DropPending,
        Limit::StartMask,
    ];

    pub fn value(self) -> usize {
        match self {
            Limit::TraceparentRead => traceparent::MAX_READ,
            Limit::TracestateRead => tracestate::MAX_READ,
            Limit::BaggageRead => baggage::MAX_READ,
            Limit::TracestateSent => tracestate::MAX_ENCODED_LEN,
            Limit::KnownFlags => usize::from(TraceFlags::KNOWN),
            Limit::RandomFlag => usize::from(TraceFlags::RANDOM.0),
            Limit::TraceIdAt => trace::TRACE_ID_AT,
            Limit::SpanIdAt => trace::SPAN_ID_AT,
            Limit::DropPending => trace::DROP_PENDING as usize,
            Limit::StartMask => trace::START_MASK as usize,
        }
    }

    /// The limit of a code from [`Limit::code`].
    pub fn from_code(code: i32) -> Option<Limit> {
        Limit::ALL.into_iter().find(|limit| limit.code() == code)
    }

    pub fn code(self) -> i32 {
        self as i32
    }
}
