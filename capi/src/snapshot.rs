//! Snapshots as opaque, reference-counted handles.

use std::collections::BTreeSet;
use std::sync::Mutex;

use ctxbridge_core::bridge;
use ctxbridge_core::{Baggage, Snapshot, SpanContext, SpanId, TraceFlags, TraceId, TraceState};

use crate::codecs::ctxbridge_span_context;
use crate::guard::ffi_guard;
use crate::types::{ctxbridge_status, ctxbridge_str, ctxbridge_string, give_string};

/// An immutable span context + baggage, as captured where work was handed off.
/// Each handle holds one reference; `ctxbridge_snapshot_clone` adds one and
/// `ctxbridge_snapshot_free` releases one.
pub struct ctxbridge_snapshot(pub(crate) Snapshot);

/// The handles given to C and not yet freed, by address. A handle is looked up here
/// before it is used, so one already freed (or never given) is refused instead of read,
/// and freeing one twice is a no-op. (After a free, the allocator may hand the same
/// address to a new snapshot: a stale handle then names that one, which is memory-safe.)
static LIVE: Mutex<BTreeSet<usize>> = Mutex::new(BTreeSet::new());

fn live() -> std::sync::MutexGuard<'static, BTreeSet<usize>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Hands a snapshot to C as a new handle.
pub(crate) fn give_snapshot(out: *mut *mut ctxbridge_snapshot, snapshot: Snapshot) {
    let handle = Box::into_raw(Box::new(ctxbridge_snapshot(snapshot)));
    live().insert(handle as usize);
    // SAFETY: callers check `out` is not NULL.
    unsafe { *out = handle };
}

/// The snapshot behind a live handle (a new reference: cheap, and still valid if another
/// thread frees the handle meanwhile); `None` for NULL or a handle that is not live.
pub(crate) fn borrow_snapshot(handle: *const ctxbridge_snapshot) -> Option<Snapshot> {
    let live = live();
    // SAFETY: the handle is live (given by give_snapshot and not freed): it points to a
    // ctxbridge_snapshot, and the lock keeps it from being freed while it is read.
    live.contains(&(handle as usize))
        .then(|| unsafe { (*handle).0.clone() })
}

/// Builds a snapshot from a span context (NULL for none; it is ignored unless both ids
/// are non-zero), a `tracestate` header (ignored when invalid) and a `baggage` header
/// (malformed members dropped). Free `*out` with `ctxbridge_snapshot_free`.
#[no_mangle]
pub extern "C" fn ctxbridge_snapshot_new(
    span_context: *const ctxbridge_span_context,
    tracestate: ctxbridge_str,
    baggage: ctxbridge_str,
    out: *mut *mut ctxbridge_snapshot,
) -> ctxbridge_status {
    ffi_guard(|| {
        let (Some(tracestate), Some(baggage)) = (tracestate.as_str(), baggage.as_str()) else {
            return ctxbridge_status::InvalidArgument;
        };
        if out.is_null() {
            return ctxbridge_status::InvalidArgument;
        }
        // SAFETY: a non-NULL span context is readable for the call.
        let span_context = (!span_context.is_null()).then(|| unsafe { *span_context });
        let span_context = span_context.map(|sc| SpanContext {
            trace_id: TraceId(sc.trace_id),
            span_id: SpanId(sc.span_id),
            flags: TraceFlags::from_wire(sc.flags),
            remote: sc.remote,
            trace_state: TraceState::from_headers([tracestate]),
        });
        crate::scope::configured();
        let baggage = Baggage::from_headers([baggage]);
        give_snapshot(out, Snapshot::new(span_context, baggage));
        crate::scope::report_drops();
        ctxbridge_status::Ok
    })
}

/// A new handle to the same snapshot (one more reference). NULL for a NULL handle.
#[no_mangle]
pub extern "C" fn ctxbridge_snapshot_clone(
    snapshot: *const ctxbridge_snapshot,
) -> *mut ctxbridge_snapshot {
    let mut out = std::ptr::null_mut();
    let status = ffi_guard(|| match borrow_snapshot(snapshot) {
        Some(snapshot) => {
            give_snapshot(&mut out, snapshot.clone());
            ctxbridge_status::Ok
        }
        None => ctxbridge_status::InvalidArgument,
    });
    if status == ctxbridge_status::Ok {
        out
    } else {
        std::ptr::null_mut()
    }
}

