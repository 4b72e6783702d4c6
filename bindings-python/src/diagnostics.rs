//! Counters, the mode, and how a misuse reaches Python: through a reporter that the
//! Python package installs (it knows the caller's file and line and logs through
//! `logging`), and `MisuseError` in strict mode.

use ctxbridge_core::scope::{self, Misuse, Mode};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

pyo3::create_exception!(
    _native,
    MisuseError,
    PyRuntimeError,
    "A capture/attach/detach misuse, raised in strict mode."
);

/// `ctxbridge.diagnostics._report`, called with a misuse id at each misuse.
static REPORTER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

pub(crate) fn misuse_from_id(id: &str) -> PyResult<Misuse> {
    Ok(match id {
        "out_of_order" => Misuse::OutOfOrder,
        "double_detach" => Misuse::DoubleDetach,
        "wrong_scope" => Misuse::WrongScope,
        "leaked" => Misuse::Leaked,
        other => return Err(PyValueError::new_err(format!("unknown misuse {other:?}"))),
    })
}

/// Hands a misuse (already counted) to the Python reporter, which logs or raises.
pub(crate) fn report(py: Python<'_>, misuse: Misuse) -> PyResult<()> {
    match REPORTER.get(py) {
        Some(reporter) => reporter.call1(py, (misuse.id(),)).map(drop),
        None => scope::report(misuse, "<python>").map_err(|e| MisuseError::new_err(e.to_string())),
    }
}

/// Installs the function called with the misuse id at every misuse (once per process).
#[pyfunction]
fn set_reporter(py: Python<'_>, reporter: Py<PyAny>) {
    let _ = REPORTER.set(py, reporter);
}

/// Applies the mode to a misuse at `site`: returns the message to log (warn mode, first
/// time at this site), `None` (off, or already warned), or raises `MisuseError` (strict).
#[pyfunction]
fn judge(misuse: &str, site: &str) -> PyResult<Option<String>> {
    let misuse = misuse_from_id(misuse)?;
    let mut message = None;
    scope::report_with(misuse, site, |error| message = Some(error.to_string()))
        .map_err(|error| MisuseError::new_err(error.to_string()))?;
    Ok(message)
}

/// Counts `count` occurrences of a misuse the Python side detected itself.
#[pyfunction]
fn record(misuse: &str, count: u64) -> PyResult<()> {
    scope::record(misuse_from_id(misuse)?, count);
    Ok(())
}

/// The counters, as a dict of name to count.
#[pyfunction]
fn stats(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let dict = PyDict::new(py);
    for (name, value) in scope::stats().entries() {
        dict.set_item(name, value)?;
    }
    Ok(dict)
}

#[pyfunction]
fn reset_stats() {
    scope::reset_stats();
}

/// Sets the mode: "off", "warn" or "strict".
#[pyfunction]
fn set_mode(mode: &str) -> PyResult<()> {
    scope::set_mode(mode.parse::<Mode>().map_err(PyValueError::new_err)?);
    Ok(())
}

#[pyfunction]
fn get_mode() -> &'static str {
    scope::mode().id()
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("MisuseError", m.py().get_type::<MisuseError>())?;
    m.add_function(wrap_pyfunction!(set_reporter, m)?)?;
    m.add_function(wrap_pyfunction!(judge, m)?)?;
    m.add_function(wrap_pyfunction!(record, m)?)?;
    m.add_function(wrap_pyfunction!(stats, m)?)?;
    m.add_function(wrap_pyfunction!(reset_stats, m)?)?;
    m.add_function(wrap_pyfunction!(set_mode, m)?)?;
    m.add_function(wrap_pyfunction!(get_mode, m)?)?;
    Ok(())
}
