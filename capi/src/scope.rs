//! Per-thread scopes: attach/detach with integer tokens, task hygiene, diagnostics.

use std::ffi::{c_char, c_void};
use std::sync::{Mutex, Once};

use ctxbridge_core::handoff;
use ctxbridge_core::scope::{self, Misuse, MisuseError, Mode};

use crate::guard::ffi_guard;
use crate::snapshot::{borrow_snapshot, ctxbridge_snapshot, give_snapshot};
use crate::types::{ctxbridge_status, ctxbridge_str};

/// What happens at a misuse besides counting it.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ctxbridge_mode {
    /// Count only.
    Off = 0,
    /// Count and log once per kind of misuse (the default).
    Warn = 1,
    /// Count and return the misuse as a status code.
    Strict = 2,
}

/// The diagnostics counters (process-wide).
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct ctxbridge_stats {
    pub attached: u64,
    pub detached: u64,
    pub out_of_order: u64,
    pub double_detach: u64,
    pub wrong_scope: u64,
    pub leaked: u64,
}

/// Receives warnings in warn mode: `message` is borrowed for the call only.
pub type ctxbridge_log_fn = Option<extern "C" fn(user_data: *mut c_void, message: ctxbridge_str)>;

/// A task run by `ctxbridge_run_in`.
pub type ctxbridge_task_fn = Option<extern "C" fn(user_data: *mut c_void)>;

struct LogSink {
    callback: ctxbridge_log_fn,
    user_data: usize,
}

static LOG_SINK: Mutex<LogSink> = Mutex::new(LogSink {
    callback: None,
    user_data: 0,
});

/// Sends warn-mode messages to `callback` (NULL: back to standard error).
#[no_mangle]
pub extern "C" fn ctxbridge_set_log_callback(callback: ctxbridge_log_fn, user_data: *mut c_void) {
    let _ = ffi_guard(|| {
        let mut sink = LOG_SINK.lock().unwrap_or_else(|e| e.into_inner());
        *sink = LogSink {
            callback,
            user_data: user_data as usize,
        };
        ctxbridge_status::Ok
    });
}

fn warn(error: &MisuseError) {
    log(error.to_string());
}

/// Sends a message to the log callback (or standard error).
fn log(message: String) {
    // Copy the sink and let go of the lock before calling out: the callback may set
    // another callback, or do something that logs.
    let (callback, user_data) = {
        let sink = LOG_SINK.lock().unwrap_or_else(|e| e.into_inner());
        (sink.callback, sink.user_data)
    };
    match callback {
        Some(callback) => callback(
            user_data as *mut c_void,
            ctxbridge_str {
                ptr: message.as_ptr().cast::<c_char>(),
                len: message.len(),
            },
        ),
        None => eprintln!("{message}"),
    }
}

fn misuse_status(misuse: Misuse) -> ctxbridge_status {
    match misuse {
        Misuse::OutOfOrder => ctxbridge_status::OutOfOrder,
        Misuse::DoubleDetach => ctxbridge_status::DoubleDetach,
        Misuse::WrongScope => ctxbridge_status::WrongScope,
        Misuse::Leaked => ctxbridge_status::Ok,
    }
}

/// Applies `CTXBRIDGE_MODE` and `CTXBRIDGE_ATTACH_SITES` once, before the first scope or
/// diagnostics call acts (a C library has no load hook to do it in), so an explicit
/// `ctxbridge_set_mode` always wins over the environment. A bad value is logged.
pub(crate) fn configured() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Dropped headers are logged through the log callback after each extract here.
        ctxbridge_core::dropped::set_host_reports();
        for problem in scope::configure_from_env() {
            log(format!("ctxbridge: {problem}"));
        }
    });
}

/// Logs, through the log callback, each rule a received header was dropped for the first
/// time (the core's words: the rule, never the value). Called after each extract.
pub(crate) fn report_drops() {
    if ctxbridge_core::dropped::pending() {
        for report in ctxbridge_core::dropped::take_reports() {
            log(report);
        }
    }
}

/// The site a caller passed: `fallback` when it is empty or not UTF-8.
fn site_or<'a>(site: &'a ctxbridge_str, fallback: &'a str) -> &'a str {
    site.as_str()
        .filter(|text| !text.is_empty())
        .unwrap_or(fallback)
}

/// Applies the mode to a misuse already counted.
fn report(misuse: Misuse, site: &str) -> ctxbridge_status {
    match scope::report_with(misuse, site, warn) {
        Ok(()) => ctxbridge_status::Ok,
        Err(error) => misuse_status(error.misuse),
    }
}

