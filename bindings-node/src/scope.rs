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

use ctxbridge_core::scope::{self, Frame, Misuse, Slot};
use napi::bindgen_prelude::External;
use napi_derive::napi;

/// A frame of the stack as JavaScript holds it. Dropped when the JS object is collected.
pub type FrameHandle = External<Arc<Frame<()>>>;

/// What a detach did, as one number for the JavaScript side to mirror: after a pop,
/// the id of the new top frame (0: none, the scope's base); a misuse is negative.
pub const OUT_OF_ORDER: i64 = -1;
pub const DOUBLE_DETACH: i64 = -2;
pub const WRONG_SCOPE: i64 = -3;

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

/// Detaches `frame` where `head` is the top of the caller's store. Returns the new
/// top's id after a pop (0: the base), or a negative misuse code (-1 out of order,
/// -2 double detach, -3 wrong scope) already counted.
#[napi]
pub fn detach(frame: &FrameHandle, head: Option<&FrameHandle>) -> i64 {
    let slot = slot(head, 0);
    match scope::detach(&slot, &scope::Token::from_frame(Arc::clone(frame))) {
        Ok(()) => {
            let new_head = slot.new_head.borrow();
            new_head
                .as_ref()
                .and_then(|h| h.as_ref())
                .map_or(0, |f| f.id() as i64)
        }
        Err(Misuse::OutOfOrder) => OUT_OF_ORDER,
        Err(Misuse::DoubleDetach) => DOUBLE_DETACH,
        Err(_) => WRONG_SCOPE,
    }
}

/// Ends a task (DESIGN rule 6): pops every live frame from `head` down to `mark`
/// (the top when the task started), counting them as leaked. Returns how many.
#[napi]
pub fn exit_task(head: Option<&FrameHandle>, mark: Option<&FrameHandle>) -> u32 {
    // The task mark is taken from a slot whose top is `mark`.
    let mark = scope::enter_task(&slot(mark, 0));
    scope::exit_task(&slot(head, 0), mark) as u32
}

/// Applies the mode to a misuse the rules counted: `null` (off, or this site was
/// already warned about), the message to log through `diag` (warn), or throws (strict).
#[napi]
pub fn judge(misuse: String, site: String) -> napi::Result<Option<String>> {
    let misuse = match misuse.as_str() {
        "out_of_order" => Misuse::OutOfOrder,
        "double_detach" => Misuse::DoubleDetach,
        "wrong_scope" => Misuse::WrongScope,
        "leaked" => Misuse::Leaked,
        other => {
            return Err(napi::Error::new(
                napi::Status::InvalidArg,
                format!("unknown misuse {other:?}"),
            ))
        }
    };
    let mut message = None;
    scope::report_with(misuse, &site, |error| message = Some(error.to_string()))
        .map_err(|error| napi::Error::new(napi::Status::GenericFailure, error.to_string()))?;
    Ok(message)
}
