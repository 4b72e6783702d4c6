//! Diagnostics counters and the mode, readable from JavaScript.

use ctxbridge_core::scope::{self, Mode};
use napi::{Error, Result, Status};
use napi_derive::napi;

/// The counters (process-wide, shared with every binding in the process).
#[napi(object)]
pub struct Stats {
    pub attached: i64,
    pub detached: i64,
    pub out_of_order: i64,
    pub double_detach: i64,
    pub wrong_scope: i64,
    pub leaked: i64,
}

#[napi]
pub fn stats() -> Stats {
    let s = scope::stats();
    let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    Stats {
        attached: n(s.attached),
        detached: n(s.detached),
        out_of_order: n(s.out_of_order),
        double_detach: n(s.double_detach),
        wrong_scope: n(s.wrong_scope),
        leaked: n(s.leaked),
    }
}

#[napi]
pub fn reset_stats() {
    scope::reset_stats();
}

/// Sets the mode: "off", "warn" or "strict".
#[napi]
pub fn set_mode(mode: String) -> Result<()> {
    scope::set_mode(
        mode.parse::<Mode>()
            .map_err(|e| Error::new(Status::InvalidArg, e))?,
    );
    Ok(())
}

#[napi]
pub fn get_mode() -> String {
    scope::mode().id().to_owned()
}

/// Starts or stops recording where each attach is made (process-wide in the core; each
/// thread's JavaScript keeps its own copy of the switch, read when the module loads).
#[napi]
pub fn set_attach_sites(on: bool) {
    scope::set_recording_attach_sites(on);
}

#[napi]
pub fn get_attach_sites() -> bool {
    scope::recording_attach_sites()
}

/// Applies `CTXBRIDGE_MODE` and `CTXBRIDGE_ATTACH_SITES`; one message per bad value
/// (that setting left as it was), for JavaScript to log through `diag`.
#[napi]
pub fn configure_from_env() -> Vec<String> {
    scope::configure_from_env()
}

/// One OpenTelemetry instrument the counters are published as (the core's
/// `bridge::metrics`); `counters` are the `stats()` fields it reports, in camelCase
/// (several: one data point each, with the snake_case id as the `kind` attribute).
#[napi(object)]
pub struct MetricInstrument {
    pub name: String,
    pub unit: String,
    pub description: String,
    pub counters: Vec<String>,
}

/// The meter name, the attribute naming a misuse's kind, and the instruments.
#[napi(object)]
pub struct MetricTable {
    pub meter: String,
    pub kind: String,
    pub instruments: Vec<MetricInstrument>,
}

#[napi]
pub fn metric_table() -> MetricTable {
    use ctxbridge_core::bridge::metrics;
    MetricTable {
        meter: metrics::METER.to_owned(),
        kind: metrics::KIND.to_owned(),
        instruments: metrics::INSTRUMENTS
            .iter()
            .map(|i| MetricInstrument {
                name: i.name.to_owned(),
                unit: i.unit.to_owned(),
                description: i.description.to_owned(),
                counters: i.counters.iter().map(|c| (*c).to_owned()).collect(),
            })
            .collect(),
    }
}
