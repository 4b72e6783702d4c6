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
    Span,
    SpanContext,
    TraceFlags,
    TraceState,
    get_current_span,
    set_span_in_context,
)

from . import _native
from .baggage import value_of

__all__ = ["CtxbridgePropagator", "ValidatedTraceState", "remote_span_context"]

_TRACEPARENT = "traceparent"
_TRACESTATE = "tracestate"
_BAGGAGE = "baggage"
_FIELDS = frozenset({_TRACEPARENT, _TRACESTATE, _BAGGAGE})
#: The longest tracestate header the core sends whole (longer ones lose members).
_MAX_TRACESTATE_LEN = _native.TRACESTATE_SENT


class ValidatedTraceState(TraceState):
    """A ``TraceState`` of members ctxbridge's core already validated under W3C Trace
    Context Level 2. OpenTelemetry Python's own check is Level 1 and would drop keys
    that Level 2 allows (a leading digit, several ``@``), breaking propagation.

    It keeps the canonical header it was made from, so injecting it again costs no
    encoding, and splits it into members only when they are read. Entries given to the
    constructor are validated one by one in the core, as OpenTelemetry's ``TraceState``
    validates its own: a member W3C cannot carry is left out.
    """

    def __init__(self, entries: typing.Sequence[typing.Tuple[str, str]] = ()) -> None:
        super().__init__()  # sets an empty _dict: forget it, members come from the header
        self.__dict__.pop("_members", None)
        self._header = _native.tracestate_of_members([(str(k), str(v)) for k, v in entries])

    @classmethod
    def _from_header(cls, header: str) -> "ValidatedTraceState":
        state = cls.__new__(cls)
        state._header = header
        return state

    @property
    def _dict(self) -> typing.Dict[str, str]:
        members = self.__dict__.get("_members")
        if members is None:
            header = self._header
            members = dict(_native.parse_tracestate([header])) if header else {}
            self.__dict__["_members"] = members
        return members

    @_dict.setter
    def _dict(self, value: typing.Dict[str, str]) -> None:
        self.__dict__["_members"] = value


_EMPTY_TRACE_STATE = ValidatedTraceState._from_header("")

_BAGGAGE_KEY: typing.Optional[str]
_SPAN_KEY: typing.Optional[str]
try:  # OpenTelemetry's own context keys: read the Context (a dict) directly when known.
    from opentelemetry.baggage import _BAGGAGE_KEY
    from opentelemetry.trace.propagation import _SPAN_KEY
except ImportError:  # pragma: no cover - other API versions use the public functions
    _BAGGAGE_KEY = _SPAN_KEY = None
_FLAGS = tuple(TraceFlags(value) for value in range(_native.KNOWN_FLAGS + 1))  # only known bits survive parsing


def _span_context_fast(trace_id: int, span_id: int, flags: int, trace_state: TraceState) -> SpanContext:
    # The core validated the ids: build the tuple SpanContext() would, without its checks.
    return tuple.__new__(SpanContext, (trace_id, span_id, True, _FLAGS[flags], trace_state, True))


def _span_context_checked(trace_id: int, span_id: int, flags: int, trace_state: TraceState) -> SpanContext:
    return SpanContext(trace_id, span_id, is_remote=True, trace_flags=_FLAGS[flags], trace_state=trace_state)


def _tuple_layout_matches() -> bool:
    """Whether SpanContext is the tuple (trace_id, span_id, is_remote, trace_flags,
    trace_state, is_valid), so the fast path builds and reads exactly what the API does."""
    probe = (0x4BF92F3577B34DA6A3CE929D0E0E4736, 0x00F067AA0BA902B7, 1, _EMPTY_TRACE_STATE)
    try:
        fast, checked = _span_context_fast(*probe), _span_context_checked(*probe)
        return tuple(fast) == tuple(checked) and fast.is_valid and fast.is_remote and fast.trace_flags == 1
    except Exception:
        return False


_TUPLE_LAYOUT = _tuple_layout_matches()
#: Builds the remote SpanContext of ids the core already validated.
remote_span_context = _span_context_fast if _TUPLE_LAYOUT else _span_context_checked
_extract = _native.extract
_new_object = object.__new__
_format_traceparent = _native.format_traceparent


