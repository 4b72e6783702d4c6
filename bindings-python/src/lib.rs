//! `ctxbridge._native`: the Rust half of the Python package.
//!
//! - [`slot`]: the scope rules on a `ContextVar` (the runtime context's hot path).
//! - [`codecs`]: W3C parses that raise `ValueError` naming the rule, and formatting.
//! - [`propagation`]: the propagator's extract/inject work in one call each.
//! - [`diagnostics`]: counters, the mode, and the strict-mode exception.
//! - [`doctor`]: the core's doctor over the SDK's finished spans, and its command line.

mod args;
mod codecs;
mod diagnostics;
mod doctor;
mod propagation;
mod slot;

use pyo3::prelude::*;

// Debug builds (what the test suite runs) count the bytes the library holds, for the memory
// tests; release builds use the system allocator as it is.
#[cfg(debug_assertions)]
#[global_allocator]
static ALLOCATOR: ctxbridge_core::live_bytes::CountingAllocator =
    ctxbridge_core::live_bytes::CountingAllocator;

/// Bytes the library holds on the native heap (counted in debug builds; `None` in release).
#[pyfunction]
fn live_bytes() -> Option<i64> {
    cfg!(debug_assertions).then(ctxbridge_core::live_bytes::live_bytes)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // The one version of every artifact: the workspace's Cargo.toml.
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    slot::register(m)?;
    codecs::register(m)?;
    propagation::register(m)?;
    diagnostics::register(m)?;
    doctor::register(m)?;
    m.add_function(wrap_pyfunction!(live_bytes, m)?)?;
    Ok(())
}
