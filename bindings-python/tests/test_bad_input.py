"""Bad input never crashes: the propagator returns the context it was given; explicit
parses raise ValueError naming the rule; API misuse raises TypeError."""

from __future__ import annotations

import random

import pytest
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


def test_propagator_survives_random_headers():
    rng = random.Random(1234)
    alphabet = "0123456789abcdefABCDEF-=,; \t%\"\\é\x00"
    given = Context()
    for _ in range(2000):
        carrier = {
            name: "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 80)))
            for name in ("traceparent", "tracestate", "baggage")
        }
        PROPAGATOR.extract(carrier, context=given)


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


def test_wrong_types_raise_type_error(ctxbridge_runtime):
    with pytest.raises(TypeError):
        ctxbridge.parse_traceparent(42)
    with pytest.raises(TypeError, match="takes a token"):
        ctxbridge.detach("not a token")


def test_unknown_mode_is_a_value_error():
    with pytest.raises(ValueError, match="off, warn or strict"):
        ctxbridge.set_mode("loud")
