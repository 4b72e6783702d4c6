//! The scope rules for Node's context manager. The slot is the `AsyncLocalStorage`
//! store, held in JavaScript; each call passes the frame at the top of the caller's
//! store (an `External` of the core's frame) and learns what the rules decided as
//! numbers, so `active()` and `with()` never cross into Rust.
//!
//! A scope is "wherever the attach is visible": a frame can be detached where it is on
//! the current store's stack. ALS copies the store into every continuation, so those
//! share the attach; elsewhere a detach is `wrong_scope`.

use std::cell::RefCell;
use std::sync::Arc;

use std::collections::HashMap;

use ctxbridge_core::bridge::codes::DetachCode;
use ctxbridge_core::scope::{self, Frame, Misuse, Slot};
use napi::bindgen_prelude::External;
use napi_derive::napi;

/// A frame of the stack as JavaScript holds it. Dropped when the JS object is collected.
pub type FrameHandle = External<Arc<Frame<()>>>;

/// The core's detach codes by name (`IN_ORDER: 0`, …), read once when the module loads so
/// JavaScript mirrors what the rules decided without a table of its own.
#[napi]
pub fn detach_codes() -> HashMap<String, i32> {
    DetachCode::ALL
        .into_iter()
        .map(|code| (code.name().to_owned(), code.code()))
        .collect()
}

/// The slot as one call sees it: the top frame JavaScript passed in, and the frame
/// the rules set as the new top.
struct StoreSlot {
    head: Option<Arc<Frame<()>>>,
    next_id: u64,
    new_head: RefCell<Option<Option<Arc<Frame<()>>>>>,
}

impl Slot<()> for StoreSlot {
    /// Every frame is in scope 0; `owns` is decided by reachability (see the module doc).
    fn scope_id(&self) -> u64 {
        0
    }

    fn next_frame_id(&self) -> u64 {
        self.next_id
    }

    fn head(&self) -> Option<Arc<Frame<()>>> {
        self.head.clone()
    }

    fn set_head(&self, head: Option<Arc<Frame<()>>>) {
        *self.new_head.borrow_mut() = Some(head);
    }
}

fn slot(head: Option<&FrameHandle>, next_id: u64) -> StoreSlot {
    StoreSlot {
        head: head.map(|h| Arc::clone(h)),
        next_id,
        new_head: RefCell::new(None),
    }
}

/// Attaches a new frame (with the id JavaScript chose) above `head`.
#[napi]
pub fn attach(head: Option<&FrameHandle>, id: u32) -> FrameHandle {
    let slot = slot(head, u64::from(id));
    scope::attach(&slot, ());
    let frame = slot
        .new_head
        .into_inner()
        .flatten()
        .expect("attach sets the head");
    External::new(frame)
}

/// Detaches `frame` where `head` is the top of the caller's store. Returns one of the
/// core's [`DetachCode`]s (see [`detach_codes`]).
#[napi]
pub fn detach(frame: &FrameHandle, head: Option<&FrameHandle>) -> i32 {
    let slot = slot(head, 0);
    DetachCode::of(scope::detach(
        &slot,
        &scope::Token::from_frame(Arc::clone(frame)),
    ))
    .code()
}

/// Ends a task (DESIGN rule 6) whose wrapper attached `own`: detaches `own` (once, however
/// often this is called) and ends every live frame from `head` down to it, counting them
/// as leaked. Returns how many leaked. A task whose continuations attached on several
/// branches is ended by one call per branch head.
#[napi]
pub fn exit_task(head: Option<&FrameHandle>, own: &FrameHandle) -> u32 {
    let mark = scope::enter_task_over(&scope::Token::from_frame(Arc::clone(own)));
    scope::exit_task(&slot(head, 0), mark) as u32
}

/// Applies the mode to a misuse the rules counted: `null` (off, or this site was
/// already warned about), the message to log through `diag` (warn), or throws (strict).
#[napi]
pub fn judge(misuse: String, site: String) -> napi::Result<Option<String>> {
    let Some(misuse) = Misuse::from_id(&misuse) else {
        return Err(napi::Error::new(
            napi::Status::InvalidArg,
            format!("unknown misuse {misuse:?}"),
        ));
    };
    let mut message = None;
    scope::report_with(misuse, &site, |error| message = Some(error.to_string()))
        .map_err(|error| napi::Error::new(napi::Status::GenericFailure, error.to_string()))?;
    Ok(message)
}
