//! Runs every script of `tests/vectors/scopes.json` on Rust threads.
//!
//! The diagnostics counters are process-wide, so this file holds the only test that
//! attaches in this test binary.

mod common;

use std::collections::HashMap;
use std::sync::Mutex;

use common::{name, vectors};
use ctxbridge_core::scope::{self, Mode, Stats, Token};
use ctxbridge_core::{Baggage, Snapshot};
use serde_json::Value;

/// Serialises the tests of this file: the counters they compare are process-wide.
static COUNTERS: Mutex<()> = Mutex::new(());

/// Leaks that nested `run_in` steps report, which the enclosing step's delta includes.
fn nested_leaks(steps: &[Value]) -> u64 {
    steps
        .iter()
        .filter(|s| s["op"] == "run_in")
        .map(|s| s["leaked"].as_u64().unwrap() + nested_leaks(s["steps"].as_array().unwrap()))
        .sum()
}

fn labelled(label: &str) -> Snapshot {
    let mut baggage = Baggage::default();
    baggage.insert("label", label).unwrap();
    Snapshot::new(None, baggage)
}

fn current_label() -> Value {
    match ctxbridge_core::current().baggage().get("label") {
        Some(label) => Value::from(label),
        None => Value::Null,
    }
}

fn delta(before: Stats, after: Stats) -> Value {
    let before = before.entries();
    after
        .entries()
        .iter()
        .zip(before.iter())
        .map(|((name, a), (_, b))| (name.to_string(), Value::from(a - b)))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

fn run_steps(script: &str, steps: &[Value], tokens: &mut HashMap<String, Token<Snapshot>>) {
    for step in steps {
        let op = step["op"].as_str().unwrap();
        let misuse_before = scope::stats();
        let outcome = match op {
            "attach" => {
                let token = ctxbridge_core::attach(labelled(step["value"].as_str().unwrap()));
                tokens.insert(step["token"].as_str().unwrap().to_owned(), token);
                Ok(())
            }
            "detach" => ctxbridge_core::detach(&tokens[step["token"].as_str().unwrap()]),
            "detach_elsewhere" => {
                let token = tokens[step["token"].as_str().unwrap()].clone();
                std::thread::spawn(move || ctxbridge_core::detach(&token))
                    .join()
                    .unwrap()
            }
            "run_in" => {
                let leaked_before = scope::stats().leaked;
                let snapshot = labelled(step["value"].as_str().unwrap());
                ctxbridge_core::run_in(&snapshot, || {
                    run_steps(script, step["steps"].as_array().unwrap(), tokens)
                });
                let nested = nested_leaks(step["steps"].as_array().unwrap());
                let leaked = scope::stats().leaked - leaked_before - nested;
                assert_eq!(leaked, step["leaked"].as_u64().unwrap(), "{script}: leaked");
                Ok(())
            }
            "current" => Ok(()),
            other => panic!("unknown op {other}"),
        };
        if let Some(misuse) = step.get("misuse").and_then(Value::as_str) {
            let counted = delta(misuse_before, scope::stats());
            assert_eq!(counted[misuse], 1, "{script}: step {step} counts {misuse}");
        }
        let raises = step.get("raises").and_then(Value::as_bool).unwrap_or(false);
        match &outcome {
            Err(error) => {
                assert!(raises, "{script}: unexpected error {error}");
                assert_eq!(Some(error.misuse.id()), step["misuse"].as_str());
                assert!(error.to_string().contains(error.misuse.id()));
            }
            Ok(()) => assert!(!raises, "{script}: step {step} should raise"),
        }
        assert_eq!(current_label(), step["current"], "{script}: after {step}");
    }
}

#[test]
fn scope_scripts() {
    let _serial = COUNTERS.lock().unwrap_or_else(|e| e.into_inner());
    let file = vectors("scopes.json");
    let scripts = file["scripts"].as_array().unwrap();
    assert!(scripts.len() >= 20);
    for script in scripts {
        let mode: Mode = script["mode"].as_str().unwrap().parse().unwrap();
        scope::set_mode(mode);
        let before = scope::stats();
        let mut tokens = HashMap::new();
        run_steps(
            name(script),
            script["steps"].as_array().unwrap(),
            &mut tokens,
        );
        assert_eq!(
            delta(before, scope::stats()),
            script["diagnostics"],
            "{}",
            name(script)
        );
        assert_eq!(
            current_label(),
            Value::Null,
            "{} leaves the base",
            name(script)
        );
    }
    scope::set_mode(Mode::Warn);
}

#[test]
fn detach_by_id_follows_the_same_rules() {
    // Ids are what C and Java hold.
    let _serial = COUNTERS.lock().unwrap_or_else(|e| e.into_inner());
    std::thread::spawn(|| {
        let a = ctxbridge_core::attach(labelled("A"));
        let b = ctxbridge_core::attach(labelled("B"));
        assert_eq!(
            ctxbridge_core::handoff::detach_id(a.id()),
            Err(scope::Misuse::OutOfOrder)
        );
        assert_eq!(
            ctxbridge_core::handoff::detach_id(a.id()),
            Err(scope::Misuse::DoubleDetach)
        );
        let b_id = b.id();
        let elsewhere = std::thread::spawn(move || ctxbridge_core::handoff::detach_id(b_id));
        assert_eq!(elsewhere.join().unwrap(), Err(scope::Misuse::WrongScope));
        assert_eq!(ctxbridge_core::handoff::detach_id(b.id()), Ok(()));
        assert_eq!(current_label(), Value::Null);
        assert_eq!(
            ctxbridge_core::handoff::detach_id(b.id()),
            Err(scope::Misuse::DoubleDetach)
        );
    })
    .join()
    .unwrap();
}
