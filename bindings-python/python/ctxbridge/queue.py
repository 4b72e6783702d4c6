"""Message queues (DESIGN section 5): :func:`inject` when producing, :func:`resume` when
consuming.

A message consumed while younger than ``max_age`` continues the producer's trace: the
consumer span is its child. An older one (a retry hours later, a nightly replay) starts
a new trace with a span link to the producer. Baggage survives either way.
"""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass, field
from typing import Dict, Iterator, Mapping, MutableMapping, Optional, Sequence, Tuple, TypeVar, Union

from opentelemetry import baggage as otel_baggage
from opentelemetry import trace
from opentelemetry.context.context import Context
from opentelemetry.util.types import Attributes
from opentelemetry.trace import Link, NonRecordingSpan, SpanContext, SpanKind

from . import _args, _native
from .baggage import value_of
from .handoff import attach, detach
from .propagator import CtxbridgePropagator, ValidatedTraceState, remote_span_context

__all__ = ["Resume", "decide", "inject", "resume"]

#: A message's headers: whatever mutable string map the caller has, handed back as it is.
H = TypeVar("H", bound=MutableMapping[str, str])

Seconds = Union[float, int, datetime.timedelta]
Instant = Union[float, int, datetime.datetime]


@dataclass(frozen=True)
class Resume:
    """How to start the consumer span."""

    #: ``"child"``, ``"root_with_link"`` or ``"root"`` (no usable traceparent).
    kind: str
    #: Start the consumer span in this context: the producer as parent (child) or none,
    #: and the carried baggage.
    context: Context
    #: For ``"root_with_link"``: a link to the producer's span.
    links: Tuple[Link, ...] = ()
    #: The carried baggage values.
    baggage: Dict[str, str] = field(default_factory=dict)


def inject(headers: H, context: Optional[Context] = None) -> H:
    """Writes ``traceparent``, ``tracestate`` and ``baggage`` of ``context`` (default:
    the current one) into a message's headers, and returns them."""
    _args.mapping("inject", "headers", headers, mutable=True)
    _args.optional_context("inject", "context", context)
    CtxbridgePropagator().inject(headers, context=context)
    return headers


def _span_context(span: Tuple[int, int, int, Sequence[Tuple[str, str]]]) -> SpanContext:
    trace_id, span_id, flags, trace_state = span
    return remote_span_context(trace_id, span_id, flags, ValidatedTraceState(trace_state))


def decide(
    headers: Mapping[str, Union[str, Sequence[str]]],
    *,
    enqueued_at: Instant,
    max_age: Seconds,
    now: Optional[Instant] = None,
) -> Resume:
    """The decision alone, for consumers that start spans themselves. ``enqueued_at``
    and ``now`` are epoch seconds or datetimes; ``max_age`` seconds or a timedelta."""
    _args.mapping("decide", "headers", headers)
    kind, span, members = _native.resume(
        headers.get("traceparent"),
        headers.get("tracestate"),
        headers.get("baggage"),
        _args.instant("decide", "enqueued_at", enqueued_at),
        _args.seconds("decide", "max_age", max_age),
        None if now is None else _args.instant("decide", "now", now),
    )
    context = Context()
    links: Tuple[Link, ...] = ()
    if span is not None and kind == "child":
        context = trace.set_span_in_context(NonRecordingSpan(_span_context(span)), context)
    elif span is not None and kind == "root_with_link":
        links = (Link(_span_context(span)),)
    values = {key: value_of(value, metadata) for key, value, metadata in members}
    for key, value in values.items():
        context = otel_baggage.set_baggage(key, value, context)
    return Resume(kind=kind, context=context, links=links, baggage=values)


@contextlib.contextmanager
def resume(
    headers: Mapping[str, Union[str, Sequence[str]]],
    *,
    enqueued_at: Instant,
    max_age: Seconds,
    name: str = "process",
    tracer: Optional[trace.Tracer] = None,
    kind: SpanKind = SpanKind.CONSUMER,
    attributes: Optional[Attributes] = None,
    now: Optional[Instant] = None,
) -> Iterator[trace.Span]:
    """Starts the consumer span as current, as a child of the producer or as a new root
    linked to it (see :func:`decide`), with the carried baggage current too."""
    decision = decide(headers, enqueued_at=enqueued_at, max_age=max_age, now=now)
    tracer = tracer or trace.get_tracer("ctxbridge")
    token = attach(decision.context)
    try:
        with tracer.start_as_current_span(
            name, context=decision.context, kind=kind, links=decision.links, attributes=attributes
        ) as span:
            yield span
    finally:
        detach(token)
