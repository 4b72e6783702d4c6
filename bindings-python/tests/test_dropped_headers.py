"""Dropped headers (issue 19): what the propagator drops from a remote caller (a bad
tracestate, a bad baggage member, baggage past its limits) is counted under the rule it
broke and logged once per rule through the ``ctxbridge`` logger, never with the value."""

from __future__ import annotations

import logging

from opentelemetry import baggage, trace

import ctxbridge

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def drop_warnings(caplog):
    return [r for r in caplog.records if r.name == "ctxbridge" and "dropped" in r.getMessage()]


def test_a_bad_tracestate_is_dropped_counted_and_logged_once_without_its_value(caplog):
    propagator = ctxbridge.CtxbridgePropagator()
    ctxbridge.reset_stats()
    with caplog.at_level(logging.WARNING, logger="ctxbridge"):
        for secret in ("Upper=secret-one", "Upper=secret-two"):
            context = propagator.extract({"traceparent": TRACEPARENT, "tracestate": secret})
            span_context = trace.get_current_span(context).get_span_context()
            assert span_context.trace_id == 0x4BF92F3577B34DA6A3CE929D0E0E4736
            assert len(span_context.trace_state) == 0, "the tracestate is dropped whole"
    (record,) = drop_warnings(caplog)
    assert record.levelno == logging.WARNING
    assert "tracestate.key" in record.getMessage()
    assert "secret" not in record.getMessage()
    assert ctxbridge.dropped_stats() == {"tracestate.key": 2}


def test_baggage_members_are_dropped_alone_and_counted_by_rule(caplog):
    propagator = ctxbridge.CtxbridgePropagator()
    ctxbridge.reset_stats()
    many = ",".join(f"k{n}=v" for n in range(70))
    with caplog.at_level(logging.WARNING, logger="ctxbridge"):
        kept = propagator.extract({"baggage": "ok=1,bad key=private,v=a\\b"})
        cut = propagator.extract({"baggage": many})
    assert baggage.get_all(kept) == {"ok": "1"}
    assert len(baggage.get_all(cut)) == 64
    assert ctxbridge.dropped_stats() == {"baggage.key": 1, "baggage.value": 1, "baggage.limits": 1}
    messages = [r.getMessage() for r in drop_warnings(caplog)]
    assert len(messages) == 3, messages
    assert not any("private" in m for m in messages), messages


def test_reset_stats_reports_each_rule_again(caplog):
    propagator = ctxbridge.CtxbridgePropagator()
    with caplog.at_level(logging.WARNING, logger="ctxbridge"):
        ctxbridge.reset_stats()
        propagator.extract({"baggage": "bad key=1"})
        ctxbridge.reset_stats()
        assert ctxbridge.dropped_stats() == {}
        propagator.extract({"baggage": "bad key=1"})
    assert len(drop_warnings(caplog)) == 2


def test_a_queue_resume_reports_what_it_dropped(caplog):
    ctxbridge.reset_stats()
    with caplog.at_level(logging.WARNING, logger="ctxbridge"):
        ctxbridge.decide(
            {"traceparent": TRACEPARENT, "tracestate": "a=1,a b=2", "baggage": "x=1"},
            enqueued_at=0,
            max_age=10**12,
        )
    assert ctxbridge.dropped_stats() == {"tracestate.key": 1}
    assert len(drop_warnings(caplog)) == 1


def test_valid_headers_drop_nothing(caplog):
    propagator = ctxbridge.CtxbridgePropagator()
    ctxbridge.reset_stats()
    with caplog.at_level(logging.WARNING, logger="ctxbridge"):
        propagator.extract({"traceparent": TRACEPARENT, "tracestate": "a=1, b=2", "baggage": "k=v;p"})
    assert ctxbridge.dropped_stats() == {}
    assert drop_warnings(caplog) == []