class CtxbridgePropagator(TextMapPropagator):
    """W3C ``traceparent``, ``tracestate`` and ``baggage`` in one propagator."""

    def extract(
        self,
        carrier: CarrierT,
        context: typing.Optional[Context] = None,
        getter: Getter[CarrierT] = default_getter,
    ) -> Context:
        if context is None:
            # TextMapPropagator's contract, and OpenTelemetry's own propagators: extract
            # starts from an empty context, so nothing current leaks into a server's.
            context = Context()
        try:
            if getter is default_getter and type(carrier) is dict:
                # The default getter on a dict is a plain lookup: skip three Python calls.
                # An annotation, not typing.cast: nothing is evaluated on this hot path.
                headers: typing.Dict[str, typing.Any] = carrier  # type: ignore[assignment]
                span, baggage = _extract(headers.get(_TRACEPARENT), headers.get(_TRACESTATE), headers.get(_BAGGAGE))
            else:
                span, baggage = _extract(
                    getter.get(carrier, _TRACEPARENT),
                    getter.get(carrier, _TRACESTATE),
                    getter.get(carrier, _BAGGAGE),
                )
        except Exception:  # a getter that fails is a bad carrier: keep the context
            return context
        if span is not None:
            trace_id, span_id, flags, trace_state = span
            if trace_state:
                state = _new_object(ValidatedTraceState)  # ValidatedTraceState._from_header, inlined
                state._header = trace_state
            else:
                state = _EMPTY_TRACE_STATE
            if _TUPLE_LAYOUT:  # inlined remote_span_context: this is the hot path
                span_context = tuple.__new__(SpanContext, (trace_id, span_id, True, _FLAGS[flags], state, True))
            else:
                span_context = _span_context_checked(trace_id, span_id, flags, state)
            if _SPAN_KEY is not None:
                span_value = NonRecordingSpan(span_context)
                context = Context({**context, _SPAN_KEY: span_value} if context else {_SPAN_KEY: span_value})
            else:
                context = set_span_in_context(NonRecordingSpan(span_context), context)
        if baggage:
            for key, value, metadata in baggage:
                context = otel_baggage.set_baggage(key, value_of(value, metadata), context)
        return context

    def inject(
        self,
        carrier: CarrierT,
        context: typing.Optional[Context] = None,
        setter: Setter[CarrierT] = default_setter,
    ) -> None:
        if context is None:
            context = get_current()
        if setter is default_setter and isinstance(carrier, dict):
            set_header = carrier.__setitem__
        else:
            def set_header(key: str, value: str) -> None:
                setter.set(carrier, key, value)
        span_context: typing.Optional[SpanContext]
        if _SPAN_KEY is not None:
            span: typing.Optional[Span] = context.get(_SPAN_KEY)  # type: ignore[assignment]
            span_context = span.get_span_context() if span is not None else None
        else:
            span_context = get_current_span(context).get_span_context()
        if span_context is not None:
            if _TUPLE_LAYOUT and type(span_context) is SpanContext:
                trace_id, span_id, _remote, flags, trace_state, valid = span_context
            else:
                trace_id, span_id, flags = span_context.trace_id, span_context.span_id, span_context.trace_flags
                trace_state, valid = span_context.trace_state, span_context.is_valid
            if valid:
                set_header(_TRACEPARENT, _format_traceparent(trace_id, span_id, flags))
                header = getattr(trace_state, "_header", None)
                if header is None:
                    header = _cached_header(trace_state)
                elif len(header) > _MAX_TRACESTATE_LEN:
                    header = _encode_tracestate(trace_state)
                if header:
                    set_header(_TRACESTATE, header)
        entries: typing.Optional[typing.Mapping[str, object]]
        if _BAGGAGE_KEY is not None:
            entries = context.get(_BAGGAGE_KEY)  # type: ignore[assignment]
        else:
            entries = otel_baggage.get_all(context)
        if entries:
            header = _native.inject_baggage(entries)
            if header:
                set_header(_BAGGAGE, header)

    @property
    def fields(self) -> typing.Set[str]:
        return set(_FIELDS)


def _cached_header(trace_state: TraceState) -> str:
    """The header of any TraceState, computed once per instance: a TraceState is
    immutable, and a service injects the same one into every outgoing request."""
    header = trace_state.__dict__.get("_ctxbridge_header") if hasattr(trace_state, "__dict__") else None
    if header is None:
        header = _encode_tracestate(trace_state) if trace_state else ""
        try:
            trace_state._ctxbridge_header = header  # type: ignore[attr-defined]
        except AttributeError:
            pass
    return header


def _encode_tracestate(trace_state: TraceState) -> str:
    """The header for any TraceState, truncated to 512 characters by dropping whole
    members; members W3C cannot carry are left out."""
    try:
        return _native.outgoing_tracestate([(str(k), str(v)) for k, v in trace_state.items()])
    except Exception:  # a TraceState whose items() fails is sent as none
        return ""