/// Makes `snapshot` current on the calling thread; `*token_out` undoes it with
/// `ctxbridge_detach` on the same thread. The library keeps its own reference: the
/// handle may be freed right after.
#[no_mangle]
pub extern "C" fn ctxbridge_attach(
    snapshot: *const ctxbridge_snapshot,
    token_out: *mut u64,
) -> ctxbridge_status {
    attach_at(snapshot, None, token_out)
}

/// `ctxbridge_attach`, noting `site` (the caller's `file:line`: `CTXBRIDGE_HERE`) as
/// where the attach was made while attach sites are recorded, so that a report of an
/// out-of-order detach or a leaking task names it. `site` is borrowed for the call only.
#[no_mangle]
pub extern "C" fn ctxbridge_attach_at(
    snapshot: *const ctxbridge_snapshot,
    site: ctxbridge_str,
    token_out: *mut u64,
) -> ctxbridge_status {
    attach_at(snapshot, Some(&site), token_out)
}

fn attach_at(
    snapshot: *const ctxbridge_snapshot,
    site: Option<&ctxbridge_str>,
    token_out: *mut u64,
) -> ctxbridge_status {
    ffi_guard(|| {
        configured();
        let Some(snapshot) = borrow_snapshot(snapshot) else {
            return ctxbridge_status::InvalidArgument;
        };
        if token_out.is_null() {
            return ctxbridge_status::InvalidArgument;
        }
        let token = scope::attach(&handoff::thread_slot(), snapshot.clone());
        if scope::recording_attach_sites() {
            let site = site.map_or("ctxbridge_attach", |site| {
                site_or(site, "ctxbridge_attach_at")
            });
            scope::note_attach_site(&token, site);
        }
        // SAFETY: `token_out` is not NULL.
        unsafe { *token_out = token.id() };
        ctxbridge_status::Ok
    })
}

/// Undoes an attach: what was current before it is current again. A token this thread
/// never issued (0, a made-up number) is CTXBRIDGE_STATUS_INVALID_ARGUMENT, not a misuse. A detach that is not
/// of the latest live attach (out of order) also ends the attaches made after it, each
/// counted as leaked; a later detach of one of those changes nothing and returns
/// CTXBRIDGE_STATUS_OK. A misuse (out of order, already detached, another thread) is
/// counted and, in strict mode, returned as its status; in warn mode it is logged once
/// and CTXBRIDGE_STATUS_OK is returned.
#[no_mangle]
pub extern "C" fn ctxbridge_detach(token: u64) -> ctxbridge_status {
    detach_at(token, "ctxbridge_detach")
}

/// `ctxbridge_detach`, naming `site` (the caller's `file:line`: `CTXBRIDGE_HERE`) in the
/// report of a misuse. `site` is borrowed for the call only.
#[no_mangle]
pub extern "C" fn ctxbridge_detach_at(token: u64, site: ctxbridge_str) -> ctxbridge_status {
    detach_at(token, site_or(&site, "ctxbridge_detach_at"))
}

fn detach_at(token: u64, site: &str) -> ctxbridge_status {
    ffi_guard(|| {
        configured();
        // 0 and ids this thread never issued are no tokens: neither a double detach nor
        // a detach elsewhere.
        if token == 0 || !handoff::was_issued(token) {
            return ctxbridge_status::InvalidArgument;
        }
        match handoff::detach_id(token) {
            Ok(_) => ctxbridge_status::Ok,
            Err(misuse) => report(misuse, site),
        }
    })
}

/// A new handle to what is current on the calling thread (an empty snapshot if nothing is).
#[no_mangle]
pub extern "C" fn ctxbridge_current(out: *mut *mut ctxbridge_snapshot) -> ctxbridge_status {
    ffi_guard(|| {
        if out.is_null() {
            return ctxbridge_status::InvalidArgument;
        }
        give_snapshot(out, handoff::current());
        ctxbridge_status::Ok
    })
}

/// Like `ctxbridge_current`, stamped with the time: call it where work is submitted.
#[no_mangle]
pub extern "C" fn ctxbridge_capture(out: *mut *mut ctxbridge_snapshot) -> ctxbridge_status {
    ffi_guard(|| {
        if out.is_null() {
            return ctxbridge_status::InvalidArgument;
        }
        give_snapshot(out, handoff::capture());
        ctxbridge_status::Ok
    })
}

