//! The token rules, once for every binding.
//!
//! 1. `attach` makes a value current and returns a token.
//! 2. `detach` of the latest live attach restores what was current before that attach.
//! 3. Out-of-order `detach` also restores what was current before that attach, as
//!    `contextvars`' `reset` and gRPC's `Context.detach` do: the live attaches made after
//!    it end with it, each counted `leaked`, and a later detach of one of them changes
//!    nothing. Nothing is ever resurrected. (OpenTelemetry Java's default storage instead
//!    ignores a close whose context is not current; contextvars would make A current again
//!    after `attach A, attach B, detach A, detach B`; see DESIGN section 4 for why.)
//! 4. `detach` of a detached token does nothing.
//! 5. `detach` from another scope does nothing.
//! 6. A task wrapper restores on exit what was current on entry, counting leaks.

use std::sync::Arc;

use super::diagnostics::{count_attached, count_detached, record, Misuse};
use super::frame::{Frame, FrameState};
use super::sites::LeftOpenTally;

/// Where "current" lives for one kind of execution scope.
pub trait Slot<V> {
    /// The identity of the execution scope the caller is in now (a thread, a task...).
    /// Frames remember it so a token used in another scope is recognised.
    fn scope_id(&self) -> u64;
    /// A fresh frame id for an attach in this scope.
    fn next_frame_id(&self) -> u64;
    /// The top of the stack in this scope.
    fn head(&self) -> Option<Arc<Frame<V>>>;
    /// Replaces the top of the stack in this scope.
    fn set_head(&self, head: Option<Arc<Frame<V>>>);
    /// Whether `frame` was attached in the caller's scope. Asked once per detach of a
    /// live frame, after [`Slot::head`]. The default compares scope ids; a slot whose
    /// scopes have no cheap identity (Python's `contextvars`) asks its runtime instead.
    fn owns(&self, frame: &Frame<V>) -> bool {
        frame.scope() == self.scope_id()
    }
    /// Told of each frame that ended without its own detach (rules 3 and 6), so a slot
    /// whose tokens are plain ids can later recognise a detach of it ([`ThreadState`]
    /// does). Frames passed here were attached in this slot's scope.
    ///
    /// [`ThreadState`]: super::ThreadState
    fn note_ended(&self, _frame: &Frame<V>) {}
}

/// What a detach that was no misuse did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detached {
    /// The token was the latest live attach: what was current before it is current again.
    InOrder,
    /// The token's attach had already ended with an earlier one (rule 3) or with its task
    /// (rule 6), and was counted as `leaked` then: nothing changed, nothing is counted.
    AlreadyEnded,
}

/// Proof of one `attach`, needed to undo it. Cloning it lets misuse (double detach) be
/// expressed, and detected.
pub struct Token<V> {
    frame: Arc<Frame<V>>,
}

impl<V> Clone for Token<V> {
    fn clone(&self) -> Self {
        Token {
            frame: Arc::clone(&self.frame),
        }
    }
}

impl<V> Token<V> {
    /// Wraps a frame found by id (see [`find_frame`]) to detach it.
    pub fn from_frame(frame: Arc<Frame<V>>) -> Self {
        Token { frame }
    }

    pub(crate) fn frame(&self) -> &Frame<V> {
        &self.frame
    }

    /// The id of the frame this token attached.
    pub fn id(&self) -> u64 {
        self.frame.id()
    }

    /// The value this token attached.
    pub fn value(&self) -> &V {
        self.frame.value()
    }

    /// Whether the attach is still in effect.
    pub fn is_live(&self) -> bool {
        self.frame.state() == FrameState::Live
    }
}

impl<V: std::fmt::Debug> std::fmt::Debug for Token<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Token").field(&self.frame).finish()
    }
}

/// Rule 1: makes `value` current in the caller's scope.
pub fn attach<V, S: Slot<V> + ?Sized>(slot: &S, value: V) -> Token<V> {
    let frame = Arc::new(Frame::new(
        value,
        slot.head(),
        slot.next_frame_id(),
        slot.scope_id(),
    ));
    slot.set_head(Some(Arc::clone(&frame)));
    count_attached();
    Token { frame }
}

