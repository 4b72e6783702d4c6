//! The scope rules on a `ContextVar`: what `CtxbridgeRuntimeContext` calls.
//!
//! The variable holds a [`Token`] (one frame of the persistent stack) or `None`.
//! `contextvars` copies the variable into every asyncio task and `copy_context()`, so
//! each of those is its own scope, as DESIGN section 4 asks. Whether a frame belongs to
//! the caller's scope is asked of `contextvars` itself: resetting the `contextvars.Token`
//! of the `set` that made the frame current raises `ValueError` in any other Context.

use std::cell::RefCell;
use std::ffi::c_int;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use ctxbridge_core::scope::{self, Frame, Slot, TaskMark};
use pyo3::exceptions::PyValueError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

use crate::args;
use crate::diagnostics;

/// What one frame holds: the OpenTelemetry `Context` it made current, and the
/// `contextvars.Token` of the `set` that did so.
pub struct Entry {
    context: Py<PyAny>,
    set_token: OnceLock<Py<PyAny>>,
}

/// The token `attach` returns. The `ContextVar` holds these too.
/// A freelist keeps attach/detach from allocating a Python object each time.
#[pyclass(frozen, freelist = 256, module = "ctxbridge._native")]
pub struct Token {
    frame: Arc<Frame<Entry>>,
}

#[pymethods]
impl Token {
    /// The `Context` this token attached.
    #[getter]
    fn context(&self, py: Python<'_>) -> Py<PyAny> {
        self.frame.value().context.clone_ref(py)
    }

    /// Whether the attach is still in effect.
    #[getter]
    fn live(&self) -> bool {
        self.frame.state() == scope::FrameState::Live
    }

    fn __repr__(&self) -> String {
        format!(
            "<ctxbridge Token {} {:?}>",
            self.frame.id(),
            self.frame.state()
        )
    }
}

/// What was current when a task started; see `enter_task`.
#[pyclass(frozen, module = "ctxbridge._native")]
pub struct TaskMarker {
    mark: Mutex<Option<TaskMark<Entry>>>,
}

static VAR: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static EMPTY_CONTEXT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static NEXT_FRAME: AtomicU64 = AtomicU64::new(1);

/// The slot as seen by one native call.
struct ContextVarSlot<'py> {
    py: Python<'py>,
    var: *mut ffi::PyObject,
    /// Set by `owns` when it reset the variable; settled by `set_head` or, failing
    /// that, by `Drop` (which puts the value back).
    pending: RefCell<Option<PendingReset>>,
    /// The token object `set_head` put in the variable last, for `attach` to return.
    last_set: RefCell<Option<Py<Token>>>,
    /// The variable's value when `head` read it, so `owns` need not read it again.
    head_value: RefCell<Option<Py<PyAny>>>,
}

/// The variable after `owns` reset it to what it held before a frame was attached.
struct PendingReset {
    /// The value it held before the reset, to put back unless a detach settles it.
    before: Py<PyAny>,
    /// The frame it holds now: the detached frame's parent (or none).
    holds: Option<Arc<Frame<Entry>>>,
}

impl<'py> ContextVarSlot<'py> {
    fn new(py: Python<'py>) -> Self {
        let var = VAR
            .get(py)
            .expect("the module created its ContextVar")
            .as_ptr();
        ContextVarSlot {
            py,
            var,
            pending: RefCell::new(None),
            last_set: RefCell::new(None),
            head_value: RefCell::new(None),
        }
    }

