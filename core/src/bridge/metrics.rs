//! The counters as OpenTelemetry metrics: the instruments every binding registers with its
//! language's metrics API (asynchronous counters, read when the SDK collects, so the
//! attach/detach path pays nothing), named here once.
//!
//! Each instrument reads counters by the names [`crate::scope::Stats::entries`] gives: one
//! counter, or (for [`MISUSE`]) one data point per misuse, with the misuse's id
//! ([`crate::scope::Misuse::id`]) as the [`KIND`] attribute. The values are the process's
//! cumulative counts; `reset_stats` starts them again from zero, which a backend reads as a
//! counter reset.

use crate::scope::Misuse;

/// The instrumentation scope (meter) name the instruments are registered under.
pub const METER: &str = "ctxbridge";

/// The attribute naming which misuse a data point of [`MISUSE`] counts.
pub const KIND: &str = "ctxbridge.misuse.kind";

/// One asynchronous counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instrument {
    pub name: &'static str,
    pub unit: &'static str,
    pub description: &'static str,
    /// The counters it reports, by their [`crate::scope::Stats::entries`] names: one
    /// without an attribute, or several, each with its name as the [`KIND`] attribute.
    pub counters: &'static [&'static str],
}

const MISUSE_KINDS: [&str; 4] = [
    Misuse::ALL[0].id_const(),
    Misuse::ALL[1].id_const(),
    Misuse::ALL[2].id_const(),
    Misuse::ALL[3].id_const(),
];

/// Attaches made (every attach, a task wrapper's included).
pub const ATTACHED: Instrument = Instrument {
    name: "ctxbridge.context.attached",
    unit: "{attach}",
    description: "Contexts attached through ctxbridge's scopes",
    counters: &["attached"],
};

/// Attaches undone by their own detach, in order or out of order.
pub const DETACHED: Instrument = Instrument {
    name: "ctxbridge.context.detached",
    unit: "{detach}",
    description: "Attaches undone by their own detach",
    counters: &["detached"],
};

/// Scope misuses, one data point per kind.
pub const MISUSE: Instrument = Instrument {
    name: "ctxbridge.context.misuse",
    unit: "{misuse}",
    description:
        "Scope misuses ctxbridge detected (out of order, double detach, wrong scope, leaked)",
    counters: &MISUSE_KINDS,
};

/// Every instrument, in registration order.
pub const INSTRUMENTS: [Instrument; 3] = [ATTACHED, DETACHED, MISUSE];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::Stats;

    #[test]
    fn every_counter_is_reported_once_by_a_name_stats_has() {
        let names: Vec<&str> = Stats::default().entries().iter().map(|(n, _)| *n).collect();
        let mut reported: Vec<&str> = INSTRUMENTS
            .iter()
            .flat_map(|i| i.counters.iter().copied())
            .collect();
        reported.sort_unstable();
        let mut expected = names.clone();
        expected.sort_unstable();
        assert_eq!(reported, expected);
    }
}
