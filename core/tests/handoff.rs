//! Hand-off on plain Rust threads, without OpenTelemetry.

use ctxbridge_core::{attach, capture, current, detach, run_in, spawn, wrap, Baggage, Snapshot};

fn labelled(label: &str) -> Snapshot {
    let mut baggage = Baggage::default();
    baggage.insert("label", label).unwrap();
    Snapshot::new(None, baggage)
}

fn label() -> Option<String> {
    current().baggage().get("label").map(str::to_owned)
}

#[test]
fn spawn_carries_the_context_captured_at_submit_time() {
    let token = attach(labelled("request"));
    let seen = spawn(label).join().unwrap();
    detach(&token).unwrap();
    assert_eq!(seen.as_deref(), Some("request"));
}

#[test]
fn wrap_captures_when_called_not_when_run() {
    let token = attach(labelled("at-submit"));
    let work = wrap(label);
    detach(&token).unwrap();
    let later = attach(labelled("later"));
    let seen = std::thread::spawn(work).join().unwrap();
    detach(&later).unwrap();
    assert_eq!(seen.as_deref(), Some("at-submit"));
}

#[test]
fn run_in_restores_even_when_the_work_panics() {
    let outer = attach(labelled("outer"));
    let result = std::panic::catch_unwind(|| {
        run_in(&labelled("task"), || {
            std::mem::forget(attach(labelled("leak")));
            panic!("task failed");
        })
    });
    assert!(result.is_err());
    assert_eq!(label().as_deref(), Some("outer"));
    detach(&outer).unwrap();
    assert_eq!(label(), None);
}

#[test]
fn capture_stamps_the_time_and_shares_the_payload() {
    let token = attach(labelled("x"));
    let before = std::time::SystemTime::now();
    let snapshot = capture();
    detach(&token).unwrap();
    assert!(snapshot.captured_at() >= before);
    assert!(snapshot.same_payload(token.value()));
}

#[test]
fn nothing_is_current_on_a_fresh_thread() {
    let _token = attach(labelled("main"));
    assert!(std::thread::spawn(|| current().is_empty()).join().unwrap());
}