    /// The variable's value: a new reference, or `None` when it has none.
    fn value(&self) -> Option<Bound<'py, PyAny>> {
        let mut out: *mut ffi::PyObject = std::ptr::null_mut();
        // SAFETY: `var` is a live ContextVar; `out` receives a new reference or NULL.
        let status = unsafe { ffi::PyContextVar_Get(self.var, std::ptr::null_mut(), &mut out) };
        if status < 0 {
            // SAFETY: the GIL is held; clearing the error keeps the call infallible.
            unsafe { ffi::PyErr_Clear() };
            return None;
        }
        // SAFETY: `out` is a new reference or NULL.
        unsafe { Bound::from_owned_ptr_or_opt(self.py, out) }
    }

    fn frame_of(value: &Bound<'py, PyAny>) -> Option<Arc<Frame<Entry>>> {
        value
            .cast::<Token>()
            .ok()
            .map(|token| Arc::clone(&token.get().frame))
    }

    /// Sets the variable; returns the `contextvars.Token`.
    fn set(&self, value: *mut ffi::PyObject) -> Option<Py<PyAny>> {
        // SAFETY: `var` is a ContextVar and `value` a live object; returns a new reference.
        let token = unsafe { ffi::PyContextVar_Set(self.var, value) };
        // SAFETY: a new reference or NULL with an error set.
        let token = unsafe { Bound::from_owned_ptr_or_opt(self.py, token) };
        if token.is_none() {
            // SAFETY: the GIL is held.
            unsafe { ffi::PyErr_Clear() };
        }
        token.map(Bound::unbind)
    }
}

impl Drop for ContextVarSlot<'_> {
    fn drop(&mut self) {
        if let Some(pending) = self.pending.borrow_mut().take() {
            self.set(pending.before.as_ptr());
        }
    }
}

impl Slot<Entry> for ContextVarSlot<'_> {
    /// Scopes are told apart by `owns`, not by number.
    fn scope_id(&self) -> u64 {
        0
    }

    fn next_frame_id(&self) -> u64 {
        NEXT_FRAME.fetch_add(1, Ordering::Relaxed)
    }

    fn head(&self) -> Option<Arc<Frame<Entry>>> {
        let value = self.value();
        let frame = value.as_ref().and_then(Self::frame_of);
        *self.head_value.borrow_mut() = value.map(Bound::unbind);
        frame
    }

    fn set_head(&self, head: Option<Arc<Frame<Entry>>>) {
        let pending = self.pending.borrow_mut().take();
        if let Some(PendingReset { holds: now, .. }) = pending {
            // `owns` reset the variable to what it held before the detached frame was
            // attached; when that is the frame to restore, there is nothing to set.
            let same = match (&now, &head) {
                (Some(now), Some(head)) => Arc::ptr_eq(now, head),
                (None, None) => true,
                _ => false,
            };
            if same {
                return;
            }
        }
        match head {
            None => {
                self.set(self.py.None().as_ptr());
            }
            Some(frame) => {
                let Ok(token) = Py::new(
                    self.py,
                    Token {
                        frame: Arc::clone(&frame),
                    },
                ) else {
                    return;
                };
                if let Some(set_token) = self.set(token.as_ptr()) {
                    let _ = frame.value().set_token.set(set_token);
                }
                *self.last_set.borrow_mut() = Some(token);
            }
        }
    }

    fn owns(&self, frame: &Frame<Entry>) -> bool {
        let Some(set_token) = frame.value().set_token.get() else {
            return false;
        };
        let before = match self.head_value.borrow_mut().take() {
            Some(value) => Some(value),
            None => self.value().map(Bound::unbind),
        };
        // SAFETY: `var` is a ContextVar and `set_token` a token it returned.
        let status: c_int = unsafe { ffi::PyContextVar_Reset(self.var, set_token.as_ptr()) };
        if status < 0 {
            // ValueError: the token was created in another Context (another task, a
            // copied context, another thread). Nothing changed.
            // SAFETY: the GIL is held.
            unsafe { ffi::PyErr_Clear() };
            return false;
        }
        *self.pending.borrow_mut() = Some(PendingReset {
            before: before.unwrap_or_else(|| self.py.None()),
            holds: frame.parent().cloned(),
        });
        true
    }
}

/// Makes `context` current in the calling Context; returns the token.
#[pyfunction]
fn attach(py: Python<'_>, context: &Bound<'_, PyAny>) -> PyResult<Py<Token>> {
    // OpenTelemetry's Context is a dict: one flag test refuses None and the like here,
    // before a span start would trip over them.
    if !context.is_instance_of::<PyDict>() {
        return Err(args::type_error(
            context,
            "attach",
            "context",
            "an OpenTelemetry Context",
        ));
    }
    let context = context.clone().unbind();
    let slot = ContextVarSlot::new(py);
    scope::attach(
        &slot,
        Entry {
            context,
            set_token: OnceLock::new(),
        },
    );
    let token = slot.last_set.borrow_mut().take();
    let token =
        token.ok_or_else(|| PyValueError::new_err("ctxbridge: the ContextVar could not be set"))?;
    diagnostics::note_attach_site(py, &token.get().frame);
    Ok(token)
}

