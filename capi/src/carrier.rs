//! Extract and inject over header arrays, and the queue resume decision.

use std::ffi::{c_char, c_void};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ctxbridge_core::carrier::{self, Extractor, Injector};
use ctxbridge_core::queue::{self, Parent};
use ctxbridge_core::Snapshot;

use crate::codecs::ctxbridge_span_context;
use crate::guard::ffi_guard;
use crate::snapshot::{borrow_snapshot, ctxbridge_snapshot, give_snapshot};
use crate::types::{ctxbridge_header, ctxbridge_status, ctxbridge_str, headers};

/// Receives each header `ctxbridge_inject` writes; both strings are borrowed for the call.
pub type ctxbridge_set_header_fn =
    Option<extern "C" fn(user_data: *mut c_void, name: ctxbridge_str, value: ctxbridge_str)>;

/// How a consumer should start its span for a queued message.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ctxbridge_parent_kind {
    /// No valid traceparent: a new root span.
    Root = 0,
    /// Young enough: a child of `span_context`.
    ChildOf = 1,
    /// Too old: a new root span with a link to `span_context`.
    RootWithLink = 2,
}

/// The decision `ctxbridge_resume` makes.
#[repr(C)]
pub struct ctxbridge_resume_decision {
    pub kind: ctxbridge_parent_kind,
    /// The carried span context (zeros for CTXBRIDGE_PARENT_KIND_ROOT).
    pub span_context: ctxbridge_span_context,
    /// A snapshot holding the carried baggage (and no span context): free it with
    /// ctxbridge_snapshot_free.
    pub baggage: *mut ctxbridge_snapshot,
}

/// A C header array seen as a carrier. Values that are not UTF-8 read as "" (invalid).
struct CHeaders<'a>(&'a [ctxbridge_header]);

impl Extractor for CHeaders<'_> {
    fn get_all<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> {
        self.0
            .iter()
            .filter(move |h| {
                h.name
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
            .map(|h| h.value.as_str().unwrap_or(""))
    }
}

struct CallbackInjector {
    set: extern "C" fn(*mut c_void, ctxbridge_str, ctxbridge_str),
    user_data: *mut c_void,
}

impl Injector for CallbackInjector {
    fn set(&mut self, name: &str, value: String) {
        let borrow = |text: &str| ctxbridge_str {
            ptr: text.as_ptr().cast::<c_char>(),
            len: text.len(),
        };
        (self.set)(self.user_data, borrow(name), borrow(&value));
    }
}

/// Reads `traceparent`, `tracestate` and `baggage` (names case-insensitive, repeated
/// headers seen) into a new snapshot. Never fails on bad header values: a bad or
/// repeated traceparent gives a snapshot without a span context.
#[no_mangle]
pub extern "C" fn ctxbridge_extract(
    headers_ptr: *const ctxbridge_header,
    count: usize,
    out: *mut *mut ctxbridge_snapshot,
) -> ctxbridge_status {
    ffi_guard(|| {
        let Some(list) = headers(headers_ptr, count) else {
            return ctxbridge_status::InvalidArgument;
        };
        if out.is_null() {
            return ctxbridge_status::InvalidArgument;
        }
        crate::scope::configured();
        give_snapshot(out, carrier::extract(&CHeaders(list)));
        crate::scope::report_drops();
        ctxbridge_status::Ok
    })
}

/// Writes the snapshot's `traceparent`, `tracestate` (when not empty) and `baggage`
/// (when not empty) through `set_header`.
#[no_mangle]
pub extern "C" fn ctxbridge_inject(
    snapshot: *const ctxbridge_snapshot,
    set_header: ctxbridge_set_header_fn,
    user_data: *mut c_void,
) -> ctxbridge_status {
    ffi_guard(|| {
        let (Some(snapshot), Some(set)) = (borrow_snapshot(snapshot), set_header) else {
            return ctxbridge_status::InvalidArgument;
        };
        carrier::inject(&snapshot, &mut CallbackInjector { set, user_data });
        ctxbridge_status::Ok
    })
}

/// Decides how to resume the trace a message carries: a child when the message is
/// younger than `max_age_ms` (measured from `enqueued_at_ms`, Unix milliseconds, to
/// now), otherwise a new root with a link. Free `out->baggage` afterwards.
#[no_mangle]
pub extern "C" fn ctxbridge_resume(
    headers_ptr: *const ctxbridge_header,
    count: usize,
    enqueued_at_ms: u64,
    max_age_ms: u64,
    out: *mut ctxbridge_resume_decision,
) -> ctxbridge_status {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    ctxbridge_resume_at(headers_ptr, count, enqueued_at_ms, max_age_ms, now_ms, out)
}

/// `ctxbridge_resume` with the current time given as `now_ms` (Unix milliseconds).
#[no_mangle]
pub extern "C" fn ctxbridge_resume_at(
    headers_ptr: *const ctxbridge_header,
    count: usize,
    enqueued_at_ms: u64,
    max_age_ms: u64,
    now_ms: u64,
    out: *mut ctxbridge_resume_decision,
) -> ctxbridge_status {
    ffi_guard(|| {
        let Some(list) = headers(headers_ptr, count) else {
            return ctxbridge_status::InvalidArgument;
        };
        if out.is_null() {
            return ctxbridge_status::InvalidArgument;
        }
        let at = |ms: u64| UNIX_EPOCH + Duration::from_millis(ms);
        crate::scope::configured();
        let decision = queue::resume_at(
            &CHeaders(list),
            at(enqueued_at_ms),
            Duration::from_millis(max_age_ms),
            at(now_ms),
        );
        crate::scope::report_drops();
        let (kind, span_context) = match &decision.parent {
            Parent::ChildOf(sc) => (
                ctxbridge_parent_kind::ChildOf,
                ctxbridge_span_context::from_core(sc),
            ),
            Parent::RootWithLink(sc) => (
                ctxbridge_parent_kind::RootWithLink,
                ctxbridge_span_context::from_core(sc),
            ),
            Parent::Root => (
                ctxbridge_parent_kind::Root,
                ctxbridge_span_context::default(),
            ),
        };
        let mut baggage = std::ptr::null_mut();
        give_snapshot(&mut baggage, Snapshot::new(None, decision.baggage));
        // SAFETY: `out` is not NULL.
        unsafe {
            *out = ctxbridge_resume_decision {
                kind,
                span_context,
                baggage,
            }
        };
        ctxbridge_status::Ok
    })
}
