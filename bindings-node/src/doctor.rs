//! The doctor for Node: OTLP JSON of the SDK's finished spans in (`lib/doctor.js` writes
//! it), the core's findings (JSON) and report out, and the command line
//! (`npx ctxbridge-doctor`).

use ctxbridge_core::doctor::{self, json, read, Options};
use napi::{Error, Result, Status};
use napi_derive::napi;

/// The doctor's options as `lib/doctor.js` passes them (checked there): durations in
/// milliseconds; an absent one keeps the core's default.
#[napi(object)]
pub struct DoctorOptions {
    pub late_after: Option<f64>,
    pub stale_after: Option<f64>,
    pub baggage_keys: Vec<String>,
    pub expected_roots: Vec<String>,
    pub entry_orphans: bool,
    pub all_traces: bool,
}

fn nanos(ms: Option<f64>, default: u64) -> u64 {
    ms.map_or(default, |ms| (ms.max(0.0) * 1e6) as u64)
}

/// `[findings as JSON, report]` for `text` (any format the doctor reads); throws
/// "doctor: ..." for text it cannot read.
#[napi]
pub fn doctor_diagnose(text: String, options: DoctorOptions) -> Result<Vec<String>> {
    let defaults = Options::default();
    let core = Options {
        late_after_ns: nanos(options.late_after, defaults.late_after_ns),
        stale_after_ns: nanos(options.stale_after, defaults.stale_after_ns),
        baggage_keys: options.baggage_keys,
        expected_roots: options.expected_roots,
        entry_orphans: options.entry_orphans,
    };
    let spans =
        read::spans(&text).map_err(|e| Error::new(Status::InvalidArg, format!("doctor: {e}")))?;
    let findings = doctor::diagnose(&spans, &core);
    Ok(vec![
        json::findings_json(&spans, &findings),
        doctor::report::render(&spans, &findings, options.all_traces),
    ])
}

/// Runs `ctxbridge-doctor` with `args` on the process's stdout and stderr; its exit status.
#[napi]
pub fn doctor_main(args: Vec<String>) -> i32 {
    doctor::cli::run(&args, &mut std::io::stdout(), &mut std::io::stderr())
}
