//! The scope rules for Node's context manager. The slot is the `AsyncLocalStorage`
//! store, held in JavaScript; each call passes the frame at the top of the caller's
//! store (an `External` of the core's frame) and learns what the rules decided as
//! numbers, so `active()` and `with()` never cross into Rust while nothing has ended.
//!
//! The stack is the core's alone: each frame keeps, as its value, the store it was
//! attached over (a reference to that JavaScript value), so a detach hands back the store
//! to put back and [`resolve`] the store a continuation stands on once its frame ended.
//! JavaScript keeps no link between frames and no copy of their states.
//!
//! A scope is "wherever the attach is visible": a frame can be detached where it is on
//! the current store's stack. ALS copies the store into every continuation, so those
//! share the attach; elsewhere a detach is `wrong_scope`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ptr;
use std::sync::Arc;

use ctxbridge_core::bridge::codes::DetachCode;
use ctxbridge_core::scope::{self, Frame, FrameState, Misuse, Slot};
use napi::bindgen_prelude::{
    Either, FromNapiValue, ToNapiValue, TypeName, Unknown, ValidateNapiValue,
};
use napi::{sys, Env, JsValue, ValueType};
use napi_derive::napi;

/// The store a frame was attached over: a strong reference to that JavaScript value (none
/// when the store was empty or not an object), released when the core drops the frame.
pub struct Below {
    env: sys::napi_env,
    value: sys::napi_ref,
}

impl Below {
    fn of(env: &Env, store: &Unknown<'_>) -> Option<Below> {
        if !matches!(
            store.get_type().ok()?,
            ValueType::Object | ValueType::Function
        ) {
            return None;
        }
        let mut value = ptr::null_mut();
        // SAFETY: `env` is this call's environment and `store` a value of this call.
        let status = unsafe { sys::napi_create_reference(env.raw(), store.raw(), 1, &mut value) };
        (status == sys::Status::napi_ok).then_some(Below {
            env: env.raw(),
            value,
        })
    }

    /// The store as a value of `env` (`None`, which reaches JavaScript as `null`, when
    /// there was none).
    fn get<'env>(below: Option<&Below>, env: &'env Env) -> napi::Result<Option<Unknown<'env>>> {
        let Some(below) = below else {
            return Ok(None);
        };
        let mut value = ptr::null_mut();
        // SAFETY: the reference was made in this environment (frames never leave the thread
        // whose JavaScript made them) and is alive until `drop`.
        let status = unsafe { sys::napi_get_reference_value(env.raw(), below.value, &mut value) };
        if status != sys::Status::napi_ok {
            return Err(napi::Error::from_reason(
                "ctxbridge: a frame's store is gone",
            ));
        }
        // SAFETY: `value` was just returned by N-API for this environment.
        Ok(Some(unsafe {
            Unknown::from_raw_unchecked(env.raw(), value)
        }))
    }
}

impl Drop for Below {
    fn drop(&mut self) {
        // SAFETY: the reference was made in `env`, on the thread that drops it: a frame is
        // dropped by a call of that thread or by its `External`'s finalizer, where deleting a
        // reference is allowed.
        unsafe {
            sys::napi_delete_reference(self.env, self.value);
        }
    }
}

type NodeFrame = Frame<Option<Below>>;

/// The type tag on every frame handle this addon makes, so that no other external (another
/// addon's, or one made up) is ever read as a frame.
const FRAME_TAG: sys::napi_type_tag = sys::napi_type_tag {
    lower: 0x6374_7862_7269_6467, // "ctxbridg"
    upper: 0x6672_616d_6500_0001, // "frame", version 1
};

/// A frame of the stack as JavaScript holds it: an N-API external owning one reference to
/// the core's frame, released by the external's finalizer when the JS object is collected.
///
/// Made by hand rather than with napi-rs's `External`, which records every live payload in a
/// process-wide map behind a mutex (locked at each creation, each use as an argument and
/// each finalization, and whose capacity never shrinks after a burst of attaches). A type
/// tag does that check in V8 instead, per handle.
pub struct FrameHandle(Arc<NodeFrame>);

impl std::ops::Deref for FrameHandle {
    type Target = Arc<NodeFrame>;

