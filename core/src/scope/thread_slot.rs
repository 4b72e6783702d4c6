//! The slot for bindings whose execution scope is an OS thread (Rust, C, Java).

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::LocalKey;

use super::frame::Frame;
use super::rules::Slot;

/// Thread numbers start at 1 so that 0 never names a scope.
static NEXT_THREAD: AtomicU64 = AtomicU64::new(1);

/// One thread's stack. Declare it in a `thread_local!` and read it through [`ThreadSlot`].
pub struct ThreadState<V> {
    scope: u64,
    next_seq: Cell<u32>,
    head: RefCell<Option<Arc<Frame<V>>>>,
}

impl<V> ThreadState<V> {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        ThreadState {
            scope: NEXT_THREAD.fetch_add(1, Ordering::Relaxed),
            next_seq: Cell::new(0),
            head: RefCell::new(None),
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
        frame_id >> 32
    }
}

impl<V: 'static> Slot<V> for ThreadSlot<V> {
    fn scope_id(&self) -> u64 {
        self.key.try_with(|state| state.scope).unwrap_or(0)
    }

    fn next_frame_id(&self) -> u64 {
        self.key
            .try_with(|state| {
                let seq = state.next_seq.get().wrapping_add(1);
                state.next_seq.set(seq);
                state.scope << 32 | u64::from(seq)
            })
            .unwrap_or(0)
    }

    fn head(&self) -> Option<Arc<Frame<V>>> {
        // During thread teardown the state may be gone: nothing is current then.
        self.key
            .try_with(|state| state.head.borrow().clone())
            .ok()
            .flatten()
    }

    fn set_head(&self, head: Option<Arc<Frame<V>>>) {
        // Drop the old head after releasing the borrow: dropping a value may run code.
        let old = self.key.try_with(|state| state.head.replace(head)).ok();
        drop(old);
    }
}
