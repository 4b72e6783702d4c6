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

import importlib as _importlib
import typing as _typing

from ._native import __version__ as __version__

_EXPORTS = {
    "encode_baggage": "._native",
    "encode_tracestate": "._native",
    "extract_baggage": "._native",
    "format_traceparent": "._native",
    "parse_baggage": "._native",
    "parse_traceparent": "._native",
    "parse_tracestate": "._native",
    "run_in_executor": ".aio",
    "BaggageValue": ".baggage",
    "MisuseError": ".diagnostics",
    "dropped_stats": ".diagnostics",
    "get_attach_sites": ".diagnostics",
    "get_mode": ".diagnostics",
    "reset_stats": ".diagnostics",
    "set_attach_sites": ".diagnostics",
    "set_mode": ".diagnostics",
    "stats": ".diagnostics",
    "ProcessPoolExecutor": ".executors",
    "Thread": ".executors",
    "ThreadPoolExecutor": ".executors",
    "Timer": ".executors",
    "Snapshot": ".handoff",
    "Token": ".handoff",
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

__all__ = sorted([*_EXPORTS, "__version__"])


# Submodules reached as attributes (``ctxbridge.metrics.register()``), imported on first use.
_SUBMODULES = {"metrics"}


def __getattr__(name: str) -> _typing.Any:
    if name in _SUBMODULES:
        return _importlib.import_module(f".{name}", __name__)
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ctxbridge' has no attribute {name!r}")
    value = getattr(_importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> _typing.List[str]:
    return sorted(set(__all__) | {name for name in globals() if name.startswith("__")})


# Explicit re-exports (`X as X`), so that `mypy --strict` accepts `from ctxbridge import X`.
if _typing.TYPE_CHECKING:
    from . import metrics as metrics
    from ._native import encode_baggage as encode_baggage
    from ._native import encode_tracestate as encode_tracestate
    from ._native import extract_baggage as extract_baggage
    from ._native import format_traceparent as format_traceparent
    from ._native import parse_baggage as parse_baggage
    from ._native import parse_traceparent as parse_traceparent
    from ._native import parse_tracestate as parse_tracestate
    from .aio import run_in_executor as run_in_executor
    from .baggage import BaggageValue as BaggageValue
    from .diagnostics import MisuseError as MisuseError
    from .diagnostics import dropped_stats as dropped_stats
    from .diagnostics import get_attach_sites as get_attach_sites
    from .diagnostics import get_mode as get_mode
    from .diagnostics import reset_stats as reset_stats
    from .diagnostics import set_attach_sites as set_attach_sites
    from .diagnostics import set_mode as set_mode
    from .diagnostics import stats as stats
    from .executors import ProcessPoolExecutor as ProcessPoolExecutor
    from .executors import Thread as Thread
    from .executors import ThreadPoolExecutor as ThreadPoolExecutor
    from .executors import Timer as Timer
    from .handoff import Snapshot as Snapshot
    from .handoff import Token as Token
    from .handoff import attach as attach
    from .handoff import capture as capture
    from .handoff import detach as detach
    from .handoff import run_in as run_in
    from .handoff import wrap as wrap
    from .propagator import CtxbridgePropagator as CtxbridgePropagator
    from .queue import Resume as Resume
    from .queue import decide as decide
    from .queue import inject as inject
    from .queue import resume as resume
    from .runtime import CtxbridgeRuntimeContext as CtxbridgeRuntimeContext