    fn deref(&self) -> &Arc<NodeFrame> {
        &self.0
    }
}

/// Frame handles reach JavaScript as externals, both ways.
macro_rules! external_type {
    ($type:ty) => {
        impl TypeName for $type {
            fn type_name() -> &'static str {
                "External"
            }

            fn value_type() -> ValueType {
                ValueType::External
            }
        }

        impl ValidateNapiValue for $type {}
    };
}

unsafe extern "C" fn finalize_frame(
    _env: sys::napi_env,
    data: *mut std::ffi::c_void,
    _hint: *mut std::ffi::c_void,
) {
    // SAFETY: `data` is the box `to_napi_value` leaked for this external, finalized once.
    drop(unsafe { Box::from_raw(data.cast::<Arc<NodeFrame>>()) });
}

external_type!(FrameHandle);

impl ToNapiValue for FrameHandle {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let data = Box::into_raw(Box::new(val.0));
        let mut value = ptr::null_mut();
        // SAFETY: `env` is this call's environment; the finalizer frees `data` once.
        let created = unsafe {
            sys::napi_create_external(
                env,
                data.cast(),
                Some(finalize_frame),
                ptr::null_mut(),
                &mut value,
            )
        };
        if created != sys::Status::napi_ok {
            // SAFETY: the external was not made, so `data` is still ours alone.
            drop(unsafe { Box::from_raw(data) });
            return Err(napi::Error::from_reason(
                "ctxbridge: cannot make a frame handle",
            ));
        }
        // SAFETY: `value` is the external just made in `env`.
        let tagged = unsafe { sys::napi_type_tag_object(env, value, &FRAME_TAG) };
        if tagged != sys::Status::napi_ok {
            return Err(napi::Error::from_reason(
                "ctxbridge: cannot tag a frame handle",
            ));
        }
        Ok(value)
    }
}

/// A frame handle JavaScript passed in, borrowed for the call (its external keeps the frame
/// alive until the call returns).
pub struct FrameArg(*const Arc<NodeFrame>);

impl std::ops::Deref for FrameArg {
    type Target = Arc<NodeFrame>;

    fn deref(&self) -> &Arc<NodeFrame> {
        // SAFETY: the pointer came from a live, tagged frame external of this call.
        unsafe { &*self.0 }
    }
}

external_type!(FrameArg);

impl FromNapiValue for FrameArg {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        let mut ours = false;
        // SAFETY: `env` and `value` are this call's; a value that is no object answers false.
        let checked = unsafe { sys::napi_check_object_type_tag(env, value, &FRAME_TAG, &mut ours) };
        if checked != sys::Status::napi_ok || !ours {
            return Err(napi::Error::new(
                napi::Status::InvalidArg,
                "ctxbridge: not a frame handle",
            ));
        }
        let mut data = ptr::null_mut();
        // SAFETY: a tagged value is one of this addon's frame externals.
        let read = unsafe { sys::napi_get_value_external(env, value, &mut data) };
        if read != sys::Status::napi_ok || data.is_null() {
            return Err(napi::Error::new(
                napi::Status::InvalidArg,
                "ctxbridge: not a frame handle",
            ));
        }
        Ok(FrameArg(data.cast::<Arc<NodeFrame>>()))
    }
}

/// The core's detach codes by name (`IN_ORDER: 0`, …), read once when the module loads so
/// JavaScript mirrors what the rules decided without a table of its own.
#[napi]
pub fn detach_codes() -> HashMap<String, i32> {
    DetachCode::ALL
        .into_iter()
        .map(|code| (code.name().to_owned(), code.code()))
        .collect()
}

/// The slot as one call sees it: the top frame still live at or below the frame
/// JavaScript passed in, and the frame the rules set as the new top.
struct StoreSlot {
    head: Option<Arc<NodeFrame>>,
    next_id: u64,
    new_head: RefCell<Option<Option<Arc<NodeFrame>>>>,
}

impl Slot<Option<Below>> for StoreSlot {
    /// Every frame is in scope 0; `owns` is decided by reachability (see the module doc).
    fn scope_id(&self) -> u64 {
        0
    }

    fn next_frame_id(&self) -> u64 {
        self.next_id
    }