/// Runs `task(user_data)` on the calling thread with `snapshot` current, then restores
/// what was current before, detaching anything the task left attached. `*leaked_out`
/// (when not NULL) receives how many attaches leaked. For a worker thread of a pool:
/// capture at submit, `ctxbridge_run_in` in the worker.
#[no_mangle]
pub extern "C" fn ctxbridge_run_in(
    snapshot: *const ctxbridge_snapshot,
    task: ctxbridge_task_fn,
    user_data: *mut c_void,
    leaked_out: *mut u64,
) -> ctxbridge_status {
    ffi_guard(|| {
        let (Some(snapshot), Some(task)) = (borrow_snapshot(snapshot), task) else {
            return ctxbridge_status::InvalidArgument;
        };
        configured();
        let ((), leaked) = handoff::run_task(&snapshot, || task(user_data));
        if leaked > 0 {
            report(Misuse::Leaked, "ctxbridge_run_in");
        }
        if !leaked_out.is_null() {
            // SAFETY: `leaked_out` is not NULL.
            unsafe { *leaked_out = leaked };
        }
        ctxbridge_status::Ok
    })
}

/// Copies the diagnostics counters.
#[no_mangle]
pub extern "C" fn ctxbridge_stats_get(out: *mut ctxbridge_stats) -> ctxbridge_status {
    ffi_guard(|| {
        if out.is_null() {
            return ctxbridge_status::InvalidArgument;
        }
        let s = scope::stats();
        // SAFETY: `out` is not NULL.
        unsafe {
            *out = ctxbridge_stats {
                attached: s.attached,
                detached: s.detached,
                out_of_order: s.out_of_order,
                double_detach: s.double_detach,
                wrong_scope: s.wrong_scope,
                leaked: s.leaked,
            }
        };
        ctxbridge_status::Ok
    })
}

/// How many received headers were dropped for breaking the rule whose id is `rule`
/// (`"tracestate.key"`, `"baggage.value"`, ... as `ctxbridge_rule_id` gives them, or
/// `"baggage.limits"` for baggage cut at W3C's limits) into `*out`. The first drop of each
/// rule is logged through the log callback, naming the rule, never the value. An id that
/// names no such rule is CTXBRIDGE_STATUS_INVALID_ARGUMENT.
#[no_mangle]
pub extern "C" fn ctxbridge_dropped_get(rule: ctxbridge_str, out: *mut u64) -> ctxbridge_status {
    ffi_guard(|| {
        let Some(rule) = rule.as_str() else {
            return ctxbridge_status::InvalidArgument;
        };
        if out.is_null() || !ctxbridge_core::dropped::ids().any(|id| id == rule) {
            return ctxbridge_status::InvalidArgument;
        }
        let count = ctxbridge_core::dropped::counts()
            .into_iter()
            .find_map(|(id, count)| (id == rule).then_some(count))
            .unwrap_or(0);
        // SAFETY: `out` is not NULL.
        unsafe { *out = count };
        ctxbridge_status::Ok
    })
}

/// Sets every counter to zero.
#[no_mangle]
pub extern "C" fn ctxbridge_stats_reset() -> ctxbridge_status {
    ffi_guard(|| {
        scope::reset_stats();
        ctxbridge_status::Ok
    })
}

/// Sets the diagnostics mode (process-wide): a `ctxbridge_mode` value, taken as an
/// integer so that any other value is refused (CTXBRIDGE_STATUS_INVALID_ARGUMENT, mode
/// unchanged) instead of being undefined behaviour.
#[no_mangle]
pub extern "C" fn ctxbridge_set_mode(mode: u32) -> ctxbridge_status {
    ffi_guard(|| {
        let mode = match mode {
            m if m == ctxbridge_mode::Off as u32 => Mode::Off,
            m if m == ctxbridge_mode::Warn as u32 => Mode::Warn,
            m if m == ctxbridge_mode::Strict as u32 => Mode::Strict,
            _ => return ctxbridge_status::InvalidArgument,
        };
        configured();
        scope::set_mode(mode);
        ctxbridge_status::Ok
    })
}

/// Starts or stops recording where each attach is made (process-wide; the environment
/// variable `CTXBRIDGE_ATTACH_SITES=1` does it at the first call). Recorded sites are those
/// passed to `ctxbridge_attach_at`.
#[no_mangle]
pub extern "C" fn ctxbridge_set_attach_sites(on: bool) -> ctxbridge_status {
    ffi_guard(|| {
        configured();
        scope::set_recording_attach_sites(on);
        ctxbridge_status::Ok
    })
}

/// Whether attach sites are being recorded.
#[no_mangle]
pub extern "C" fn ctxbridge_get_attach_sites() -> bool {
    configured();
    scope::recording_attach_sites()
}

/// The diagnostics mode.
#[no_mangle]
pub extern "C" fn ctxbridge_get_mode() -> ctxbridge_mode {
    configured();
    match scope::mode() {
        Mode::Off => ctxbridge_mode::Off,
        Mode::Warn => ctxbridge_mode::Warn,
        Mode::Strict => ctxbridge_mode::Strict,
    }
}
