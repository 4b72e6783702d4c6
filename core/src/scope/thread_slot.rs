//! The slot for bindings whose execution scope is an OS thread (Rust, C, Java).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::LocalKey;

use super::diagnostics::{record, Misuse};
use super::frame::Frame;
use super::rules::{self, Detached, Slot, Token};

/// How many ended frame ids a thread remembers (see [`ThreadState`]): a detach of an
/// older one is taken for a double detach. Instrumentations that leak an attach per
/// request and never detach it (the Flask one does) keep this bounded.
const ENDED_IDS_KEPT: usize = 64;

/// Thread numbers start at 1 so that 0 never names a scope.
static NEXT_THREAD: AtomicU64 = AtomicU64::new(1);

/// One thread's stack. Declare it in a `thread_local!` and read it through [`ThreadSlot`],
/// or let the thread's own language hold it (Java keeps one per `Thread`, virtual
/// threads included) and use it as the [`Slot`] directly.
///
/// Tokens of id-based bindings are plain integers, so once a frame has left the stack
/// its id is all that is left of it. The state remembers the ids of the latest frames
/// that ended without their own detach (rules 3 and 6), so that such a detach changes
/// nothing and is not counted, as the rules ask.
pub struct ThreadState<V> {
    scope: u64,
    next_seq: Cell<u32>,
    head: RefCell<Option<Arc<Frame<V>>>>,
    ended_ids: RefCell<VecDeque<u64>>,
}

impl<V> ThreadState<V> {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        ThreadState {
            scope: NEXT_THREAD.fetch_add(1, Ordering::Relaxed),
            next_seq: Cell::new(0),
            head: RefCell::new(None),
            ended_ids: RefCell::new(VecDeque::new()),
        }
    }
}

/// A [`Slot`] backed by a thread-local [`ThreadState`].
///
/// Frame ids are `thread << 32 | sequence`, so a binding that hands out plain integer
/// tokens (C, Java) can tell a token of another thread from one already detached.
pub struct ThreadSlot<V: 'static> {
    key: &'static LocalKey<ThreadState<V>>,
}

impl<V: 'static> ThreadSlot<V> {
    pub const fn new(key: &'static LocalKey<ThreadState<V>>) -> Self {
        ThreadSlot { key }
    }

    /// The thread a frame id was issued on.
    pub fn scope_of(frame_id: u64) -> u64 {
        scope_of(frame_id)
    }
}

impl<V> Slot<V> for ThreadState<V> {
    fn scope_id(&self) -> u64 {
        self.scope
    }

    fn next_frame_id(&self) -> u64 {
        let seq = self.next_seq.get().wrapping_add(1);
        self.next_seq.set(seq);
        self.scope << 32 | u64::from(seq)
    }

    fn head(&self) -> Option<Arc<Frame<V>>> {
        self.head.borrow().clone()
    }

    fn set_head(&self, head: Option<Arc<Frame<V>>>) {
        // Drop the old head after releasing the borrow: dropping a value may run code.
        let old = self.head.replace(head);
        drop(old);
    }

    fn note_ended(&self, frame: &Frame<V>) {
        let mut ids = self.ended_ids.borrow_mut();
        if ids.len() == ENDED_IDS_KEPT {
            ids.pop_front();
        }
        ids.push_back(frame.id());
    }
}

impl<V: 'static> Slot<V> for ThreadSlot<V> {
    fn scope_id(&self) -> u64 {
        self.key.try_with(|state| state.scope).unwrap_or(0)
    }

    fn next_frame_id(&self) -> u64 {
        self.key
            .try_with(|state| state.next_frame_id())
            .unwrap_or(0)
    }

    fn head(&self) -> Option<Arc<Frame<V>>> {
        // During thread teardown the state may be gone: nothing is current then.
        self.key.try_with(|state| state.head()).ok().flatten()
    }

    fn set_head(&self, head: Option<Arc<Frame<V>>>) {
        let _ = self.key.try_with(|state| state.set_head(head));
    }

    fn note_ended(&self, frame: &Frame<V>) {
        let _ = self.key.try_with(|state| state.note_ended(frame));
    }
}

/// The slots [`detach_id`] works on: those that issue ids as a [`ThreadState`] does and
/// remember which frames ended without their own detach.
pub trait IdSlot<V>: Slot<V> {
    /// Forgets `id` if it names a frame that ended without its own detach.
    fn take_ended(&self, id: u64) -> bool;
    /// Whether this scope has issued `id` (an id of another scope is not checked here).
    fn issued(&self, id: u64) -> bool;
}

impl<V> IdSlot<V> for ThreadState<V> {
    fn take_ended(&self, id: u64) -> bool {
        let mut ids = self.ended_ids.borrow_mut();
        match ids.iter().position(|&ended| ended == id) {
            Some(at) => {
                ids.remove(at);
                true
            }
            None => false,
        }
    }

    fn issued(&self, id: u64) -> bool {
        let seq = id & u64::from(u32::MAX);
        seq != 0 && seq <= u64::from(self.next_seq.get())
    }
}

impl<V: 'static> IdSlot<V> for ThreadSlot<V> {
    fn take_ended(&self, id: u64) -> bool {
        self.key
            .try_with(|state| IdSlot::take_ended(state, id))
            .unwrap_or(false)
    }

    fn issued(&self, id: u64) -> bool {
        self.key
            .try_with(|state| IdSlot::issued(state, id))
            .unwrap_or(false)
    }
}

/// Whether `id` could be a token: issued by the caller's scope, or by another scope
/// (a detach there is `wrong_scope`). Ids a scope never issued are no tokens at all.
pub fn is_token<V, S: IdSlot<V> + ?Sized>(slot: &S, id: u64) -> bool {
    let scope = scope_of(id);
    if scope != slot.scope_id() {
        return scope != 0 && scope < NEXT_THREAD.load(Ordering::Relaxed);
    }
    slot.issued(id)
}

/// Detaches by frame id, for bindings whose tokens are integers (C, Java) and whose
/// slot issues ids as a [`ThreadState`] does. An id from another thread is
/// `wrong_scope`; one that ended with an earlier attach or its task changes nothing;
/// any other id no longer on this thread's stack was already detached.
pub fn detach_id<V, S: IdSlot<V> + ?Sized>(slot: &S, id: u64) -> Result<Detached, Misuse> {
    if scope_of(id) != slot.scope_id() {
        record(Misuse::WrongScope, 1);
        return Err(Misuse::WrongScope);
    }
    match rules::find_frame(slot, id) {
        Some(frame) => rules::detach(slot, &Token::from_frame(frame)),
        None if slot.take_ended(id) => Ok(Detached::AlreadyEnded),
        None => {
            record(Misuse::DoubleDetach, 1);
            Err(Misuse::DoubleDetach)
        }
    }
}

/// The thread a frame id was issued on.
fn scope_of(frame_id: u64) -> u64 {
    frame_id >> 32
}