/// Rules 2–5. `Ok` when the token was the latest live attach, or had already ended;
/// otherwise the misuse, already counted, for the caller to report under the current
/// mode. An out-of-order detach (`Err(Misuse::OutOfOrder)`) has taken effect: what was
/// current before the attach is current again.
pub fn detach<V, S: Slot<V> + ?Sized>(slot: &S, token: &Token<V>) -> Result<Detached, Misuse> {
    let frame = &token.frame;
    let outcome = match frame.state() {
        FrameState::Ended => return Ok(Detached::AlreadyEnded),
        FrameState::Detached => Err(Misuse::DoubleDetach),
        FrameState::Live => {
            let head = slot.head();
            if !slot.owns(frame) {
                Err(Misuse::WrongScope)
            } else if head.as_ref().is_some_and(|head| Arc::ptr_eq(head, frame)) {
                if frame.leave(FrameState::Detached) {
                    slot.set_head(frame.parent().cloned());
                    count_detached();
                    Ok(Detached::InOrder)
                } else {
                    Err(Misuse::DoubleDetach)
                }
            } else if is_on_stack(head.as_ref(), frame) {
                if frame.leave(FrameState::Detached) {
                    let ended = end_live_above(slot, head, frame);
                    slot.set_head(frame.parent().cloned());
                    count_detached();
                    if ended > 0 {
                        record(Misuse::Leaked, ended);
                    }
                    Err(Misuse::OutOfOrder)
                } else {
                    Err(Misuse::DoubleDetach)
                }
            } else {
                Err(Misuse::WrongScope)
            }
        }
    };
    if let Err(misuse) = outcome {
        record(misuse, 1);
    }
    outcome
}

/// The value current in the caller's scope.
pub fn current<V: Clone, S: Slot<V> + ?Sized>(slot: &S) -> Option<V> {
    slot.head().map(|frame| frame.value().clone())
}

/// The frame with `id` on the caller's stack, for bindings whose tokens are plain ids.
pub fn find_frame<V, S: Slot<V> + ?Sized>(slot: &S, id: u64) -> Option<Arc<Frame<V>>> {
    let mut next = slot.head();
    while let Some(frame) = next {
        if frame.id() == id {
            return Some(frame);
        }
        next = frame.parent().cloned();
    }
    None
}

/// What was current when a task started (rule 6), and the attach its wrapper made for it.
pub struct TaskMark<V> {
    head: Option<Arc<Frame<V>>>,
    own: Option<Arc<Frame<V>>>,
}

/// Notes what is current before a task runs.
pub fn enter_task<V, S: Slot<V> + ?Sized>(slot: &S) -> TaskMark<V> {
    TaskMark {
        head: slot.head(),
        own: None,
    }
}

/// Notes what was current before `own`, the attach a task wrapper has just made for its
/// task, so that [`exit_task`] restores the caller's stack and detaches `own` whatever
/// the task did to it (even a detach of `own` by id, out of order).
pub fn enter_task_over<V>(own: &Token<V>) -> TaskMark<V> {
    TaskMark {
        head: own.frame.parent().cloned(),
        own: Some(Arc::clone(&own.frame)),
    }
}

/// Restores what was current before the task, detaching and counting as `leaked`
/// every attach the task left live (the wrapper's own attach, if any, is detached, not
/// leaked). Returns how many leaked.
pub fn exit_task<V, S: Slot<V> + ?Sized>(slot: &S, mark: TaskMark<V>) -> u64 {
    if let Some(own) = &mark.own {
        if own.leave(FrameState::Detached) {
            count_detached();
        }
    }
    let mut tally = LeftOpenTally::default();
    let mut next = slot.head();
    while let Some(frame) = next {
        if is_on_stack(mark.head.as_ref(), &frame) {
            break;
        }
        if frame.leave(FrameState::Ended) {
            slot.note_ended(&frame);
            tally.ended(&frame);
        }
        next = frame.parent().cloned();
    }
    slot.set_head(mark.head);
    let leaked = tally.count();
    if leaked > 0 {
        record(Misuse::Leaked, leaked);
        tally.publish();
    }
    leaked
}

/// Rule 3: ends the live frames from `head` down to (not including) `frame`, which an
/// out-of-order detach of `frame` takes with it. Returns how many ended, and tells the
/// report that follows which attach was left open.
fn end_live_above<V, S: Slot<V> + ?Sized>(
    slot: &S,
    head: Option<Arc<Frame<V>>>,
    frame: &Arc<Frame<V>>,
) -> u64 {
    let mut tally = LeftOpenTally::default();
    let mut next = head;
    while let Some(above) = next {
        if Arc::ptr_eq(&above, frame) {
            break;
        }
        if above.leave(FrameState::Ended) {
            slot.note_ended(&above);
            tally.ended(&above);
        }
        next = above.parent().cloned();
    }
    let ended = tally.count();
    // Published even when nothing ended, so the out-of-order report names no older leak.
    tally.publish();
    ended
}

/// Whether `frame` is `head` or below it.
fn is_on_stack<V>(head: Option<&Arc<Frame<V>>>, frame: &Arc<Frame<V>>) -> bool {
    let mut next = head;
    while let Some(candidate) = next {
        if Arc::ptr_eq(candidate, frame) {
            return true;
        }
        next = candidate.parent();
    }
    false
}
