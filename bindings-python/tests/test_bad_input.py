"""Bad input never crashes: the propagator returns the context it was given; explicit
parses raise ValueError naming the rule; API misuse raises TypeError."""

from __future__ import annotations

import random

import pytest
from opentelemetry import context
from opentelemetry.context.context import Context
from opentelemetry.propagators.textmap import Getter

import ctxbridge

PROPAGATOR = ctxbridge.CtxbridgePropagator()
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


@pytest.mark.parametrize(
    "carrier",
    [
        {"traceparent": None},
        {"traceparent": 42},
        {"traceparent": b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
        {"traceparent": [1, 2]},
        {"traceparent": ["\udcff"]},
        {"traceparent": "\x00" * 55},
        {"traceparent": TRACEPARENT, "tracestate": 3.5, "baggage": object()},
        {"traceparent": "ff" + TRACEPARENT[2:]},
        {"baggage": "=;=;,,;" * 1000},
    ],
)
def test_propagator_returns_the_given_context_on_bad_headers(carrier):
    given = Context({"marker": True})
    assert PROPAGATOR.extract(carrier, context=given).get("marker") is True


def random_header(rng: random.Random, valid: str, alphabet: str) -> str:
    """Random text, or a valid header with a character or two changed (so both outcomes
    of the contract come up)."""
    if rng.random() < 0.5:
        return "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 80)))
    chars = list(valid)
    for _ in range(rng.randrange(0, 3)):
        chars[rng.randrange(len(chars))] = rng.choice(alphabet)
    return "".join(chars)


def test_random_headers_keep_the_given_context_unless_they_parse():
    from opentelemetry import baggage as otel_baggage
    from opentelemetry import trace

    rng = random.Random(1234)
    alphabet = "0123456789abcdefABCDEF-=,; \t%\"\\é\x00"
    given = context.set_value("marker", True, Context())
    parsed = 0
    for _ in range(3000):
        traceparent = random_header(rng, TRACEPARENT, alphabet)
        tracestate = random_header(rng, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", alphabet)
        baggage = random_header(rng, "tenant=acme,user=alice%20b;ttl=60", alphabet)
        carrier = {"traceparent": traceparent, "tracestate": tracestate, "baggage": baggage}
        extracted = PROPAGATOR.extract(carrier, context=given)
        assert extracted.get("marker") is True, carrier
        span = trace.get_current_span(extracted).get_span_context()
        try:
            trace_id, span_id, _ = ctxbridge.parse_traceparent(traceparent)
        except ValueError:
            assert not span.is_valid, carrier
        else:
            parsed += 1
            assert (span.trace_id, span.span_id) == (trace_id, span_id), carrier
            try:
                members = ctxbridge.parse_tracestate([tracestate])
            except ValueError:
                members = []
            assert list(span.trace_state.items()) == members, carrier
        expected = {key: value for key, value, _ in ctxbridge.extract_baggage([baggage])}
        assert dict(otel_baggage.get_all(extracted)) == expected, carrier
    assert parsed > 500, f"only {parsed} valid traceparents"


def test_a_failing_getter_keeps_the_context():
    class Broken(Getter):
        def get(self, carrier, key):
            raise KeyError(key)

        def keys(self, carrier):
            return []

    given = Context({"marker": 1})
    assert PROPAGATOR.extract({}, context=given, getter=Broken()) is given


def test_custom_getter_with_repeated_headers():
    class Multi(Getter):
        def get(self, carrier, key):
            return carrier.get(key)

        def keys(self, carrier):
            return list(carrier)

    repeated = {"traceparent": [TRACEPARENT, TRACEPARENT]}
    assert PROPAGATOR.extract(repeated, context=Context(), getter=Multi()) == Context()


@pytest.mark.parametrize(
    "call, rule",
    [
        (lambda: ctxbridge.parse_traceparent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"), "traceparent.lowercase_hex"),
        (lambda: ctxbridge.parse_tracestate(["a=1,B=2"]), "tracestate.key"),
        (lambda: ctxbridge.parse_baggage("ok=1,bad"), "baggage.member"),
        (lambda: ctxbridge.encode_baggage([("bad key", "v", [])]), "baggage.key"),
        (lambda: ctxbridge.encode_tracestate([("k", "trailing ")]), "tracestate.value"),
    ],
)
def test_explicit_parse_raises_value_error_naming_the_rule(call, rule):
    with pytest.raises(ValueError) as error:
        call()
    assert str(error.value).startswith(rule + ":")


def _noop() -> None:
    pass


# Each public entry point, a bad argument, and the parameter the error must name. The
# message is ctxbridge's own (never PyO3's extraction text): "ctxbridge.<fn>: <param> ...".
BAD_CALLS = [
    ("parse_traceparent", "value", lambda: ctxbridge.parse_traceparent(None)),
    ("parse_traceparent", "value", lambda: ctxbridge.parse_traceparent(42)),
    ("parse_traceparent", "value", lambda: ctxbridge.parse_traceparent(b"00-ab")),
    ("format_traceparent", "trace_id", lambda: ctxbridge.format_traceparent(None, 1, 1)),
    ("format_traceparent", "span_id", lambda: ctxbridge.format_traceparent(1, "1", 1)),
    ("format_traceparent", "flags", lambda: ctxbridge.format_traceparent(1, 1, 1.5)),
    ("parse_tracestate", "values", lambda: ctxbridge.parse_tracestate(None)),
    ("parse_tracestate", "values", lambda: ctxbridge.parse_tracestate("a=1")),
    ("parse_tracestate", "values", lambda: ctxbridge.parse_tracestate([1])),
    ("encode_tracestate", "members", lambda: ctxbridge.encode_tracestate(None)),
    ("encode_tracestate", "members", lambda: ctxbridge.encode_tracestate([("k",)])),
    ("parse_baggage", "value", lambda: ctxbridge.parse_baggage(None)),
    ("parse_baggage", "value", lambda: ctxbridge.parse_baggage(["k=v"])),
    ("encode_baggage", "members", lambda: ctxbridge.encode_baggage(None)),
    ("encode_baggage", "members", lambda: ctxbridge.encode_baggage([("k", "v", None)])),
    ("attach", "context", lambda: ctxbridge.attach(None)),
    ("attach", "context", lambda: ctxbridge.attach({"not": "a context"}.keys())),
    ("detach", "token", lambda: ctxbridge.detach(None)),
    ("detach", "token", lambda: ctxbridge.detach("not a token")),
    ("run_in", "target", lambda: ctxbridge.run_in(None, _noop)),
    ("run_in", "fn", lambda: ctxbridge.run_in(ctxbridge.capture(), None)),
    ("wrap", "fn", lambda: ctxbridge.wrap(None)),
    ("set_mode", "mode", lambda: ctxbridge.set_mode(None)),
    ("inject", "headers", lambda: ctxbridge.inject(None)),
    ("inject", "context", lambda: ctxbridge.inject({}, context="ctx")),
    ("decide", "headers", lambda: ctxbridge.decide(None, enqueued_at=0, max_age=1)),
    ("decide", "enqueued_at", lambda: ctxbridge.decide({}, enqueued_at="x", max_age=1)),
    ("decide", "max_age", lambda: ctxbridge.decide({}, enqueued_at=0, max_age=None)),
    ("decide", "now", lambda: ctxbridge.decide({}, enqueued_at=0, max_age=1, now=True)),
]


@pytest.mark.parametrize("function, param, call", BAD_CALLS, ids=[f"{f}-{p}-{i}" for i, (f, p, _) in enumerate(BAD_CALLS)])
def test_wrong_argument_types_raise_type_error_naming_the_parameter(function, param, call, runtime):
    with pytest.raises(TypeError) as error:
        call()
    message = str(error.value)
    assert message.startswith(f"ctxbridge.{function}: {param} must be") or message.startswith(
        f"ctxbridge.{function}: every item of {param} must be"
    ), message


def test_the_runtime_context_refuses_none_at_attach(ctxbridge_runtime):
    with pytest.raises(TypeError, match="ctxbridge.attach: context must be an OpenTelemetry Context, got NoneType"):
        context.attach(None)


def test_executors_refuse_what_they_cannot_run():
    with ctxbridge.ThreadPoolExecutor(max_workers=1) as pool:
        with pytest.raises(TypeError, match="ctxbridge.ThreadPoolExecutor.submit: fn must be callable, got NoneType"):
            pool.submit(None)


def test_out_of_range_ints_are_value_errors():
    with pytest.raises(ValueError, match="ctxbridge.format_traceparent: flags must be in 0..256"):
        ctxbridge.format_traceparent(1, 1, 256)
    with pytest.raises(ValueError, match="span_id must be in"):
        ctxbridge.format_traceparent(1, -1, 1)


def test_unknown_mode_is_a_value_error():
    with pytest.raises(ValueError, match="off, warn or strict"):
        ctxbridge.set_mode("loud")
