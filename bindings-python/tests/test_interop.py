"""tests/vectors/interop.json through the public propagator, beside OpenTelemetry Python's
own W3C propagators: what ctxbridge sends, stock reads back unchanged; what stock sends,
ctxbridge reads by W3C's rules; baggage properties survive as ``BaggageValue.metadata``;
nothing that is not W3C tracestate is ever sent. And the ``TextMapPropagator`` contract:
``extract`` without a context starts from an empty one."""

import pickle

import pytest
from opentelemetry import baggage as otel_baggage
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.baggage.propagation import W3CBaggagePropagator
from opentelemetry.context.context import Context
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags, TraceState
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

import ctxbridge
from ctxbridge.propagator import ValidatedTraceState
from conftest import load_vectors


def names(cases):
    return [case["name"] for case in cases]


INTEROP = load_vectors("interop.json")
CTXBRIDGE = ctxbridge.CtxbridgePropagator()
STOCK_BAGGAGE = W3CBaggagePropagator()
TRACE_ID, SPAN_ID = 0x4BF92F3577B34DA6A3CE929D0E0E4736, 0x00F067AA0BA902B7
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def injected(propagator, context):
    carrier = {}
    propagator.inject(carrier, context=context)
    return carrier


@pytest.mark.parametrize("case", INTEROP["values"], ids=names(INTEROP["values"]))
def test_values_are_sent_as_stock_reads_them_back(case):
    sent = injected(CTXBRIDGE, otel_baggage.set_baggage("k", case["value"], Context()))
    assert sent["baggage"] == case["encoded"]
    assert otel_baggage.get_baggage("k", STOCK_BAGGAGE.extract(sent, context=Context())) == case["value"]


@pytest.mark.parametrize("case", INTEROP["stock"], ids=[f"{c['sdk']}: {c['name']}" for c in INTEROP["stock"]])
def test_what_stock_sends_is_read_by_w3c_rules(case):
    if case["sdk"] == "python":
        sent = injected(STOCK_BAGGAGE, otel_baggage.set_baggage("k", case["value"], Context()))
        assert sent["baggage"] == case["header"]
    read = CTXBRIDGE.extract({"baggage": case["header"]}, context=Context())
    assert otel_baggage.get_baggage("k", read) == case["reads"]


@pytest.mark.parametrize("case", INTEROP["properties"], ids=names(INTEROP["properties"]))
def test_properties_survive_both_ways(case):
    headers = case["headers"]
    read = CTXBRIDGE.extract({"baggage": headers[0] if len(headers) == 1 else headers}, context=Context())
    value = otel_baggage.get_baggage(case["key"], read)
    assert value == case["value"]
    assert getattr(value, "metadata", "") == case["metadata"]
    assert (type(value) is ctxbridge.BaggageValue) == bool(case["metadata"])
    assert injected(CTXBRIDGE, read)["baggage"] == case["encoded"]


def test_a_baggage_value_with_properties_is_a_str_that_pickles():
    value = ctxbridge.BaggageValue("v", "p1;p2=x")
    assert value == "v" and isinstance(value, str) and str(value) == "v"
    back = pickle.loads(pickle.dumps(value))
    assert back == "v" and back.metadata == "p1;p2=x"
    sent = injected(CTXBRIDGE, otel_baggage.set_baggage("k", value, Context()))
    assert sent["baggage"] == "k=v;p1;p2=x"


@pytest.mark.parametrize("case", INTEROP["bad_metadata"], ids=names(INTEROP["bad_metadata"]))
def test_metadata_that_is_not_w3c_properties_is_never_sent(case):
    value = ctxbridge.BaggageValue(case["value"], case["metadata"])
    sent = injected(CTXBRIDGE, otel_baggage.set_baggage(case["key"], value, Context()))
    assert sent.get("baggage", "") == case["encoded"]


class RawTraceState(TraceState):
    """A TraceState whose members skipped OpenTelemetry's validation, as a subclass can."""

    def __init__(self, serialized):
        super().__init__()
        for member in serialized.split(","):
            key, _, value = member.partition("=")
            self._dict[key] = value


@pytest.mark.parametrize("case", INTEROP["bad_tracestate"], ids=names(INTEROP["bad_tracestate"]))
def test_a_tracestate_that_is_not_w3c_is_never_sent(case):
    members = [tuple(m.split("=", 1)) for m in case["serialized"].split(",")]
    validated = ValidatedTraceState(members)
    assert len(validated) < len(members) or not validated
    for state in (validated, RawTraceState(case["serialized"])):
        span = SpanContext(TRACE_ID, SPAN_ID, is_remote=False, trace_flags=TraceFlags(1), trace_state=state)
        sent = injected(CTXBRIDGE, trace.set_span_in_context(NonRecordingSpan(span), Context()))
        assert sent["traceparent"] == TRACEPARENT
        assert "\r" not in sent.get("tracestate", "") and "\n" not in sent.get("tracestate", "")
        if state is validated:
            assert sent.get("tracestate", "") == validated._header


def test_validated_trace_state_checks_members_one_by_one():
    state = ValidatedTraceState([("a", "b,c=d"), ("e", "f"), ("1tenant@vendor", "x")])
    assert list(state.items()) == [("e", "f"), ("1tenant@vendor", "x")]


def test_extract_without_a_context_starts_from_an_empty_one():
    token = otel_context.attach(otel_baggage.set_baggage("stale", "1", Context({"other-key": 1})))
    try:
        extracted = CTXBRIDGE.extract({"traceparent": TRACEPARENT})
        stock = TraceContextTextMapPropagator().extract({"traceparent": TRACEPARENT})
        assert otel_baggage.get_all(extracted) == {}
        assert "other-key" not in extracted
        assert set(extracted) == set(stock)
        assert trace.get_current_span(extracted).get_span_context().trace_id == TRACE_ID
    finally:
        otel_context.detach(token)
