//! The C ABI with arbitrary bytes for every argument: strings of any bytes (NULL or not)
//! with their lengths, enum values as any integer, tokens as any number, and snapshot
//! handles from a pool of live, freed and NULL ones. No call may crash, read out of
//! bounds (ASan), or end in a caught panic; every string handed out holds `len` bytes
//! and a NUL after them.
#![no_main]

use std::ffi::{c_void, CStr};

use arbitrary::Arbitrary;
use ctxbridge::*;
use ctxbridge_core::handoff::run_task;
use ctxbridge_core::Snapshot;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Text {
    bytes: Vec<u8>,
    /// A NULL pointer with the length (refused unless the length is 0).
    null: bool,
}

impl Text {
    fn borrow(&self) -> ctxbridge_str {
        ctxbridge_str {
            ptr: if self.null { std::ptr::null() } else { self.bytes.as_ptr().cast() },
            len: self.bytes.len(),
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Ids {
    trace_id: [u8; 16],
    span_id: [u8; 8],
    flags: u8,
    remote: bool,
}

impl Ids {
    fn c(&self) -> ctxbridge_span_context {
        ctxbridge_span_context {
            trace_id: self.trace_id,
            span_id: self.span_id,
            flags: self.flags,
            remote: self.remote,
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Call {
    TraceparentParse(Text),
    TraceparentFormat(Ids, u8),
    TracestateNormalize(Vec<Text>),
    BaggageNormalize(Text),
    SnapshotNew(Option<Ids>, Text, Text),
    SnapshotClone(u8),
    SnapshotFree(u8),
    SnapshotSpanContext(u8),
    SnapshotBaggageGet(u8, Text),
    SnapshotTracestateGet(u8, Text),
    SnapshotCapturedAt(u8),
    Extract(Vec<(Text, Text)>),
    Inject(u8),
    Resume(Vec<(Text, Text)>, u64, u64, u64),
    Attach(u8),
    Detach(u8),
    DetachAny(u64),
    Current,
    Capture,
    RunIn(u8),
    SetMode(u32),
    GetMode,
    RuleId(u32),
    RuleDescription(u32),
    Stats,
}

/// The handles given so far, freed ones included (index 0 is NULL).
struct Pool {
    handles: Vec<*mut ctxbridge_snapshot>,
    tokens: Vec<u64>,
}

impl Pool {
    fn handle(&self, index: u8) -> *mut ctxbridge_snapshot {
        self.handles[usize::from(index) % self.handles.len()]
    }

    fn keep(&mut self, status: ctxbridge_status, handle: *mut ctxbridge_snapshot) {
        ok(status);
        if status == ctxbridge_status::Ok {
            self.handles.push(handle);
        }
    }
}

fn ok(status: ctxbridge_status) {
    assert_ne!(status, ctxbridge_status::Panic, "a call panicked");
}

/// Checks a string the library handed out and frees it.
fn take(status: ctxbridge_status, mut string: ctxbridge_string) {
    ok(status);
    if !string.ptr.is_null() {
        // SAFETY: the library promises len bytes and a NUL at ptr.
        let bytes = unsafe { std::slice::from_raw_parts(string.ptr.cast::<u8>(), string.len + 1) };
        assert_eq!(bytes[string.len], 0);
    }
    ctxbridge_string_free(&mut string);
    assert!(string.ptr.is_null() && string.len == 0);
}

fn headers(pairs: &[(Text, Text)]) -> Vec<ctxbridge_header> {
    pairs.iter().map(|(name, value)| ctxbridge_header { name: name.borrow(), value: value.borrow() }).collect()
}

extern "C" fn count_header(user: *mut c_void, _name: ctxbridge_str, _value: ctxbridge_str) {
    // SAFETY: user points to the usize the caller passed.
    unsafe { *user.cast::<usize>() += 1 };
}

extern "C" fn leaky_task(user: *mut c_void) {
    let mut token = 0u64;
    ok(ctxbridge_attach(user.cast(), &mut token));
}

fn call(pool: &mut Pool, call: &Call) {
    let mut out = std::ptr::null_mut();
    let mut rule = ctxbridge_rule::None;
    let mut string = ctxbridge_string { ptr: std::ptr::null_mut(), len: 0 };
    match call {
        Call::TraceparentParse(text) => {
            let mut sc = ctxbridge_span_context::default();
            ok(ctxbridge_traceparent_parse(text.borrow(), &mut sc, &mut rule));
        }
        Call::TraceparentFormat(ids, len) => {
            let mut buf = vec![0 as std::ffi::c_char; usize::from(*len)];
            let status = ctxbridge_traceparent_format(&ids.c(), buf.as_mut_ptr(), buf.len());
            ok(status);
            if status == ctxbridge_status::Ok {
                // SAFETY: formatted with a NUL inside buf.
                assert_eq!(unsafe { CStr::from_ptr(buf.as_ptr()) }.to_bytes().len(), 55);
            }
        }
        Call::TracestateNormalize(values) => {
            let values: Vec<ctxbridge_str> = values.iter().map(Text::borrow).collect();
            take(ctxbridge_tracestate_normalize(values.as_ptr(), values.len(), &mut string, &mut rule), string);
        }
        Call::BaggageNormalize(text) => take(ctxbridge_baggage_normalize(text.borrow(), &mut string, &mut rule), string),
        Call::SnapshotNew(ids, tracestate, baggage) => {
            let ids = ids.as_ref().map(Ids::c);
            let sc = ids.as_ref().map_or(std::ptr::null(), |sc| sc as *const _);
            let status = ctxbridge_snapshot_new(sc, tracestate.borrow(), baggage.borrow(), &mut out);
            pool.keep(status, out);
        }
        Call::SnapshotClone(index) => {
            let clone = ctxbridge_snapshot_clone(pool.handle(*index));
            if !clone.is_null() {
                pool.handles.push(clone);
            }
        }
        Call::SnapshotFree(index) => ctxbridge_snapshot_free(pool.handle(*index)),
        Call::SnapshotSpanContext(index) => {
            let mut sc = ctxbridge_span_context::default();
            ok(ctxbridge_snapshot_span_context(pool.handle(*index), &mut sc));
        }
        Call::SnapshotBaggageGet(index, key) => {
            take(ctxbridge_snapshot_baggage_get(pool.handle(*index), key.borrow(), &mut string), string)
        }
        Call::SnapshotTracestateGet(index, key) => {
            take(ctxbridge_snapshot_tracestate_get(pool.handle(*index), key.borrow(), &mut string), string)
        }
        Call::SnapshotCapturedAt(index) => {
            let mut ms = 0;
            ok(ctxbridge_snapshot_captured_at_ms(pool.handle(*index), &mut ms));
        }
        Call::Extract(pairs) => {
            let list = headers(pairs);
            let status = ctxbridge_extract(list.as_ptr(), list.len(), &mut out);
            pool.keep(status, out);
        }
        Call::Inject(index) => {
            let mut count = 0usize;
            ok(ctxbridge_inject(pool.handle(*index), Some(count_header), (&mut count as *mut usize).cast()));
            assert!(count <= 3);
        }
        Call::Resume(pairs, enqueued, max_age, now) => {
            let list = headers(pairs);
            let mut decision = std::mem::MaybeUninit::<ctxbridge_resume_decision>::zeroed();
            let status = ctxbridge_resume_at(list.as_ptr(), list.len(), *enqueued, *max_age, *now, decision.as_mut_ptr());
            ok(status);
            if status == ctxbridge_status::Ok {
                // SAFETY: filled on success.
                pool.handles.push(unsafe { decision.assume_init() }.baggage);
            }
        }
        Call::Attach(index) => {
            let mut token = 0;
            let status = ctxbridge_attach(pool.handle(*index), &mut token);
            ok(status);
            if status == ctxbridge_status::Ok {
                pool.tokens.push(token);
            }
        }
        Call::Detach(index) => {
            if !pool.tokens.is_empty() {
                ok(ctxbridge_detach(pool.tokens[usize::from(*index) % pool.tokens.len()]));
            }
        }
        Call::DetachAny(token) => ok(ctxbridge_detach(*token)),
        Call::Current => pool.keep(ctxbridge_current(&mut out), out),
        Call::Capture => pool.keep(ctxbridge_capture(&mut out), out),
        Call::RunIn(index) => {
            let handle = pool.handle(*index);
            let mut leaked = 0;
            ok(ctxbridge_run_in(handle, Some(leaky_task), handle.cast(), &mut leaked));
        }
        Call::SetMode(mode) => {
            let status = ctxbridge_set_mode(*mode);
            assert_eq!(status == ctxbridge_status::Ok, *mode <= 2);
        }
        Call::GetMode => {
            let _ = ctxbridge_get_mode();
        }
        Call::RuleId(rule) => {
            // SAFETY: a static NUL-terminated string.
            let _ = unsafe { CStr::from_ptr(ctxbridge_rule_id(*rule)) };
        }
        Call::RuleDescription(rule) => {
            // SAFETY: a static NUL-terminated string.
            let _ = unsafe { CStr::from_ptr(ctxbridge_rule_description(*rule)) };
        }
        Call::Stats => {
            let mut stats = std::mem::MaybeUninit::<ctxbridge_stats>::zeroed();
            ok(ctxbridge_stats_get(stats.as_mut_ptr()));
        }
    }
}

fuzz_target!(|calls: Vec<Call>| {
    let mut pool = Pool { handles: vec![std::ptr::null_mut()], tokens: Vec::new() };
    // As a task, so what the calls leave attached is gone before the next input.
    run_task(&Snapshot::default(), || {
        for c in &calls {
            call(&mut pool, c);
        }
    });
    ctxbridge_set_mode(0);
    for handle in pool.handles {
        ctxbridge_snapshot_free(handle); // freed ones again: a no-op
    }
});
