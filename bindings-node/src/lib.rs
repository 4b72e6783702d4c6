//! The N-API addon behind the `ctxbridge` npm package: W3C codecs and the propagator's
//! work in one call each way. The context manager's `active()`/`with()` stay in
//! JavaScript on `AsyncLocalStorage` (DESIGN section 6); this addon is where the rules
//! live. Values cross as strings and numbers, few per call.

// Under cfg(test) (what `clippy --all-targets` builds) napi-derive leaves out the
// registration of exports, so every #[napi] item would look unused there.
#![cfg_attr(test, allow(dead_code))]

mod codecs;
mod diagnostics;
mod propagation;
mod scope;