/// Undoes an attach under the scope rules; a misuse goes to the reporter (which logs,
/// or raises `MisuseError` in strict mode).
#[pyfunction]
fn detach(py: Python<'_>, token: &Bound<'_, PyAny>) -> PyResult<()> {
    let Ok(token) = token.cast::<Token>() else {
        return Err(args::type_error(
            token,
            "detach",
            "token",
            "a token returned by attach()",
        ));
    };
    let outcome = {
        let slot = ContextVarSlot::new(py);
        scope::detach(
            &slot,
            &scope::Token::from_frame(Arc::clone(&token.get().frame)),
        )
    };
    match outcome {
        Ok(_) => Ok(()),
        Err(misuse) => diagnostics::report(py, misuse),
    }
}

/// The `Context` current in the calling Context (an empty one when nothing is attached).
#[pyfunction]
fn get_current(py: Python<'_>) -> PyResult<Py<PyAny>> {
    let slot = ContextVarSlot::new(py);
    match slot.head() {
        Some(frame) => Ok(frame.value().context.clone_ref(py)),
        None => Ok(EMPTY_CONTEXT
            .get(py)
            .ok_or_else(|| PyValueError::new_err("ctxbridge: call set_empty_context() first"))?
            .clone_ref(py)),
    }
}

/// Notes what is current before a task runs (DESIGN rule 6). Given `own`, the token of
/// the attach the wrapper has just made for the task, notes what was current before it,
/// so that `exit_task` also detaches `own`, whatever the task did to it.
#[pyfunction]
#[pyo3(signature = (own=None))]
fn enter_task(py: Python<'_>, own: Option<&Bound<'_, Token>>) -> TaskMarker {
    let mark = match own {
        Some(own) => {
            scope::enter_task_over(&scope::Token::from_frame(Arc::clone(&own.get().frame)))
        }
        None => scope::enter_task(&ContextVarSlot::new(py)),
    };
    TaskMarker {
        mark: Mutex::new(Some(mark)),
    }
}

/// Restores what `enter_task` noted, detaching (and counting) what the task leaked.
/// Returns how many attaches leaked; reporting them is the caller's.
#[pyfunction]
fn exit_task(py: Python<'_>, marker: &TaskMarker) -> u64 {
    let mark = marker.mark.lock().map(|mut m| m.take()).unwrap_or(None);
    match mark {
        Some(mark) => scope::exit_task(&ContextVarSlot::new(py), mark),
        None => 0,
    }
}

/// The `Context` returned when nothing is attached (OpenTelemetry's empty `Context()`).
#[pyfunction]
fn set_empty_context(py: Python<'_>, context: Py<PyAny>) {
    let _ = EMPTY_CONTEXT.set(py, context);
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    VAR.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        // SAFETY: creates a new ContextVar with no default; a new reference or NULL.
        let var =
            unsafe { ffi::PyContextVar_New(c"ctxbridge_current".as_ptr(), std::ptr::null_mut()) };
        // SAFETY: a new reference, or NULL with the error set.
        Ok(unsafe { Bound::from_owned_ptr_or_err(py, var)? }.unbind())
    })?;
    m.add_class::<Token>()?;
    m.add_class::<TaskMarker>()?;
    m.add_function(wrap_pyfunction!(attach, m)?)?;
    m.add_function(wrap_pyfunction!(detach, m)?)?;
    m.add_function(wrap_pyfunction!(get_current, m)?)?;
    m.add_function(wrap_pyfunction!(enter_task, m)?)?;
    m.add_function(wrap_pyfunction!(exit_task, m)?)?;
    m.add_function(wrap_pyfunction!(set_empty_context, m)?)?;
    Ok(())
}
