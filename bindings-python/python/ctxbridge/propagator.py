"""``CtxbridgePropagator``: W3C trace context and baggage on ctxbridge's Rust codecs.

Registered as the ``ctxbridge`` propagator (``OTEL_PROPAGATORS=ctxbridge``). It reads
every value of a repeated header when the getter offers them (a repeated
``traceparent`` starts a new trace; repeated ``tracestate``/``baggage`` are combined)
and never raises on a bad header: it returns the context it was given.
"""

from __future__ import annotations

import typing

from opentelemetry import baggage as otel_baggage
from opentelemetry.context import get_current
from opentelemetry.context.context import Context
from opentelemetry.propagators.textmap import (
    CarrierT,
    Getter,
    Setter,
    TextMapPropagator,
    default_getter,
    default_setter,
)
from opentelemetry.trace import (
    NonRecordingSpan,
    SpanContext,
    TraceFlags,
    TraceState,
    get_current_span,
    set_span_in_context,
)

from . import _native

__all__ = ["CtxbridgePropagator", "ValidatedTraceState"]

_TRACEPARENT = "traceparent"
_TRACESTATE = "tracestate"
_BAGGAGE = "baggage"
_FIELDS = frozenset({_TRACEPARENT, _TRACESTATE, _BAGGAGE})


class ValidatedTraceState(TraceState):
    """A ``TraceState`` of members ctxbridge's core already validated under W3C Trace
    Context Level 2. OpenTelemetry Python's own check is Level 1 and would drop keys
    that Level 2 allows (a leading digit, several ``@``), breaking propagation."""

    def __init__(self, entries: typing.Sequence[typing.Tuple[str, str]] = ()) -> None:
        super().__init__()
        self._dict = dict(entries)


class CtxbridgePropagator(TextMapPropagator):
    """W3C ``traceparent``, ``tracestate`` and ``baggage`` in one propagator."""

    def extract(
        self,
        carrier: CarrierT,
        context: typing.Optional[Context] = None,
        getter: Getter[CarrierT] = default_getter,
    ) -> Context:
        if context is None:
            context = get_current()
        try:
            if getter is default_getter and type(carrier) is dict:
                # The default getter on a dict is a plain lookup: skip three Python calls.
                headers = (carrier.get(_TRACEPARENT), carrier.get(_TRACESTATE), carrier.get(_BAGGAGE))
            else:
                headers = (
                    getter.get(carrier, _TRACEPARENT),
                    getter.get(carrier, _TRACESTATE),
                    getter.get(carrier, _BAGGAGE),
                )
            span, baggage = _native.extract(*headers)
        except Exception:  # a getter that fails is a bad carrier: keep the context
            return context
        if span is not None:
            trace_id, span_id, flags, trace_state = span
            span_context = SpanContext(
                trace_id,
                span_id,
                is_remote=True,
                trace_flags=TraceFlags(flags),
                trace_state=ValidatedTraceState(trace_state),
            )
            context = set_span_in_context(NonRecordingSpan(span_context), context)
        for key, value in baggage:
            context = otel_baggage.set_baggage(key, value, context)
        return context

    def inject(
        self,
        carrier: CarrierT,
        context: typing.Optional[Context] = None,
        setter: Setter[CarrierT] = default_setter,
    ) -> None:
        span_context = get_current_span(context).get_span_context()
        fast = setter is default_setter and isinstance(carrier, dict)
        if span_context.is_valid:
            trace_state = span_context.trace_state
            traceparent, tracestate = _native.inject_trace(
                span_context.trace_id,
                span_context.span_id,
                span_context.trace_flags,
                list(trace_state.items()) if trace_state else [],
            )
            if fast:
                carrier[_TRACEPARENT] = traceparent
            else:
                setter.set(carrier, _TRACEPARENT, traceparent)
            if tracestate:
                setter.set(carrier, _TRACESTATE, tracestate)
        entries = otel_baggage.get_all(context)
        if entries:
            header = _native.inject_baggage([(str(k), str(v)) for k, v in entries.items()])
            if header:
                setter.set(carrier, _BAGGAGE, header)

    @property
    def fields(self) -> typing.Set[str]:
        return set(_FIELDS)
