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

/// How a script's detaches reach the rules: through the token, or by its id as C and
/// Java do.
#[derive(Clone, Copy)]
enum DetachBy {
    Token,
    Id,
}

fn detach(by: DetachBy, token: &Token<Snapshot>) -> Result<(), scope::MisuseError> {
    match by {
        DetachBy::Token => ctxbridge_core::detach(token),
        DetachBy::Id => match ctxbridge_core::handoff::detach_id(token.id()) {
            Ok(_) => Ok(()),
            Err(misuse) => scope::report(misuse, "scope_vectors"),
        },
    }
}

fn run_steps(
    script: &str,
    steps: &[Value],
    tokens: &mut HashMap<String, Token<Snapshot>>,
    by: DetachBy,
) {
    for step in steps {
        let op = step["op"].as_str().unwrap();
        let misuse_before = scope::stats();
        let outcome = match op {
            "attach" => {
                let token = ctxbridge_core::attach(labelled(step["value"].as_str().unwrap()));
                tokens.insert(step["token"].as_str().unwrap().to_owned(), token);
                Ok(())
            }
            "detach" => detach(by, &tokens[step["token"].as_str().unwrap()]),
            "detach_elsewhere" => {
                let token = tokens[step["token"].as_str().unwrap()].clone();
                std::thread::spawn(move || detach(by, &token))
                    .join()
                    .unwrap()
            }
            "run_in" => {
                let leaked_before = scope::stats().leaked;
                let snapshot = labelled(step["value"].as_str().unwrap());
                ctxbridge_core::run_in(&snapshot, || {
                    run_steps(script, step["steps"].as_array().unwrap(), tokens, by)
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
    run_scripts(DetachBy::Token);
}

#[test]
fn scope_scripts_by_id() {
    let _serial = COUNTERS.lock().unwrap_or_else(|e| e.into_inner());
    // On a thread of its own: ids ended there are remembered per thread.
    std::thread::spawn(|| run_scripts(DetachBy::Id))
        .join()
        .unwrap();
}

fn run_scripts(by: DetachBy) {
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
            by,
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
fn detach_by_id_of_an_ended_or_unknown_frame() {
    let _serial = COUNTERS.lock().unwrap_or_else(|e| e.into_inner());
    std::thread::spawn(|| {
        use ctxbridge_core::handoff::detach_id;
        use scope::{Detached, Misuse};
        let a = ctxbridge_core::attach(labelled("A"));
        let b = ctxbridge_core::attach(labelled("B"));
        assert_eq!(detach_id(a.id()), Err(Misuse::OutOfOrder));
        assert_eq!(current_label(), Value::Null);
        assert_eq!(detach_id(a.id()), Err(Misuse::DoubleDetach));
        let b_id = b.id();
        let elsewhere = std::thread::spawn(move || detach_id(b_id));
        assert_eq!(elsewhere.join().unwrap(), Err(Misuse::WrongScope));
        assert_eq!(detach_id(b.id()), Ok(Detached::AlreadyEnded));
        // Remembered once: the ended id is forgotten after its detach.
        assert_eq!(detach_id(b.id()), Err(Misuse::DoubleDetach));
    })
    .join()
    .unwrap();
}

#[test]
fn a_task_that_detaches_its_wrappers_frame_cannot_escape_run_in() {
    // Issue 12's reproducer: ids are sequential, so a task can reach the frame run_in
    // attached for it. Rule 6: the caller's stack comes back whatever the task did.
    let _serial = COUNTERS.lock().unwrap_or_else(|e| e.into_inner());
    std::thread::spawn(|| {
        use ctxbridge_core::handoff::{detach_id, run_task};
        let before = scope::stats();
        let s3 = ctxbridge_core::attach(labelled("S3"));
        let ((), leaked) = run_task(&labelled("S2"), || {
            let x = ctxbridge_core::attach(labelled("X"));
            assert_eq!(detach_id(x.id() - 1), Err(scope::Misuse::OutOfOrder));
            assert_eq!(current_label(), "S3");
            assert!(detach_id(x.id()).is_ok());
        });
        assert_eq!(leaked, 0, "the out-of-order detach already ended X");
        assert_eq!(current_label(), "S3");
        assert_eq!(detach_id(s3.id()), Ok(scope::Detached::InOrder));
        assert_eq!(current_label(), Value::Null);
        let counted = delta(before, scope::stats());
        assert_eq!(counted["attached"], 3);
        assert_eq!(counted["detached"], 2, "S3 and the task's own frame");
        assert_eq!(counted["out_of_order"], 1);
        assert_eq!(counted["leaked"], 1, "X, once");
    })
    .join()
    .unwrap();
}
