//! Capture → attach → detach for Rust threads, on a thread-local stack of [`Snapshot`]s.
//!
//! Capture happens where work is handed off ([`wrap`], [`spawn`]), never inside the
//! worker; the worker runs in the snapshot with task hygiene ([`run_in`]), so a pooled
//! thread never carries one task's context into the next.

use std::panic::Location;
use std::time::SystemTime;

use crate::scope::{self, Detached, MisuseError, ThreadSlot, ThreadState, Token};
use crate::snapshot::Snapshot;

thread_local! {
    static SNAPSHOTS: ThreadState<Snapshot> = ThreadState::new();
}

/// The calling thread's slot of snapshots.
pub fn thread_slot() -> ThreadSlot<Snapshot> {
    ThreadSlot::new(&SNAPSHOTS)
}

/// What is current on this thread (empty when nothing is attached).
pub fn current() -> Snapshot {
    scope::current(&thread_slot()).unwrap_or_default()
}

/// What is current on this thread, stamped with the capture time: call it where work
/// is submitted, not in the worker.
pub fn capture() -> Snapshot {
    current().with_captured_at(SystemTime::now())
}

/// Makes `snapshot` current on this thread until the token is detached. When attach
/// sites are recorded, the caller's file and line is noted, for a report that finds this
/// attach left open.
#[track_caller]
pub fn attach(snapshot: Snapshot) -> Token<Snapshot> {
    let token = scope::attach(&thread_slot(), snapshot);
    if scope::recording_attach_sites() {
        scope::note_attach_site(&token, &Location::caller().to_string());
    }
    token
}

/// Undoes an [`attach`]. Misuse is counted, then logged (warn) or returned (strict).
#[track_caller]
pub fn detach(token: &Token<Snapshot>) -> Result<(), MisuseError> {
    match scope::detach(&thread_slot(), token) {
        Ok(_) => Ok(()),
        Err(misuse) => scope::report(misuse, &Location::caller().to_string()),
    }
}

/// Detaches by frame id, for bindings whose tokens are integers (C, Java).
/// An id from another thread is `wrong_scope`; see [`scope::detach_id`].
pub fn detach_id(id: u64) -> Result<Detached, scope::Misuse> {
    scope::detach_id(&thread_slot(), id)
}

/// Whether `id` is a token some thread issued (for bindings whose tokens are integers).
pub fn was_issued(id: u64) -> bool {
    scope::is_token(&thread_slot(), id)
}

/// Runs `work` with `snapshot` current, then restores what was current before,
/// detaching (and counting as leaked) anything `work` attached and left live, even
/// if `work` panics. A leak is reported under the diagnostics mode.
pub fn run_in<R>(snapshot: &Snapshot, work: impl FnOnce() -> R) -> R {
    let (result, leaked) = run_task(snapshot, work);
    if leaked > 0 {
        let _ = scope::report(scope::Misuse::Leaked, "ctxbridge::run_in");
    }
    result
}

/// [`run_in`] that returns how many attaches `work` leaked instead of reporting them,
/// for bindings that report through their own language (the C ABI).
pub fn run_task<R>(snapshot: &Snapshot, work: impl FnOnce() -> R) -> (R, u64) {
    let task = TaskGuard::enter(snapshot);
    let result = work();
    (result, task.finish())
}

/// Captures now and returns work that runs in the capture wherever it is called.
pub fn wrap<R, F>(work: F) -> impl FnOnce() -> R + Send
where
    F: FnOnce() -> R + Send,
{
    let snapshot = capture();
    move || run_in(&snapshot, work)
}

/// `std::thread::spawn` with the caller's context carried into the new thread.
pub fn spawn<R, F>(work: F) -> std::thread::JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    std::thread::spawn(wrap(work))
}

/// Restores what was current around a task. `finish` does it when the task returns;
/// `Drop` does it when the task panics, so a panicking task is cleaned up too.
struct TaskGuard {
    slot: ThreadSlot<Snapshot>,
    /// What was current before the task, and the attach made for it; taken by the
    /// first cleanup.
    mark: Option<scope::TaskMark<Snapshot>>,
}

impl TaskGuard {
    fn enter(snapshot: &Snapshot) -> Self {
        let slot = thread_slot();
        let own = scope::attach(&slot, snapshot.clone());
        TaskGuard {
            mark: Some(scope::enter_task_over(&own)),
            slot,
        }
    }

    /// Restores the caller's stack whatever the task did (even a detach of the frame
    /// made for it, reached by id): detaches the task's own attach and what the task
    /// leaked, returning how many leaked.
    fn finish(mut self) -> u64 {
        self.cleanup()
    }

    fn cleanup(&mut self) -> u64 {
        match self.mark.take() {
            Some(mark) => scope::exit_task(&self.slot, mark),
            None => 0,
        }
    }
}

impl Drop for TaskGuard {
    fn drop(&mut self) {
        if self.cleanup() > 0 {
            let _ = scope::report(scope::Misuse::Leaked, "ctxbridge::run_in");
        }
    }
}
