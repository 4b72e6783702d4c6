//! The N-API addon behind the `ctxbridge` npm package: W3C codecs and the propagator's
//! work in one call each way. The context manager's `active()`/`with()` stay in
//! JavaScript on `AsyncLocalStorage` (DESIGN section 6); this addon is where the rules
//! live. Values cross as strings and numbers, few per call.

// Under cfg(test) (what `clippy --all-targets` builds) napi-derive leaves out the
// registration of exports, so every #[napi] item would look unused there.
#![cfg_attr(test, allow(dead_code))]

mod codecs;
mod diagnostics;
mod doctor;
mod propagation;
mod scope;

// Debug builds (what the test suite runs) count the bytes the addon holds, for the memory
// tests; release builds use the system allocator as it is.
#[cfg(debug_assertions)]
#[global_allocator]
static ALLOCATOR: ctxbridge_core::live_bytes::CountingAllocator =
    ctxbridge_core::live_bytes::CountingAllocator;

/// Bytes the addon holds on the native heap (counted in debug builds; `null` in release).
#[napi_derive::napi]
pub fn live_bytes() -> Option<i64> {
    cfg!(debug_assertions).then(ctxbridge_core::live_bytes::live_bytes)
}
