//! What a propagator drops from a remote caller: counted under the rule it broke, and
//! reported once per rule.
//!
//! A bad `tracestate` is dropped whole and a bad baggage member alone (W3C), and members past
//! baggage's limits are dropped too. OpenTelemetry's own propagators log such drops; so does
//! ctxbridge, once per rule, naming the rule and never the value (baggage may carry user
//! data). The codecs record each drop here as they make it; the first drop of a rule leaves
//! a message pending, and the binding that ran the extract logs the pending messages at its
//! host's warning level ([`take_reports`]), after checking [`pending`] (one relaxed load).
//!
//! ```
//! use ctxbridge_core::{dropped, Baggage};
//!
//! dropped::reset();
//! let baggage = Baggage::from_headers(["ok=1,bad key=2"]);
//! assert_eq!(baggage.len(), 1);
//! assert!(dropped::pending());
//! let reports = dropped::take_reports();
//! assert_eq!(reports.len(), 1);
//! assert!(reports[0].contains("baggage.key"), "{}", reports[0]);
//! assert!(!reports[0].contains("bad key"), "never the value");
//! assert_eq!(dropped::counts(), vec![("baggage.key", 1)]);
//! Baggage::from_headers(["bad key=3"]);
//! assert!(!dropped::pending(), "once per rule");
//! assert_eq!(dropped::counts(), vec![("baggage.key", 2)]);
//! ```

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

use crate::error::Rule;

/// Every rule a drop can be counted under, in counter order. The last is no parse rule:
/// members that were valid but past baggage's limits.
const REASONS: [Reason; 11] = [
    Reason::Rule(Rule::TracestateMember),
    Reason::Rule(Rule::TracestateKey),
    Reason::Rule(Rule::TracestateValue),
    Reason::Rule(Rule::TracestateTooManyMembers),
    Reason::Rule(Rule::TracestateTooLarge),
    Reason::Rule(Rule::BaggageMember),
    Reason::Rule(Rule::BaggageKey),
    Reason::Rule(Rule::BaggageValue),
    Reason::Rule(Rule::BaggageProperty),
    Reason::Rule(Rule::BaggageMemberTooLarge),
    Reason::BaggageLimits,
];

/// The id of the limits reason, beside the rules' ids.
pub const BAGGAGE_LIMITS: &str = "baggage.limits";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Reason {
    Rule(Rule),
    BaggageLimits,
}

impl Reason {
    fn id(self) -> &'static str {
        match self {
            Reason::Rule(rule) => rule.id(),
            Reason::BaggageLimits => BAGGAGE_LIMITS,
        }
    }

    fn message(self) -> String {
        let (what, why) = match self {
            Reason::Rule(rule) if rule.id().starts_with("tracestate.") => {
                ("a tracestate header", rule.description())
            }
            Reason::Rule(rule) => ("a baggage member", rule.description()),
            Reason::BaggageLimits => (
                "the baggage members",
                "past W3C's limits of 64 members and 8192 bytes; counted once per baggage cut",
            ),
        };
        format!(
            "ctxbridge dropped {what} a remote caller sent: {} ({why}); each drop is counted, \
             and this is logged once per rule, never with the value",
            self.id()
        )
    }

    fn slot(self) -> usize {
        REASONS.iter().position(|r| *r == self).unwrap_or(0)
    }
}

static COUNTS: [AtomicU64; REASONS.len()] = [const { AtomicU64::new(0) }; REASONS.len()];
/// One bit per reason: already reported since the last [`reset`].
static REPORTED: AtomicU32 = AtomicU32::new(0);
/// One bit per reason: reported for the first time, not yet taken by a binding.
static PENDING: AtomicU32 = AtomicU32::new(0);

fn record(reason: Reason) {
    let slot = reason.slot();
    COUNTS[slot].fetch_add(1, Ordering::Relaxed);
    let bit = 1 << slot;
    if REPORTED.load(Ordering::Relaxed) & bit == 0
        && REPORTED.fetch_or(bit, Ordering::Relaxed) & bit == 0
    {
        PENDING.fetch_or(bit, Ordering::Release);
    }
}

/// Counts a tracestate, or a baggage member, dropped for breaking `rule`.
pub(crate) fn record_rule(rule: Rule) {
    record(Reason::Rule(rule));
}

/// Counts one baggage cut at the limits (the members past them are not even read, so
/// it is the cut that is counted, not each member).
pub(crate) fn record_baggage_limits() {
    record(Reason::BaggageLimits);
}

/// Whether a drop of a rule not reported before is waiting for a binding to log it.
#[inline]
pub fn pending() -> bool {
    PENDING.load(Ordering::Relaxed) != 0
}

/// The messages waiting to be logged, one per rule dropped for the first time (taken: a
/// second call gives none until another rule is first dropped).
pub fn take_reports() -> Vec<String> {
    let bits = PENDING.swap(0, Ordering::Acquire);
    REASONS
        .iter()
        .enumerate()
        .filter(|(slot, _)| bits & (1 << slot) != 0)
        .map(|(_, reason)| reason.message())
        .collect()
}

/// Set by a binding that logs the reports through its host ([`set_host_reports`]).
static HOST_REPORTS: AtomicBool = AtomicBool::new(false);

/// Says that a binding logs the reports through its host's logger after each extract, so
/// the Rust carrier functions leave them for it instead of logging them through `log`.
pub fn set_host_reports() {
    HOST_REPORTS.store(true, Ordering::Relaxed);
}

/// Logs the pending reports through the `log` crate, unless a binding logs them itself
/// (`carrier::extract` and friends call it after each extract).
pub fn log_pending() {
    if pending() && !HOST_REPORTS.load(Ordering::Relaxed) {
        for report in take_reports() {
            log::warn!("{report}");
        }
    }
}

/// How many drops each rule counted, for the rules that counted any, in a fixed order.
pub fn counts() -> Vec<(&'static str, u64)> {
    REASONS
        .iter()
        .zip(COUNTS.iter())
        .map(|(reason, count)| (reason.id(), count.load(Ordering::Relaxed)))
        .filter(|(_, count)| *count > 0)
        .collect()
}

/// Every rule a drop is counted under (what [`counts`] may name).
pub fn ids() -> impl Iterator<Item = &'static str> {
    REASONS.iter().map(|reason| reason.id())
}

/// Zero counts, and every rule reported again at its next drop (with the scope counters,
/// by `scope::reset_stats`).
pub fn reset() {
    for count in &COUNTS {
        count.store(0, Ordering::Relaxed);
    }
    REPORTED.store(0, Ordering::Relaxed);
    PENDING.store(0, Ordering::Relaxed);
}