    fn head(&self) -> Option<Arc<NodeFrame>> {
        self.head.clone()
    }

    fn set_head(&self, head: Option<Arc<NodeFrame>>) {
        *self.new_head.borrow_mut() = Some(head);
    }
}

/// The first live frame at or below `frame` (a store keeps a frame after it ended, and the
/// continuations standing on it stand on what is live below it).
fn live_top(frame: Option<&Arc<NodeFrame>>) -> Option<Arc<NodeFrame>> {
    let mut at = frame;
    while let Some(frame) = at {
        if frame.state() == FrameState::Live {
            return Some(Arc::clone(frame));
        }
        at = frame.parent();
    }
    None
}

fn slot(head: Option<&FrameArg>, next_id: u64) -> StoreSlot {
    StoreSlot {
        head: live_top(head.map(|h| &**h)),
        next_id,
        new_head: RefCell::new(None),
    }
}

/// Attaches a new frame (with the id JavaScript chose) over `store`, the caller's store,
/// whose top frame is `head`.
#[napi]
pub fn attach(env: Env, head: Option<FrameArg>, store: Unknown<'_>, id: u32) -> FrameHandle {
    let slot = slot(head.as_ref(), u64::from(id));
    scope::attach(&slot, Below::of(&env, &store));
    let frame = slot
        .new_head
        .into_inner()
        .flatten()
        .expect("attach sets the head");
    FrameHandle(frame)
}

/// Records `site` (file:line of the code that attached) as where `frame` was attached,
/// while attach sites are recorded.
#[napi]
pub fn note_site(frame: FrameArg, site: String) {
    scope::note_frame_site(&frame, &site);
}

/// Detaches `frame` where `head` is the top of the caller's store. In order, the answer
/// is the store to put back (the one the frame was attached over: an object, or `null` for
/// none); otherwise one of the core's [`DetachCode`]s as a number (see [`detach_codes`]),
/// and after `OUT_OF_ORDER` [`below`] gives the store to put back. One crossing decides the
/// common case.
#[napi]
pub fn detach<'env>(
    env: &'env Env,
    frame: FrameArg,
    head: Option<FrameArg>,
) -> napi::Result<Either<i32, Option<Unknown<'env>>>> {
    let code = DetachCode::of(scope::detach(
        &slot(head.as_ref(), 0),
        &scope::Token::from_frame(Arc::clone(&frame)),
    ));
    if code == DetachCode::InOrder {
        return Below::get(frame.value().as_ref(), env).map(Either::B);
    }
    Ok(Either::A(code.code()))
}

/// The store `frame` was attached over (`null` for none): what a detach puts back.
#[napi]
pub fn below<'env>(env: &'env Env, frame: FrameArg) -> napi::Result<Option<Unknown<'env>>> {
    Below::get(frame.value().as_ref(), env)
}

/// `true` while `frame` is live; once it ended, the store a continuation standing on it
/// now stands on: the frame live below it (its JavaScript object, which the frame above it
/// was attached over), or the store under the whole stack (`null` for none).
#[napi]
pub fn resolve<'env>(
    env: &'env Env,
    frame: FrameArg,
) -> napi::Result<Either<bool, Option<Unknown<'env>>>> {
    if frame.state() == FrameState::Live {
        return Ok(Either::A(true));
    }
    let mut below = frame.value().as_ref();
    let mut at = frame.parent();
    while let Some(parent) = at {
        if parent.state() == FrameState::Live {
            break;
        }
        below = parent.value().as_ref();
        at = parent.parent();
    }
    Below::get(below, env).map(Either::B)
}

/// Ends a task (DESIGN rule 6) whose wrapper attached `own`: detaches `own` (once, however
/// often this is called) and ends every live frame from `head` down to it, counting them
/// as leaked. Returns how many leaked. A task whose continuations attached on several
/// branches is ended by one call per branch head.
#[napi]
pub fn exit_task(head: Option<FrameArg>, own: FrameArg) -> u32 {
    let mark = scope::enter_task_over(&scope::Token::from_frame(Arc::clone(&own)));
    scope::exit_task(&slot(head.as_ref(), 0), mark) as u32
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
