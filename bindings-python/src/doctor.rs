//! The doctor for Python: spans as the console exporter's JSON in, the core's findings
//! (JSON) and report out, and the command line (`python -m ctxbridge.doctor`).

use ctxbridge_core::doctor::{self, json, read, Options};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// Seconds as nanoseconds, or `ValueError` naming the parameter.
fn nanos(name: &str, seconds: Option<f64>, default: u64) -> PyResult<u64> {
    match seconds {
        None => Ok(default),
        Some(s) if s.is_finite() && s >= 0.0 => Ok((s * 1e9) as u64),
        Some(s) => Err(PyValueError::new_err(format!(
            "doctor: {name} must be a number of seconds >= 0, not {s}"
        ))),
    }
}

/// `(findings as JSON, report as text)` for `text`, any mix of the formats the doctor
/// reads (here: `ReadableSpan.to_json()` documents). `None` options keep the core's
/// defaults.
#[pyfunction]
#[pyo3(signature = (text, *, late_after=None, stale_after=None, baggage_keys=Vec::new(), expected_roots=Vec::new(), entry_orphans=false, all_traces=false))]
#[allow(clippy::too_many_arguments)]
fn doctor_diagnose(
    text: &str,
    late_after: Option<f64>,
    stale_after: Option<f64>,
    baggage_keys: Vec<String>,
    expected_roots: Vec<String>,
    entry_orphans: bool,
    all_traces: bool,
) -> PyResult<(String, String)> {
    let defaults = Options::default();
    let options = Options {
        late_after_ns: nanos("late_after", late_after, defaults.late_after_ns)?,
        stale_after_ns: nanos("stale_after", stale_after, defaults.stale_after_ns)?,
        baggage_keys,
        expected_roots,
        entry_orphans,
    };
    let spans = read::spans(text).map_err(|e| PyValueError::new_err(format!("doctor: {e}")))?;
    let findings = doctor::diagnose(&spans, &options);
    Ok((
        json::findings_json(&spans, &findings),
        doctor::report::render(&spans, &findings, all_traces),
    ))
}

/// Runs `ctxbridge-doctor` with `args`, printing to the process's stdout and stderr;
/// returns its exit status.
#[pyfunction]
fn doctor_main(py: Python<'_>, args: Vec<String>) -> i32 {
    py.detach(|| doctor::cli::run(&args, &mut std::io::stdout(), &mut std::io::stderr()))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(doctor_diagnose, m)?)?;
    m.add_function(wrap_pyfunction!(doctor_main, m)?)?;
    Ok(())
}
