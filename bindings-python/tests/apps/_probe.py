"""What the framework test apps share: the real SDK's in-memory exporter added to the
provider `opentelemetry-instrument` configured, and the test-only answers the tests read
(finished spans, ctxbridge's counters, resident memory). Paths under /_test are excluded
from tracing (OTEL_PYTHON_*_EXCLUDED_URLS)."""

from __future__ import annotations

import gc
import logging
from typing import Any, Dict, List

from opentelemetry import context, propagate, trace
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import ctxbridge

EXPORTER = InMemorySpanExporter()
trace.get_tracer_provider().add_span_processor(SimpleSpanProcessor(EXPORTER))  # type: ignore[attr-defined]
tracer = trace.get_tracer("ctxbridge-framework-test")


class _Warnings(logging.Handler):
    """Keeps what ctxbridge logs (its misuse reports), for the tests to read."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


WARNINGS = _Warnings()
logging.getLogger("ctxbridge").addHandler(WARNINGS)


def fulfil(order_id: str, name: str = "fulfil") -> None:
    """The work handed to a thread: one span, which must be a child of the request's."""
    with tracer.start_as_current_span(name) as span:
        span.set_attribute("order.id", order_id)


def _span(span: ReadableSpan) -> Dict[str, Any]:
    assert span.context is not None
    return {
        "name": span.name,
        "kind": span.kind.name,
        "trace_id": f"{span.context.trace_id:032x}",
        "span_id": f"{span.context.span_id:016x}",
        "parent": f"{span.parent.span_id:016x}" if span.parent else None,
    }


def take_spans() -> List[Dict[str, Any]]:
    spans = [_span(span) for span in EXPORTER.get_finished_spans()]
    EXPORTER.clear()
    return spans


def resident_kb() -> int:
    gc.collect()
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def state() -> Dict[str, Any]:
    return {
        "stats": ctxbridge.stats(),
        "runtime": type(context._RUNTIME_CONTEXT).__name__,  # type: ignore[attr-defined]
        "propagators": [type(p).__name__ for p in getattr(propagate.get_global_textmap(), "_propagators", [])],
        "rss_kb": resident_kb(),
        "warnings": list(WARNINGS.messages),
    }
