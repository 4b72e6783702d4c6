//! The scope rules for Java's `ContextStorage`: one native stack per Java thread
//! (virtual threads included), owned by that thread's `ThreadLocal` entry and passed
//! in as a `long`. Java keeps each frame's `Context` beside the frame id; the rules
//! decide, and answer with numbers.

use std::cell::RefCell;

use ctxbridge_core::bridge::codes::{detach_answer, exit_answer, misuse_of_code, DetachCode};
use ctxbridge_core::scope::{self, Slot, TaskMark, ThreadState};
use jni::errors::ThrowRuntimeExAndDefault;
use jni::objects::{JByteArray, JClass, JLongArray};
use jni::sys::{jint, jlong};
use jni::EnvUnowned;

use crate::bytes;
use crate::guard::catch;
use std::panic::AssertUnwindSafe;

/// One Java thread's stack and the marks of the tasks running on it (nested tasks run
/// inline, so the marks nest).
struct JavaScope {
    stack: ThreadState<()>,
    marks: RefCell<Vec<TaskMark<()>>>,
}

/// Runs `work` on the scope behind a handle from
/// [`Java_io_ctxbridge_internal_Native_newScope`]; `fallback` for a zero handle or a
/// caught panic.
///
/// The handle is passed only by the thread that owns it (Java reads it from that
/// thread's `ThreadLocal`) and freed only once that thread's entry is unreachable.
fn with_scope<T: Copy>(handle: jlong, fallback: T, work: impl FnOnce(&JavaScope) -> T) -> T {
    catch(
        fallback,
        AssertUnwindSafe(|| {
            // SAFETY: see above; a zero handle is rejected.
            match unsafe { (handle as *const JavaScope).as_ref() } {
                Some(scope) => work(scope),
                None => fallback,
            }
        }),
    )
}

#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_newScope(
    _env: EnvUnowned<'_>,
    _class: JClass<'_>,
) -> jlong {
    catch(0, || {
        Box::into_raw(Box::new(JavaScope {
            stack: ThreadState::new(),
            marks: RefCell::new(Vec::new()),
        })) as jlong
    })
}

/// Frees a scope; run by Java's `Cleaner` after the owning thread's entry is gone.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_freeScope(
    _env: EnvUnowned<'_>,
    _class: JClass<'_>,
    handle: jlong,
) {
    catch((), || {
        if handle != 0 {
            // SAFETY: the handle came from Box::into_raw in newScope and is freed once.
            drop(unsafe { Box::from_raw(handle as *mut JavaScope) });
        }
    })
}

/// Rule 1: pushes a frame; returns its id (`thread << 32 | sequence`), 0 on failure.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_attach(
    _env: EnvUnowned<'_>,
    _class: JClass<'_>,
    handle: jlong,
) -> jlong {
    with_scope(handle, 0, |scope| {
        scope::attach(&scope.stack, ()).id() as jlong
    })
}

