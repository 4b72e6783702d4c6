"""ctxbridge: keep OpenTelemetry traces unbroken across threads, executors, processes
and queues.

Capture where work is submitted, run it in the capture, clean up after::

    from ctxbridge import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool, tracer.start_as_current_span("validate_payment"):
        pool.submit(fulfill, order_id)   # spans in fulfill are children of validate_payment

See :mod:`ctxbridge.handoff`, :mod:`ctxbridge.executors`, :mod:`ctxbridge.aio`,
:mod:`ctxbridge.queue`, :mod:`ctxbridge.propagator`, :mod:`ctxbridge.runtime` and
:mod:`ctxbridge.diagnostics`.

Names are imported on first use: OpenTelemetry imports ``ctxbridge.runtime`` while
``opentelemetry.context`` is still initialising (``OTEL_PYTHON_CONTEXT=ctxbridge``), so
importing the package must not pull in modules that need it finished.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "encode_baggage": "._native",
    "encode_tracestate": "._native",
    "format_traceparent": "._native",
    "parse_baggage": "._native",
    "parse_traceparent": "._native",
    "parse_tracestate": "._native",
    "run_in_executor": ".aio",
    "MisuseError": ".diagnostics",
    "get_mode": ".diagnostics",
    "reset_stats": ".diagnostics",
    "set_mode": ".diagnostics",
    "stats": ".diagnostics",
    "ProcessPoolExecutor": ".executors",
    "Thread": ".executors",
    "ThreadPoolExecutor": ".executors",
    "Timer": ".executors",
    "Snapshot": ".handoff",
    "attach": ".handoff",
    "capture": ".handoff",
    "detach": ".handoff",
    "run_in": ".handoff",
    "wrap": ".handoff",
    "CtxbridgePropagator": ".propagator",
    "Resume": ".queue",
    "decide": ".queue",
    "inject": ".queue",
    "resume": ".queue",
    "CtxbridgeRuntimeContext": ".runtime",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ctxbridge' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list:
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:
    from ._native import (
        encode_baggage,
        encode_tracestate,
        format_traceparent,
        parse_baggage,
        parse_traceparent,
        parse_tracestate,
    )
    from .aio import run_in_executor
    from .diagnostics import MisuseError, get_mode, reset_stats, set_mode, stats
    from .executors import ProcessPoolExecutor, Thread, ThreadPoolExecutor, Timer
    from .handoff import Snapshot, attach, capture, detach, run_in, wrap
    from .propagator import CtxbridgePropagator
    from .queue import Resume, decide, inject, resume
    from .runtime import CtxbridgeRuntimeContext
