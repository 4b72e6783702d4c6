//! Random ids for new spans and traces, from the standard library's hasher seeds
//! (random per process) mixed with a counter: unique and unpredictable enough for a
//! test service, with no dependency.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use ctxbridge_core::{SpanId, TraceId};

static COUNTER: AtomicU64 = AtomicU64::new(1);

fn random_u64() -> u64 {
    loop {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        let value = hasher.finish();
        if value != 0 {
            return value;
        }
    }
}

pub fn new_span_id() -> SpanId {
    SpanId::from_u64(random_u64())
}

pub fn new_trace_id() -> TraceId {
    TraceId::from_u128(u128::from(random_u64()) << 64 | u128::from(random_u64()))
}
