"""ProcessPoolExecutor through a carrier, and queue resume."""

from __future__ import annotations

import multiprocessing
import time

from opentelemetry import baggage, context, trace

import ctxbridge

import child_process


def test_process_pool_child_span_is_a_child_of_the_submitting_span(runtime, tracer):
    spawn = multiprocessing.get_context("spawn")
    token = context.attach(baggage.set_baggage("tenant.id", "acme"))
    try:
        with ctxbridge.ProcessPoolExecutor(max_workers=1, mp_context=spawn, initializer=child_process.init_tracing) as pool:
            with tracer.start_as_current_span("validate_payment") as parent:
                trace_id, parent_span_id, tenant = pool.submit(child_process.fulfill, "o-9").result(timeout=60)
    finally:
        context.detach(token)
    assert trace_id == parent.get_span_context().trace_id
    assert parent_span_id == parent.get_span_context().span_id
    assert tenant == "acme"


def produce(tracer):
    headers = {}
    token = context.attach(baggage.set_baggage("tenant.id", "acme"))
    try:
        with tracer.start_as_current_span("publish order.created") as span:
            ctxbridge.inject(headers)
    finally:
        context.detach(token)
    return headers, span


def test_queue_fresh_message_resumes_as_a_child(runtime, tracer, exporter):
    headers, producer = produce(tracer)
    with ctxbridge.resume(headers, enqueued_at=time.time() - 1, max_age=60, name="consume", tracer=tracer):
        assert baggage.get_baggage("tenant.id") == "acme"
    consumer = next(s for s in exporter.get_finished_spans() if s.name == "consume")
    assert consumer.context.trace_id == producer.get_span_context().trace_id
    assert consumer.parent.span_id == producer.get_span_context().span_id
    assert consumer.parent.is_remote
    assert consumer.kind == trace.SpanKind.CONSUMER


def test_queue_old_message_starts_a_new_root_with_a_link(runtime, tracer, exporter):
    headers, producer = produce(tracer)
    with ctxbridge.resume(headers, enqueued_at=time.time() - 7200, max_age=60, name="replay", tracer=tracer):
        assert baggage.get_baggage("tenant.id") == "acme"
    consumer = next(s for s in exporter.get_finished_spans() if s.name == "replay")
    assert consumer.parent is None
    assert consumer.context.trace_id != producer.get_span_context().trace_id
    (link,) = consumer.links
    assert link.context.trace_id == producer.get_span_context().trace_id
    assert link.context.span_id == producer.get_span_context().span_id


def test_queue_decision_without_a_traceparent():
    decision = ctxbridge.decide({"traceparent": "junk", "baggage": "tenant.id=acme"}, enqueued_at=time.time(), max_age=5)
    assert decision.kind == "root"
    assert decision.baggage == {"tenant.id": "acme"}
    assert not trace.get_current_span(decision.context).get_span_context().is_valid


def test_queue_accepts_datetimes_and_timedeltas(tracer):
    import datetime

    headers, _ = produce(tracer)
    now = datetime.datetime.now(datetime.timezone.utc)
    fresh = ctxbridge.decide(headers, enqueued_at=now, max_age=datetime.timedelta(seconds=30), now=now)
    old = ctxbridge.decide(headers, enqueued_at=now - datetime.timedelta(hours=1), max_age=datetime.timedelta(seconds=30), now=now)
    assert (fresh.kind, old.kind) == ("child", "root_with_link")


def test_a_strict_mode_misuse_in_a_process_pool_worker_reaches_the_parent_as_misuse_error():
    spawn = multiprocessing.get_context("spawn")
    with ctxbridge.ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        future = pool.submit(child_process.strict_double_detach)
        error = future.exception(timeout=60)
    assert type(error) is ctxbridge.MisuseError
    assert error.misuse == "double_detach"
    assert "double_detach" in str(error)


def test_misuse_error_pickles_with_its_kind():
    import pickle

    ctxbridge.set_mode("strict")
    try:
        token = ctxbridge.attach(context.get_current())
        ctxbridge.detach(token)
        try:
            ctxbridge.detach(token)
        except ctxbridge.MisuseError as error:
            raised = error
    finally:
        ctxbridge.set_mode("warn")
    back = pickle.loads(pickle.dumps(raised))
    assert type(back) is ctxbridge.MisuseError and back.misuse == "double_detach"
    assert str(back) == str(raised)
    assert ctxbridge.MisuseError.__module__ == "ctxbridge"
