//! The panic firewall every export runs behind.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::types::ctxbridge_status;

/// Runs `body`, turning a panic into `CTXBRIDGE_STATUS_PANIC` instead of unwinding into C.
pub(crate) fn ffi_guard(body: impl FnOnce() -> ctxbridge_status) -> ctxbridge_status {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(ctxbridge_status::Panic)
}
