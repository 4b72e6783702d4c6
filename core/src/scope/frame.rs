//! One entry of a scope's persistent stack.

use std::sync::atomic::{AtomicU32, AtomicU8, Ordering};
use std::sync::Arc;

/// Where a frame is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameState {
    /// Attached and not yet detached.
    Live = 0,
    /// Undone by a detach of its own token (in order or out of order). A second detach
    /// of it is `double_detach`.
    Detached = 1,
    /// Ended, still live, by something below it: an out-of-order detach of an earlier
    /// attach (rule 3) or the task wrapper it was leaked in (rule 6). It was counted as
    /// `leaked` then; a later detach of it changes nothing and is not counted again.
    Ended = 2,
}

/// A value made current by one `attach`, linked to what was current before it.
///
/// Frames are shared (`Arc`) and never mutated but for their state, so a copied slot
/// (an asyncio task, an ALS store) that holds the same head sees a consistent stack.
pub struct Frame<V> {
    value: V,
    parent: Option<Arc<Frame<V>>>,
    id: u64,
    scope: u64,
    depth: u32,
    /// Where it was attached, as a number of `sites`' table (0: not recorded).
    site: AtomicU32,
    state: AtomicU8,
}

impl<V> Frame<V> {
    pub(crate) fn new(value: V, parent: Option<Arc<Frame<V>>>, id: u64, scope: u64) -> Self {
        let depth = parent.as_ref().map_or(0, |p| p.depth).saturating_add(1);
        Frame {
            value,
            parent,
            id,
            scope,
            depth,
            site: AtomicU32::new(0),
            state: AtomicU8::new(FrameState::Live as u8),
        }
    }

    /// The host's value for this frame: the context it made current (Node: the store it
    /// was attached over, which a detach puts back).
    pub fn value(&self) -> &V {
        &self.value
    }

    /// What was current when this frame was attached.
    pub fn parent(&self) -> Option<&Arc<Frame<V>>> {
        self.parent.as_ref()
    }

    /// The id its token carries.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// How many frames this one is above the scope's base (1 for the first attach), so a
    /// host can keep its own objects in an array indexed by it.
    pub fn depth(&self) -> u32 {
        self.depth
    }

    /// The scope it was attached in.
    pub fn scope(&self) -> u64 {
        self.scope
    }

    /// The number of its attach site in `sites`' table (0: none recorded).
    pub(crate) fn site(&self) -> u32 {
        self.site.load(Ordering::Relaxed)
    }

    pub(crate) fn set_site(&self, site: u32) {
        self.site.store(site, Ordering::Relaxed);
    }

    pub fn state(&self) -> FrameState {
        match self.state.load(Ordering::Acquire) {
            0 => FrameState::Live,
            1 => FrameState::Detached,
            _ => FrameState::Ended,
        }
    }

    /// Moves a live frame to `state`; false if it was no longer live (another thread
    /// sharing a copied stack got there first).
    pub(crate) fn leave(&self, state: FrameState) -> bool {
        self.state
            .compare_exchange(
                FrameState::Live as u8,
                state as u8,
                Ordering::AcqRel,
                Ordering::Acquire,
            )
            .is_ok()
    }
}

impl<V> Drop for Frame<V> {
    /// Unlinks the parent chain iteratively so a long stack cannot overflow the
    /// native stack when its last reference goes.
    fn drop(&mut self) {
        let mut next = self.parent.take();
        while let Some(frame) = next {
            next = match Arc::try_unwrap(frame) {
                Ok(mut frame) => frame.parent.take(),
                Err(_) => None,
            };
        }
    }
}

impl<V: std::fmt::Debug> std::fmt::Debug for Frame<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Frame")
            .field("id", &self.id)
            .field("scope", &self.scope)
            .field("state", &self.state())
            .field("value", &self.value)
            .finish()
    }
}
