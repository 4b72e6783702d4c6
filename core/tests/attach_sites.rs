//! Attach sites (issue 19): off by default, a report then names where the misuse was
//! noticed; recorded on request, an out-of-order detach or a task's end also names the
//! attach it found left open, at the line that made it.

use std::sync::Mutex;

use ctxbridge_core::handoff::run_task;
use ctxbridge_core::scope::{self, Mode};
use ctxbridge_core::{attach, detach, Snapshot};

/// The mode and the switch are process-wide: one test at a time changes them.
static SETTINGS: Mutex<()> = Mutex::new(());

fn with_settings(recording: bool, test: impl FnOnce()) {
    let _guard = SETTINGS.lock().unwrap_or_else(|e| e.into_inner());
    scope::set_mode(Mode::Strict);
    scope::set_recording_attach_sites(recording);
    test();
    scope::set_recording_attach_sites(false);
    scope::set_mode(Mode::Warn);
}

fn here(line: u32) -> String {
    format!("{}:{line}", file!())
}

#[test]
fn without_recording_a_report_names_only_where_the_misuse_was_noticed() {
    with_settings(false, || {
        let outer = attach(Snapshot::default());
        let _inner = attach(Snapshot::default());
        let (error, line) = (detach(&outer).unwrap_err(), line!());
        assert_eq!(error.misuse, scope::Misuse::OutOfOrder);
        assert!(
            error.site.starts_with(&format!("{}:", here(line))),
            "{}",
            error.site
        );
        assert_eq!(error.left_open, None);
        assert!(!error.to_string().contains("left open by"), "{error}");
    });
}

#[test]
fn an_out_of_order_detach_names_the_attach_left_open() {
    with_settings(true, || {
        let outer = attach(Snapshot::default());
        let (_inner, line) = (attach(Snapshot::default()), line!());
        let error = detach(&outer).unwrap_err();
        let open = error.left_open.clone().expect("the attach left open");
        assert!(open.site.starts_with(&here(line)), "{open:?}");
        assert_eq!(open.others, 0);
        let text = error.to_string();
        assert!(
            text.contains(&format!("left open by the attach at {}", open.site)),
            "{text}"
        );
    });
}

#[test]
fn the_first_attach_left_open_is_named_and_the_others_counted() {
    with_settings(true, || {
        let outer = attach(Snapshot::default());
        let (_first, line) = (attach(Snapshot::default()), line!());
        let _second = attach(Snapshot::default());
        let _third = attach(Snapshot::default());
        let error = detach(&outer).unwrap_err();
        let open = error.left_open.clone().expect("the attach left open");
        assert!(open.site.starts_with(&here(line)), "{open:?}");
        assert_eq!(open.others, 2);
        assert!(
            error.to_string().contains("and 2 attaches after it)"),
            "{error}"
        );
    });
}

#[test]
fn a_task_that_leaks_is_reported_with_the_attach_it_leaked() {
    with_settings(true, || {
        let (leaked_line, (_, leaked)) = (
            line!() + 2,
            run_task(&Snapshot::default(), || {
                std::mem::forget(attach(Snapshot::default()));
            }),
        );
        assert_eq!(leaked, 1);
        let error = scope::report(scope::Misuse::Leaked, "the task's end").unwrap_err();
        let open = error.left_open.expect("the attach the task leaked");
        assert!(open.site.starts_with(&here(leaked_line)), "{open:?}");
    });
}

#[test]
fn a_later_report_of_another_misuse_names_no_stale_attach() {
    with_settings(true, || {
        let outer = attach(Snapshot::default());
        let _inner = attach(Snapshot::default());
        // Counted but never reported (as when a binding's mode is off).
        assert!(scope::detach(&ctxbridge_core::handoff::thread_slot(), &outer).is_err());
        let error = detach(&outer).unwrap_err();
        assert_eq!(error.misuse, scope::Misuse::DoubleDetach);
        assert_eq!(error.left_open, None);
        // Nor does the next out-of-order detach, of frames without a site.
        scope::set_recording_attach_sites(false);
        let bottom = attach(Snapshot::default());
        let _top = attach(Snapshot::default());
        let error = detach(&bottom).unwrap_err();
        assert_eq!(error.left_open, None);
    });
}

#[test]
fn the_site_table_stays_bounded() {
    with_settings(true, || {
        let slot = ctxbridge_core::handoff::thread_slot();
        for n in 0..scope::MAX_ATTACH_SITES + 100 {
            let token = scope::attach(&slot, Snapshot::default());
            scope::note_attach_site(&token, &format!("generated.rs:{n}"));
            let named = scope::find_frame(&slot, token.id()).and_then(|f| scope::site_of(&f));
            let named = named.expect("a site");
            // Other tests in this process have added a few sites of their own.
            if n < scope::MAX_ATTACH_SITES - 100 {
                assert_eq!(&*named, format!("generated.rs:{n}"));
            } else if n >= scope::MAX_ATTACH_SITES {
                assert!(named.contains("beyond the 4096"), "{named}");
            }
            scope::detach(&slot, &token).unwrap();
        }
    });
}

#[test]
fn the_settings_read_the_documented_values_and_refuse_others() {
    let _guard = SETTINGS.lock().unwrap_or_else(|e| e.into_inner());
    for on in ["1", "true", "ON", " yes "] {
        assert_eq!(scope::parse_attach_sites_switch(on), Ok(true), "{on}");
    }
    for off in ["", "0", "false", "Off", "no"] {
        assert_eq!(scope::parse_attach_sites_switch(off), Ok(false), "{off}");
    }
    let refused = scope::parse_attach_sites_switch("maybe").unwrap_err();
    assert!(refused.contains(scope::ATTACH_SITES_ENV), "{refused}");

    scope::set_mode(Mode::Off);
    assert_eq!(scope::apply_mode_setting(" STRICT "), Ok(()));
    assert_eq!(scope::mode(), Mode::Strict);
    let refused = scope::apply_mode_setting("loud").unwrap_err();
    assert!(refused.contains("CTXBRIDGE_MODE=\"loud\""), "{refused}");
    assert_eq!(scope::mode(), Mode::Strict, "a bad value changes nothing");
    assert_eq!(scope::apply_mode_setting("  "), Ok(()));
    assert_eq!(scope::mode(), Mode::Strict);
    scope::set_mode(Mode::Warn);
}
