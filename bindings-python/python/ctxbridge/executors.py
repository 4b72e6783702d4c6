"""Context-propagating drop-ins for ``concurrent.futures`` and ``threading``.

Each captures where work is submitted (``submit``, ``start``) and runs it with
:func:`ctxbridge.run_in`, so spans started in the work are children of the span current
at submit time, and a pooled worker never carries one task's context into the next.
"""

from __future__ import annotations

import inspect
import threading
from concurrent import futures
from typing import Any, Callable, Dict, Tuple, Type, TypeVar

from typing_extensions import ParamSpec

from opentelemetry.context.context import Context

from . import _args
from .handoff import Snapshot, capture, run_sync
from .propagator import CtxbridgePropagator

__all__ = ["ThreadPoolExecutor", "ProcessPoolExecutor", "Thread", "Timer"]

R = TypeVar("R")
P = ParamSpec("P")


def _original(function: Callable[..., Any]) -> Callable[..., Any]:
    """The function under an instrumentation wrapper (``opentelemetry-instrumentation-
    threading`` wraps ``submit``, ``start`` and ``run`` to attach the submitter's
    context, which ctxbridge already does): calling it keeps to one attach per task."""
    return getattr(function, "__wrapped__", function)


class ThreadPoolExecutor(futures.ThreadPoolExecutor):
    """``concurrent.futures.ThreadPoolExecutor`` that carries the submitter's context."""

    def submit(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> "futures.Future[R]":
        _args.function("ThreadPoolExecutor.submit", "fn", fn)
        refuse_coroutine_function("ctxbridge.ThreadPoolExecutor.submit", fn)
        submit = _original(futures.ThreadPoolExecutor.submit)
        future: "futures.Future[R]" = submit(self, run_sync, capture(), fn, *args, **kwargs)
        return future


def refuse_coroutine_function(where: str, fn: Any) -> None:
    """A thread cannot run a coroutine function: calling it there only makes a coroutine
    that nothing awaits, and its spans would never start. Say so at the call."""
    if inspect.iscoroutinefunction(fn):
        raise TypeError(
            f"{where}: fn is a coroutine function, which a worker thread cannot run; "
            "await ctxbridge.run_in(ctxbridge.capture(), fn, ...) on the event loop instead"
        )


def _run_from_carrier(carrier: Dict[str, str], fn: Callable[..., R], args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> R:
    context = CtxbridgePropagator().extract(carrier, context=Context())
    return run_sync(context, fn, *args, **kwargs)


class ProcessPoolExecutor(futures.ProcessPoolExecutor):
    """``concurrent.futures.ProcessPoolExecutor`` that carries the submitter's trace and
    baggage to the child process as W3C headers (a context cannot be pickled).

    The child process needs its own tracer provider, set up in ``initializer``.
    """

    def submit(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> "futures.Future[R]":
        _args.function("ProcessPoolExecutor.submit", "fn", fn)
        refuse_coroutine_function("ctxbridge.ProcessPoolExecutor.submit", fn)
        carrier: Dict[str, str] = {}
        CtxbridgePropagator().inject(carrier)
        return super().submit(_run_from_carrier, carrier, fn, args, kwargs)


class _RunsInContextAtStart:
    """For ``threading`` classes: capture at ``start()``, run ``run()`` in the capture."""

    _ctxbridge_snapshot: Snapshot
    _ctxbridge_base: Type[threading.Thread]  # the threading class whose start/run this wraps

    def start(self) -> None:
        self._ctxbridge_snapshot = capture()
        _original(self._ctxbridge_base.start)(self)

    def run(self) -> None:
        run_sync(self._ctxbridge_snapshot, _original(self._ctxbridge_base.run), self)


class Thread(_RunsInContextAtStart, threading.Thread):
    """``threading.Thread`` whose ``run`` happens in the context current at ``start()``."""

    _ctxbridge_base = threading.Thread


class Timer(_RunsInContextAtStart, threading.Timer):
    """``threading.Timer`` whose function runs in the context current at ``start()``."""

    _ctxbridge_base = threading.Timer
