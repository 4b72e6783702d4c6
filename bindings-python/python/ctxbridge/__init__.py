"""ctxbridge: keep OpenTelemetry traces unbroken across threads, executors, processes
and queues.

Capture where work is submitted, run it in the capture, clean up after::

    from ctxbridge import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool, tracer.start_as_current_span("validate_payment"):
        pool.submit(fulfill, order_id)   # spans in fulfill are children of validate_payment

See :mod:`ctxbridge.handoff`, :mod:`ctxbridge.executors`, :mod:`ctxbridge.aio`,
:mod:`ctxbridge.queue`, :mod:`ctxbridge.propagator`, :mod:`ctxbridge.runtime` and
:mod:`ctxbridge.diagnostics`.
"""

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

__all__ = [
    "CtxbridgePropagator",
    "CtxbridgeRuntimeContext",
    "MisuseError",
    "ProcessPoolExecutor",
    "Resume",
    "Snapshot",
    "Thread",
    "ThreadPoolExecutor",
    "Timer",
    "attach",
    "capture",
    "decide",
    "detach",
    "encode_baggage",
    "encode_tracestate",
    "format_traceparent",
    "get_mode",
    "inject",
    "parse_baggage",
    "parse_traceparent",
    "parse_tracestate",
    "reset_stats",
    "resume",
    "run_in",
    "run_in_executor",
    "set_mode",
    "stats",
    "wrap",
]
