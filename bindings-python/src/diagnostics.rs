//! Counters, the mode, and how a misuse reaches Python: through a reporter that the
//! Python package installs (it knows the caller's file and line and logs through
//! `logging`), and `MisuseError` in strict mode.

use ctxbridge_core::bridge::metrics;
use ctxbridge_core::scope::{self, Misuse, Mode};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

// Registered under the public module `ctxbridge` (where `ctxbridge.MisuseError` finds
// it), so that pickle can find the class again: a strict-mode misuse in a process-pool
// worker reaches the parent as this error, not as a PicklingError.
pyo3::create_exception!(
    ctxbridge,
    MisuseError,
    PyRuntimeError,
    "A capture/attach/detach misuse, raised in strict mode. `misuse` names it (`\"out_of_order\"`)."
);

/// The Python error for a misuse in strict mode, with its kind as `misuse` (kept by pickle).
pub(crate) fn misuse_error(py: Python<'_>, error: &scope::MisuseError) -> PyErr {
    let err = MisuseError::new_err(error.to_string());
    let _ = err.value(py).setattr("misuse", error.misuse.id());
    err
}

/// `ctxbridge.diagnostics._report`, called with a misuse id at each misuse.
static REPORTER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `ctxbridge.diagnostics._caller_site`: the file:line of the code that called in, asked
/// at each attach while attach sites are recorded.
static SITE_FINDER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Notes where `frame`'s attach was made, when attach sites are recorded (one relaxed
/// load otherwise). A finder that fails leaves the frame without a site.
pub(crate) fn note_attach_site<V>(py: Python<'_>, frame: &scope::Frame<V>) {
    if !scope::recording_attach_sites() {
        return;
    }
    let Some(finder) = SITE_FINDER.get(py) else {
        return;
    };
    // An error raised by the finder is not the attach's: it is dropped here.
    if let Ok(site) = finder.call0(py).and_then(|site| site.extract::<String>(py)) {
        scope::note_frame_site(frame, &site);
    }
}

pub(crate) fn misuse_from_id(id: &str) -> PyResult<Misuse> {
    Misuse::from_id(id).ok_or_else(|| PyValueError::new_err(format!("unknown misuse {id:?}")))
}

/// Hands a misuse (already counted) to the Python reporter, which logs or raises.
pub(crate) fn report(py: Python<'_>, misuse: Misuse) -> PyResult<()> {
    match REPORTER.get(py) {
        Some(reporter) => reporter.call1(py, (misuse.id(),)).map(drop),
        None => scope::report(misuse, "<python>").map_err(|e| misuse_error(py, &e)),
    }
}

/// Installs the function called with the misuse id at every misuse, and the one that
/// names the caller's site at each attach while attach sites are recorded (once per
/// process).
#[pyfunction]
fn set_reporter(py: Python<'_>, reporter: Py<PyAny>, site_finder: Py<PyAny>) {
    let _ = REPORTER.set(py, reporter);
    let _ = SITE_FINDER.set(py, site_finder);
}

/// Starts or stops recording where each attach is made (process-wide).
#[pyfunction]
fn set_attach_sites(on: bool) {
    scope::set_recording_attach_sites(on);
}

#[pyfunction]
fn get_attach_sites() -> bool {
    scope::recording_attach_sites()
}

/// Applies `CTXBRIDGE_MODE` and `CTXBRIDGE_ATTACH_SITES`; returns a message per bad value
/// (that setting left as it was), for the package to log.
#[pyfunction]
fn configure_from_env() -> Vec<String> {
    scope::configure_from_env()
}

/// Applies the mode to a misuse at `site`: returns the message to log (warn mode, first
/// time at this site), `None` (off, or already warned), or raises `MisuseError` (strict).
#[pyfunction]
fn judge(py: Python<'_>, misuse: &str, site: &str) -> PyResult<Option<String>> {
    let misuse = misuse_from_id(misuse)?;
    let mut message = None;
    scope::report_with(misuse, site, |error| message = Some(error.to_string()))
        .map_err(|error| misuse_error(py, &error))?;
    Ok(message)
}

/// Counts `count` occurrences of a misuse the Python side detected itself.
#[pyfunction]
fn record(misuse: &str, count: u64) -> PyResult<()> {
    scope::record(misuse_from_id(misuse)?, count);
    Ok(())
}

/// Logs through the `ctxbridge` logger, at warning level, each rule a received header was
/// dropped for the first time (the core's words: the rule, never the value). Called after
/// each extract; one relaxed load when nothing is pending.
pub(crate) fn report_drops(py: Python<'_>) {
    if !ctxbridge_core::dropped::pending() {
        return;
    }
    let reports = ctxbridge_core::dropped::take_reports();
    let logger = py
        .import("logging")
        .and_then(|logging| logging.call_method1("getLogger", ("ctxbridge",)));
    if let Ok(logger) = logger {
        for report in reports {
            let _ = logger.call_method1("warning", (report,));
        }
    }
}

/// How many drops each rule counted (the rules that counted any).
#[pyfunction]
fn dropped_counts(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let dict = PyDict::new(py);
    for (id, count) in ctxbridge_core::dropped::counts() {
        dict.set_item(id, count)?;
    }
    Ok(dict)
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

/// The OpenTelemetry instruments the counters are published as (the core's
/// `bridge::metrics`): `(name, unit, description, counters)` each, `counters` the
/// `stats()` keys it reports (several: one data point each, with the key as the
/// `METRIC_KIND` attribute).
#[pyfunction]
fn metric_instruments() -> Vec<(&'static str, &'static str, &'static str, Vec<&'static str>)> {
    metrics::INSTRUMENTS
        .iter()
        .map(|i| (i.name, i.unit, i.description, i.counters.to_vec()))
        .collect()
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("MisuseError", m.py().get_type::<MisuseError>())?;
    m.add("METRIC_METER", metrics::METER)?;
    m.add("METRIC_KIND", metrics::KIND)?;
    m.add_function(wrap_pyfunction!(metric_instruments, m)?)?;
    m.add_function(wrap_pyfunction!(set_reporter, m)?)?;
    m.add_function(wrap_pyfunction!(set_attach_sites, m)?)?;
    m.add_function(wrap_pyfunction!(get_attach_sites, m)?)?;
    m.add_function(wrap_pyfunction!(configure_from_env, m)?)?;
    m.add("ATTACH_SITES_ENV", scope::ATTACH_SITES_ENV)?;
    m.add_function(wrap_pyfunction!(judge, m)?)?;
    m.add_function(wrap_pyfunction!(record, m)?)?;
    m.add_function(wrap_pyfunction!(stats, m)?)?;
    m.add_function(wrap_pyfunction!(dropped_counts, m)?)?;
    m.add_function(wrap_pyfunction!(reset_stats, m)?)?;
    m.add_function(wrap_pyfunction!(set_mode, m)?)?;
    m.add_function(wrap_pyfunction!(get_mode, m)?)?;
    Ok(())
}
