//! `ctxbridge._native`: the Rust half of the Python package.
//!
//! - [`slot`]: the scope rules on a `ContextVar` (the runtime context's hot path).
//! - [`codecs`]: W3C parses that raise `ValueError` naming the rule, and formatting.
//! - [`propagation`]: the propagator's extract/inject work in one call each.
//! - [`diagnostics`]: counters, the mode, and the strict-mode exception.

mod args;
mod codecs;
mod diagnostics;
mod propagation;
mod slot;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // The one version of every artifact: the workspace's Cargo.toml.
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    slot::register(m)?;
    codecs::register(m)?;
    propagation::register(m)?;
    diagnostics::register(m)?;
    Ok(())
}
