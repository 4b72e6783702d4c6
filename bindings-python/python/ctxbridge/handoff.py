"""Capture → attach → detach, done once: :func:`capture`, :func:`run_in`, :func:`wrap`.

Capture happens where work is submitted, never in the worker. The worker runs in a copy
of the captured ``contextvars.Context`` with the captured OpenTelemetry context attached,
and the task wrapper restores everything on exit, counting attaches the task leaked, so
a pooled thread never carries one task's context into the next. Works with the default
runtime context and with ``OTEL_PYTHON_CONTEXT=ctxbridge``.
"""

from __future__ import annotations

import contextvars
import functools
import time
from typing import Any, Callable, TypeVar, Union

from opentelemetry import context as otel_context
from opentelemetry.context.context import Context

from . import _native
from .diagnostics import report
from .runtime import CtxbridgeRuntimeContext

__all__ = ["Snapshot", "capture", "attach", "detach", "run_in", "wrap"]

R = TypeVar("R")


class Snapshot:
    """The OpenTelemetry context (and every other ``ContextVar``) current where work was
    handed off, and when. Immutable; cheap to create; safe to share between threads."""

    __slots__ = ("context", "captured_at", "_vars")

    def __init__(self, context: Context, variables: contextvars.Context, captured_at: float) -> None:
        self.context = context
        self.captured_at = captured_at
        self._vars = variables

    def __repr__(self) -> str:
        return f"<ctxbridge.Snapshot captured_at={self.captured_at:.6f} keys={list(self.context)}>"


def capture() -> Snapshot:
    """Snapshots the current context: call it where the work is submitted."""
    return Snapshot(otel_context.get_current(), contextvars.copy_context(), time.time())


def _runtime_is_ctxbridge() -> bool:
    return isinstance(getattr(otel_context, "_RUNTIME_CONTEXT", None), CtxbridgeRuntimeContext)


def attach(context: Context) -> Any:
    """Makes ``context`` current and returns a token for :func:`detach`."""
    if _runtime_is_ctxbridge():
        return _native.attach(context)
    return otel_context.attach(context)


def detach(token: Any) -> None:
    """Undoes :func:`attach`. A misuse is counted and reported under the mode (in
    ``strict`` mode it raises :class:`ctxbridge.MisuseError`).

    Unlike ``opentelemetry.context.detach`` this does not swallow the strict-mode error.
    With the default runtime context only misuse that ``contextvars`` itself notices
    (another Context, a token used twice) is detected.
    """
    if _runtime_is_ctxbridge():
        _native.detach(token)
        return
    runtime = otel_context._RUNTIME_CONTEXT  # the configured runtime, e.g. contextvars
    try:
        runtime.detach(token)
    except ValueError:  # contextvars: "created in a different Context"
        _native.record("wrong_scope", 1)
        report("wrong_scope")
    except RuntimeError:  # contextvars: "has already been used once"
        _native.record("double_detach", 1)
        report("double_detach")


def _run_task(context: Context, fn: Callable[..., R], args: tuple, kwargs: dict) -> R:
    native = _runtime_is_ctxbridge()  # once per task, not once per step
    token: Any = _native.attach(context) if native else otel_context.attach(context)
    marker = _native.enter_task()
    try:
        return fn(*args, **kwargs)
    finally:
        leaked = _native.exit_task(marker)
        if not leaked and not native and otel_context.get_current() is not context:
            # The default runtime keeps no stack: a task that returns with another
            # context current left at least one attach behind.
            leaked = 1
            _native.record("leaked", 1)
        if native:
            _native.detach(token)
        else:
            detach(token)
        if leaked:
            report("leaked")


def run_in(target: Union[Snapshot, Context], fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> R:
    """Runs ``fn(*args, **kwargs)`` in ``target`` (a :class:`Snapshot`, or an
    OpenTelemetry ``Context`` as the seed's ``context.get_current()`` returns) with task
    hygiene: on return, whatever ``fn`` left attached is detached and counted as leaked."""
    if isinstance(target, Snapshot):
        variables, context = target._vars.copy(), target.context
    else:
        variables, context = contextvars.copy_context(), target
    return variables.run(_run_task, context, fn, args, kwargs)


def wrap(fn: Callable[..., R]) -> Callable[..., R]:
    """Captures now; the returned callable runs ``fn`` in the capture wherever it is called."""
    snapshot = capture()

    @functools.wraps(fn)
    def wrapped(*args: Any, **kwargs: Any) -> R:
        return run_in(snapshot, fn, *args, **kwargs)

    return wrapped
