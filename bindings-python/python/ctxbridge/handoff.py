"""Capture → attach → detach, done once: :func:`capture`, :func:`run_in`, :func:`wrap`.

Capture happens where work is submitted, never in the worker. The worker runs in a copy
of the captured ``contextvars.Context`` with the captured OpenTelemetry context attached,
and the task wrapper restores everything on exit, counting attaches the task leaked, so
a pooled thread never carries one task's context into the next. Works with the default
runtime context and with ``OTEL_PYTHON_CONTEXT=ctxbridge``.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
import time
from typing import Any, Awaitable, Callable, Coroutine, Dict, Tuple, TypeVar, Union, overload

from opentelemetry import context as otel_context
from typing_extensions import ParamSpec, TypeAlias
from opentelemetry.context.context import Context

from . import _args, _native
from .diagnostics import report
from .runtime import CtxbridgeRuntimeContext

__all__ = ["Snapshot", "Token", "capture", "attach", "detach", "run_in", "wrap"]

R = TypeVar("R")
P = ParamSpec("P")

#: What :func:`attach` returns and :func:`detach` takes: ctxbridge's token under
#: ``OTEL_PYTHON_CONTEXT=ctxbridge``, else the ``contextvars`` token OpenTelemetry's
#: default runtime gives.
Token: TypeAlias = Union[_native.Token, "contextvars.Token[Context]"]


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


def attach(context: Context) -> Token:
    """Makes ``context`` current and returns a token for :func:`detach`."""
    _args.context("attach", "context", context)
    if _runtime_is_ctxbridge():
        return _native.attach(context)
    return otel_context.attach(context)


def detach(token: Token) -> None:
    """Undoes :func:`attach`. A misuse is counted and reported under the mode (in
    ``strict`` mode it raises :class:`ctxbridge.MisuseError`).

    Unlike ``opentelemetry.context.detach`` this does not swallow the strict-mode error.
    With the default runtime context only misuse that ``contextvars`` itself notices
    (another Context, a token used twice) is detected.
    """
    if _runtime_is_ctxbridge():
        # Any other object is refused by the core with ctxbridge's own TypeError.
        _native.detach(token)  # type: ignore[arg-type]
        return
    if not isinstance(token, contextvars.Token):
        raise _args.type_error("detach", "token", "a token returned by attach()", token)
    runtime = otel_context._RUNTIME_CONTEXT  # the configured runtime, e.g. contextvars
    try:
        runtime.detach(token)
    except ValueError:  # contextvars: "created in a different Context"
        _native.record("wrong_scope", 1)
        report("wrong_scope")
    except RuntimeError:  # contextvars: "has already been used once"
        _native.record("double_detach", 1)
        report("double_detach")


def _enter(context: Context) -> Tuple[bool, Any, Any]:
    """Attaches ``context`` for a task and notes the stack under it (rule 6)."""
    if _runtime_is_ctxbridge():
        token = _native.attach(context)
        return True, token, _native.enter_task(token)
    return False, otel_context.attach(context), _native.enter_task()


def _exit(context: Context, native: bool, token: Any, marker: Any) -> None:
    """Restores the stack noted by :func:`_enter`, detaching the task's own attach and
    counting (then reporting) what the task left attached."""
    leaked = _native.exit_task(marker)  # with the ctxbridge runtime, also detaches `token`
    if not native:
        if not leaked and otel_context.get_current() is not context:
            # The default runtime keeps no stack: a task that returns with another
            # context current left at least one attach behind.
            leaked = 1
            _native.record("leaked", 1)
        detach(token)
    if leaked:
        report("leaked")


def _run_task(context: Context, fn: Callable[..., R], args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> R:
    native, token, marker = _enter(context)
    try:
        return fn(*args, **kwargs)
    finally:
        _exit(context, native, token, marker)


async def _run_task_async(
    context: Context, fn: Callable[..., Awaitable[R]], args: Tuple[Any, ...], kwargs: Dict[str, Any]
) -> R:
    native, token, marker = _enter(context)
    try:
        return await fn(*args, **kwargs)
    finally:
        _exit(context, native, token, marker)


async def _as_task(variables: contextvars.Context, coroutine: Coroutine[Any, Any, R]) -> R:
    """Runs ``coroutine`` as an asyncio task of its own, started in ``variables``."""
    return await variables.run(asyncio.ensure_future, coroutine)


@overload
def run_in(
    target: Union[Snapshot, Context], fn: Callable[P, Coroutine[Any, Any, R]], /, *args: P.args, **kwargs: P.kwargs
) -> Coroutine[Any, Any, R]: ...
@overload
def run_in(target: Union[Snapshot, Context], fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R: ...
def run_in(target: Union[Snapshot, Context], fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """Runs ``fn(*args, **kwargs)`` in ``target`` (a :class:`Snapshot`, or an
    OpenTelemetry ``Context`` as the seed's ``context.get_current()`` returns) with task
    hygiene: on return, whatever ``fn`` left attached is detached and counted as leaked.

    A coroutine function gives a coroutine to await: it runs as an asyncio task of its
    own, in ``target`` across every ``await``, and the hygiene runs when it finishes
    (returns, raises or is cancelled)."""
    _args.function("run_in", "fn", fn)
    if inspect.iscoroutinefunction(fn):
        variables, context = _unpack(target)
        return _as_task(variables, _run_task_async(context, fn, args, kwargs))
    return run_sync(target, fn, *args, **kwargs)


def run_sync(target: Union[Snapshot, Context], fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> R:
    """:func:`run_in` for a plain function (what executors and threads run; their
    callers check ``fn`` once, at submit)."""
    variables, context = _unpack(target)
    return variables.run(_run_task, context, fn, args, kwargs)


def _unpack(target: Union[Snapshot, Context]) -> Tuple[contextvars.Context, Context]:
    """The variables to run in (a copy) and the OpenTelemetry context to attach."""
    if isinstance(target, Snapshot):
        return target._vars.copy(), target.context
    if isinstance(target, Context):
        return contextvars.copy_context(), target
    raise _args.type_error("run_in", "target", "a ctxbridge.Snapshot or an OpenTelemetry Context", target)


def wrap(fn: Callable[P, R]) -> Callable[P, R]:
    """Captures now; the returned callable runs ``fn`` in the capture wherever it is called.
    A coroutine function gives a coroutine function (see :func:`run_in`)."""
    _args.function("wrap", "fn", fn)
    snapshot = capture()

    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def wrapped_async(*args: Any, **kwargs: Any) -> Any:
            return await run_in(snapshot, fn, *args, **kwargs)

        return wrapped_async  # type: ignore[return-value]

    @functools.wraps(fn)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        return run_sync(snapshot, fn, *args, **kwargs)

    return wrapped
