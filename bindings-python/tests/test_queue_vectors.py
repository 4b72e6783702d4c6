"""Every case of tests/vectors/queue.json through ``ctxbridge.decide``: a child while the
message is younger than ``max_age``, a new root linked to the producer from then on, a root
without a traceparent, the baggage kept every time."""

from __future__ import annotations

import pytest
from opentelemetry import trace

import ctxbridge

from conftest import load_vectors

QUEUE = load_vectors("queue.json")
PRODUCER = 0x4BF92F3577B34DA6A3CE929D0E0E4736


@pytest.mark.parametrize("case", QUEUE["cases"], ids=[c["name"] for c in QUEUE["cases"]])
def test_queue_vectors(case):
    now = QUEUE["now_ms"] / 1000
    decision = ctxbridge.decide(
        case["headers"],
        enqueued_at=now - case["age_ms"] / 1000,
        max_age=case["max_age_ms"] / 1000,
        now=now,
    )
    assert decision.kind == case["kind"]
    assert decision.baggage == {"tenant": "acme"}
    parent = trace.get_current_span(decision.context).get_span_context()
    if case["kind"] == "child":
        assert parent.trace_id == PRODUCER and parent.is_remote
        assert decision.links == ()
    elif case["kind"] == "root_with_link":
        assert not parent.is_valid
        assert [link.context.trace_id for link in decision.links] == [PRODUCER]
    else:
        assert not parent.is_valid and decision.links == ()
