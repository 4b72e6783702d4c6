//! Dropped headers (issue 19): what a propagator drops from a remote caller is counted under
//! the rule it broke and reported once per rule, never with the value.

use std::collections::HashMap;
use std::sync::Mutex;

use ctxbridge_core::{carrier, dropped, Baggage};

/// The counts are process-wide: one test at a time.
static SERIAL: Mutex<()> = Mutex::new(());

const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

fn headers(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn a_bad_tracestate_is_dropped_counted_and_reported_once() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    dropped::reset();
    let carrier = headers(&[
        ("traceparent", TRACEPARENT),
        ("tracestate", "Upper=secret-value"),
    ]);
    let extracted = carrier::extract_span_context(&carrier).expect("the traceparent is valid");
    assert!(extracted.trace_state.is_empty());
    // extract_span_context logged it already: nothing is left pending.
    assert!(!dropped::pending());
    assert_eq!(dropped::counts(), vec![("tracestate.key", 1)]);

    dropped::reset();
    let verdict =
        ctxbridge_core::bridge::trace::check(TRACEPARENT, ["Upper=secret-value"]).unwrap();
    assert_eq!(verdict.tracestate.code(), 0, "absent");
    let reports = dropped::take_reports();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(reports[0].contains("tracestate.key"), "{}", reports[0]);
    assert!(reports[0].contains("a tracestate header"), "{}", reports[0]);
    assert!(
        !reports[0].contains("secret"),
        "never the value: {}",
        reports[0]
    );
    ctxbridge_core::bridge::trace::check(TRACEPARENT, ["Upper=again"]).unwrap();
    assert!(dropped::take_reports().is_empty(), "once per rule");
    assert_eq!(dropped::counts(), vec![("tracestate.key", 2)]);
}

#[test]
fn baggage_members_are_counted_by_rule_and_a_cut_at_the_limits_once() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    dropped::reset();
    let baggage = Baggage::from_headers(["a=1,b c=2,d=x\\y,e=1;=x"]);
    assert_eq!(baggage.len(), 1);
    let many: Vec<String> = (0..70).map(|n| format!("k{n}=v")).collect();
    assert_eq!(Baggage::from_headers([many.join(",").as_str()]).len(), 64);
    let counts: HashMap<_, _> = dropped::counts().into_iter().collect();
    assert_eq!(counts.get("baggage.key"), Some(&1), "{counts:?}");
    assert_eq!(counts.get("baggage.value"), Some(&1), "{counts:?}");
    assert_eq!(counts.get("baggage.property"), Some(&1), "{counts:?}");
    assert_eq!(counts.get(dropped::BAGGAGE_LIMITS), Some(&1), "{counts:?}");
    let reports = dropped::take_reports();
    assert!(
        reports.iter().any(|r| r.contains("baggage.limits")),
        "{reports:?}"
    );
    assert!(
        reports.iter().all(|r| r.contains("a remote caller sent")),
        "{reports:?}"
    );
    // A valid header drops nothing, and counts nothing.
    dropped::reset();
    Baggage::from_headers(["a=1;p,b=%20"]);
    assert!(dropped::counts().is_empty() && !dropped::pending());
}

#[test]
fn explicit_parses_raise_instead_of_counting() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    dropped::reset();
    assert!(Baggage::parse("b c=2").is_err());
    assert!(ctxbridge_core::TraceState::parse("Upper=1").is_err());
    assert!(dropped::counts().is_empty());
}

#[test]
fn reset_stats_resets_the_drops_too() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    Baggage::from_headers(["b c=2"]);
    ctxbridge_core::scope::reset_stats();
    assert!(dropped::counts().is_empty() && !dropped::pending());
    assert_eq!(dropped::ids().count(), 11);
}