/// Records `site` (UTF-8: `Class.method(File.java:line)`) as where the frame now on top of
/// `handle`'s stack, the one just attached, was attached. Called only while attach sites are
/// recorded.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_noteSite<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    handle: jlong,
    site: JByteArray<'local>,
    site_len: jint,
) {
    env.with_env(|env| -> jni::errors::Result<()> {
        bytes::with_text(env, &site, site_len, |site| {
            with_scope(handle, (), |scope| {
                if let Some(head) = scope.stack.head() {
                    scope::note_frame_site(&head, site);
                }
            })
        })
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// Rules 2–5 for the frame `id`, closed on the thread owning `handle`: the core's
/// [`detach_answer`], a [`DetachCode`] (see [`Java_io_ctxbridge_internal_Native_detachCodes`])
/// in the low byte and the depth of the frame now current above it, so Java, which keeps
/// the `Context`s in an array by depth, knows which one is current without a stack of its
/// own.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_detach(
    _env: EnvUnowned<'_>,
    _class: JClass<'_>,
    handle: jlong,
    id: jlong,
) -> jlong {
    let failed = detach_answer(DetachCode::Failed, 0);
    with_scope(handle, failed, |scope| {
        let code = DetachCode::of(scope::detach_id(&scope.stack, id as u64));
        detach_answer(code, current_depth(scope))
    })
}

/// The depth of the frame current on this thread (0: nothing attached).
fn current_depth(scope: &JavaScope) -> u32 {
    scope.stack.head().map_or(0, |head| head.depth())
}

/// The core's detach codes, in [`DetachCode::ALL`] order, so `Native`'s constants are the
/// core's own numbers rather than a copy.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_detachCodes<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
) -> JLongArray<'local> {
    env.with_env(|env| -> jni::errors::Result<JLongArray<'local>> {
        let codes: Vec<jlong> = DetachCode::ALL
            .iter()
            .map(|c| jlong::from(c.code()))
            .collect();
        let array = env.new_long_array(codes.len())?;
        array.set_region(env, 0, &codes)?;
        Ok(array)
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}

/// Rule 6: notes the stack under `own`, the frame the task wrapper has just attached for
/// the task (the top of the stack); returns the depth to pass to exitTask, -1 if `own`
/// is not the top.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_enterTask(
    _env: EnvUnowned<'_>,
    _class: JClass<'_>,
    handle: jlong,
    own: jlong,
) -> jint {
    with_scope(handle, -1, |scope| {
        let Some(frame) = scope.stack.head().filter(|head| head.id() == own as u64) else {
            return -1;
        };
        let mut marks = scope.marks.borrow_mut();
        marks.push(scope::enter_task_over(&scope::Token::from_frame(frame)));
        marks.len() as jint
    })
}

/// Rule 6: restores the stack noted by enterTask at `depth`, detaching the task's own
/// frame and (counting them as leaked) whatever the task left attached, whatever the task
/// did to its own frame. Returns the core's [`exit_answer`]: how many leaked, and the
/// depth of the frame now current.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_exitTask(
    _env: EnvUnowned<'_>,
    _class: JClass<'_>,
    handle: jlong,
    depth: jint,
) -> jlong {
    with_scope(handle, -1, |scope| {
        let depth = usize::try_from(depth).unwrap_or(0);
        let mut leaked = 0;
        // Pops down to the mark at `depth`; marks above it belong to inner tasks whose
        // wrappers never exited (an exception skipped them), and are cleaned up first.
        loop {
            let mark = {
                let mut marks = scope.marks.borrow_mut();
                if depth == 0 || marks.len() < depth {
                    break;
                }
                marks.pop()
            };
            match mark {
                Some(mark) => leaked += scope::exit_task(&scope.stack, mark),
                None => break,
            }
        }
        exit_answer(leaked, current_depth(scope))
    })
}

/// Applies the mode to a misuse the rules counted at `site` (UTF-8 bytes): `null` when
/// nothing is to be done (off, or this site was already warned about), else the
/// message, which Java logs (warn) or throws (strict).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_ctxbridge_internal_Native_judge<'local>(
    mut env: EnvUnowned<'local>,
    _class: JClass<'local>,
    misuse: jint,
    site: JByteArray<'local>,
    site_len: jint,
) -> JByteArray<'local> {
    env.with_env(|env| -> jni::errors::Result<JByteArray<'local>> {
        let Some(misuse) = misuse_of_code(misuse) else {
            return Ok(JByteArray::default());
        };
        let mut message = None;
        let site = bytes::with_bytes(env, &site, site_len, |b| bytes::text_of(b).into_owned())?;
        if let Err(error) = scope::report_with(misuse, &site, |e| message = Some(e.to_string())) {
            message = Some(error.to_string());
        }
        match message {
            Some(text) => bytes::to_java(env, text.as_bytes()),
            None => Ok(JByteArray::default()),
        }
    })
    .resolve::<ThrowRuntimeExAndDefault>()
}