/// Releases one handle. NULL, or a handle already freed, is a no-op.
#[no_mangle]
pub extern "C" fn ctxbridge_snapshot_free(snapshot: *mut ctxbridge_snapshot) {
    if snapshot.is_null() {
        return;
    }
    let _ = ffi_guard(|| {
        if !live().remove(&(snapshot as usize)) {
            return ctxbridge_status::InvalidArgument; // freed already, or never given
        }
        // SAFETY: the handle was live (it came from Box::into_raw in give_snapshot) and is
        // no longer, so it is freed once.
        drop(unsafe { Box::from_raw(snapshot) });
        ctxbridge_status::Ok
    });
}

/// Copies the snapshot's span context to `*out`. CTXBRIDGE_STATUS_NOT_FOUND when it
/// has none.
#[no_mangle]
pub extern "C" fn ctxbridge_snapshot_span_context(
    snapshot: *const ctxbridge_snapshot,
    out: *mut ctxbridge_span_context,
) -> ctxbridge_status {
    ffi_guard(|| {
        let Some(snapshot) = borrow_snapshot(snapshot) else {
            return ctxbridge_status::InvalidArgument;
        };
        if out.is_null() {
            return ctxbridge_status::InvalidArgument;
        }
        match snapshot.span_context() {
            Some(sc) => {
                // SAFETY: `out` is not NULL.
                unsafe { *out = ctxbridge_span_context::from_core(sc) };
                ctxbridge_status::Ok
            }
            None => ctxbridge_status::NotFound,
        }
    })
}

/// The decoded baggage value of `key`, as a string to free with ctxbridge_string_free.
#[no_mangle]
pub extern "C" fn ctxbridge_snapshot_baggage_get(
    snapshot: *const ctxbridge_snapshot,
    key: ctxbridge_str,
    out: *mut ctxbridge_string,
) -> ctxbridge_status {
    get_by_key(snapshot, key, out, |snapshot, key| {
        snapshot.baggage().get(key).map(str::to_owned)
    })
}

/// The properties of baggage member `key` as one metadata string (`p1;p2=x`, empty when it
/// has none), to free with ctxbridge_string_free. CTXBRIDGE_STATUS_NOT_FOUND when there
/// is no such member.
#[no_mangle]
pub extern "C" fn ctxbridge_snapshot_baggage_metadata_get(
    snapshot: *const ctxbridge_snapshot,
    key: ctxbridge_str,
    out: *mut ctxbridge_string,
) -> ctxbridge_status {
    get_by_key(snapshot, key, out, |snapshot, key| {
        snapshot
            .baggage()
            .member(key)
            .map(bridge::baggage::metadata_of)
    })
}

/// The tracestate value of `key`, as a string to free with ctxbridge_string_free.
#[no_mangle]
pub extern "C" fn ctxbridge_snapshot_tracestate_get(
    snapshot: *const ctxbridge_snapshot,
    key: ctxbridge_str,
    out: *mut ctxbridge_string,
) -> ctxbridge_status {
    get_by_key(snapshot, key, out, |snapshot, key| {
        let span_context = snapshot.span_context()?;
        span_context.trace_state.get(key).map(str::to_owned)
    })
}

/// What the `_get` exports share: checks the arguments, looks `key` up with `find`, and
/// writes what it found to `*out` (Ok) or reports NotFound.
fn get_by_key(
    snapshot: *const ctxbridge_snapshot,
    key: ctxbridge_str,
    out: *mut ctxbridge_string,
    find: impl FnOnce(&Snapshot, &str) -> Option<String>,
) -> ctxbridge_status {
    ffi_guard(|| {
        let (Some(snapshot), Some(key)) = (borrow_snapshot(snapshot), key.as_str()) else {
            return ctxbridge_status::InvalidArgument;
        };
        if out.is_null() {
            return ctxbridge_status::InvalidArgument;
        }
        match find(&snapshot, key) {
            Some(value) => {
                give_string(out, value);
                ctxbridge_status::Ok
            }
            None => ctxbridge_status::NotFound,
        }
    })
}

/// Milliseconds since the Unix epoch when the snapshot was captured.
#[no_mangle]
pub extern "C" fn ctxbridge_snapshot_captured_at_ms(
    snapshot: *const ctxbridge_snapshot,
    out: *mut u64,
) -> ctxbridge_status {
    ffi_guard(|| {
        let Some(snapshot) = borrow_snapshot(snapshot) else {
            return ctxbridge_status::InvalidArgument;
        };
        if out.is_null() {
            return ctxbridge_status::InvalidArgument;
        }
        let ms = snapshot
            .captured_at()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        // SAFETY: `out` is not NULL.
        unsafe { *out = ms };
        ctxbridge_status::Ok
    })
}
