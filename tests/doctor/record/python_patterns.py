"""Runs the seed's broken hand-offs for real with OpenTelemetry Python's SDK and records
each run with its ConsoleSpanExporter, one file per pattern, in tests/doctor/recorded/.
Also records the same work done right with ctxbridge, which must give no finding.

    .venv/bin/python tests/doctor/record/python_patterns.py   (or: make doctor-record)

What each run should be diagnosed as is written by hand in tests/doctor/expected.json.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor as PlainThreadPoolExecutor
from pathlib import Path

from opentelemetry import baggage, context, trace
from opentelemetry.baggage.propagation import W3CBaggagePropagator
from opentelemetry.propagators.composite import CompositePropagator
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor
from opentelemetry.trace import SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

import ctxbridge

OUT = Path(__file__).resolve().parents[1] / "recorded"


class ThreadAttributes(SpanProcessor):
    """Records the thread each span started on, as semantic conventions name it."""

    def on_start(self, span, parent_context=None):
        span.set_attribute("thread.name", threading.current_thread().name)
        span.set_attribute("thread.id", threading.get_ident())


class BaggageAttributes(SpanProcessor):
    """Copies baggage into attributes of the same key, as BaggageSpanProcessor does."""

    def on_start(self, span, parent_context=None):
        for key, value in baggage.get_all(parent_context).items():
            span.set_attribute(key, str(value))


class Recording:
    """Tracers of named services writing to one file."""

    def __init__(self, name: str):
        self.file = open(OUT / f"python-{name}.json", "w")
        self.providers = []

    def tracer(self, service: str):
        provider = TracerProvider(resource=Resource.create({"service.name": service}))
        provider.add_span_processor(ThreadAttributes())
        provider.add_span_processor(BaggageAttributes())
        provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter(out=self.file)))
        self.providers.append(provider)
        return provider.get_tracer("doctor-recording")

    def close(self):
        for provider in self.providers:
            provider.shutdown()
        self.file.close()


def threadpool():
    """A plain ThreadPoolExecutor: the task starts a fresh trace."""
    rec = Recording("threadpool")
    tracer = rec.tracer("order-service")

    def fulfil(order_id):
        with tracer.start_as_current_span("background_fulfillment") as span:
            span.set_attribute("order.id", order_id)
            time.sleep(0.02)

    with PlainThreadPoolExecutor(max_workers=2) as pool:
        with tracer.start_as_current_span("POST /orders", kind=SpanKind.SERVER):
            with tracer.start_as_current_span("validate_payment") as span:
                span.set_attribute("order.id", "o-1001")
                pool.submit(fulfil, "o-1001").result()
    rec.close()


def asyncio_executor():
    """loop.run_in_executor without the context: the step starts a fresh trace."""
    rec = Recording("asyncio-executor")
    tracer = rec.tracer("report-service")

    def render():
        with tracer.start_as_current_span("render_pdf"):
            time.sleep(0.02)

    async def handler():
        with tracer.start_as_current_span("GET /report", kind=SpanKind.SERVER):
            await asyncio.get_running_loop().run_in_executor(None, render)

    asyncio.run(handler())
    rec.close()


def leaked_context():
    """A middleware attaches the request's context and never detaches it: the next request
    on the same worker thread starts under the previous one."""
    rec = Recording("leaked-context")
    tracer = rec.tracer("web")

    def worker():
        first = tracer.start_span("GET /a", kind=SpanKind.SERVER)
        context.attach(trace.set_span_in_context(first))  # never detached: the bug
        time.sleep(0.01)
        first.end()
        time.sleep(0.05)
        with tracer.start_as_current_span("GET /b", kind=SpanKind.SERVER):
            time.sleep(0.01)

    thread = threading.Thread(target=worker, name="http-worker-1")
    thread.start()
    thread.join()
    rec.close()


def late_consumer():
    """A message consumed long after it was sent continues the producer's trace as a child
    (the gap is 1.2 s here; tests/doctor/expected.json runs it with late_after 1s)."""
    rec = Recording("late-consumer")
    orders, billing = rec.tracer("order-service"), rec.tracer("billing")
    headers = {}
    with orders.start_as_current_span("publish order.created", kind=SpanKind.PRODUCER):
        TraceContextTextMapPropagator().inject(headers)

    def consume():
        time.sleep(1.2)
        parent = TraceContextTextMapPropagator().extract(headers)
        with billing.start_as_current_span("consume order.created", context=parent, kind=SpanKind.CONSUMER):
            time.sleep(0.005)

    thread = threading.Thread(target=consume, name="consumer-1")
    thread.start()
    thread.join()
    rec.close()


def lost_baggage():
    """The producer injects the traceparent alone: the tenant in baggage does not arrive.
    A second message sent with baggage shows billing records it when it comes."""
    rec = Recording("lost-baggage")
    orders, billing = rec.tracer("order-service"), rec.tracer("billing")
    trace_only = TraceContextTextMapPropagator()
    both = CompositePropagator([TraceContextTextMapPropagator(), W3CBaggagePropagator()])

    def send_and_consume(propagator, name):
        headers = {}
        token = context.attach(baggage.set_baggage("tenant.id", "acme"))
        try:
            with orders.start_as_current_span(f"publish {name}", kind=SpanKind.PRODUCER):
                propagator.inject(headers)
        finally:
            context.detach(token)
        parent = propagator.extract(headers)
        with billing.start_as_current_span(f"consume {name}", context=parent, kind=SpanKind.CONSUMER):
            time.sleep(0.005)

    send_and_consume(trace_only, "order.created")
    send_and_consume(both, "order.paid")
    rec.close()


def orphan():
    """A span that is never ended is never exported: its child's parent is absent."""
    rec = Recording("orphan")
    tracer = rec.tracer("cart")
    with tracer.start_as_current_span("POST /cart", kind=SpanKind.SERVER):
        load = tracer.start_span("load_cart")  # never ended: the bug
        with tracer.start_as_current_span("query_db", context=trace.set_span_in_context(load)):
            time.sleep(0.005)
    rec.close()


def correct():
    """The same hand-offs done right with ctxbridge: no finding."""
    rec = Recording("correct")
    orders, billing = rec.tracer("order-service"), rec.tracer("billing")

    def fulfil():
        with orders.start_as_current_span("background_fulfillment"):
            time.sleep(0.01)

    token = context.attach(baggage.set_baggage("tenant.id", "acme"))
    try:
        with ctxbridge.ThreadPoolExecutor(max_workers=2) as pool:
            with orders.start_as_current_span("POST /orders", kind=SpanKind.SERVER):
                with orders.start_as_current_span("validate_payment"):
                    pool.submit(fulfil).result()
                headers = {}
                with orders.start_as_current_span("publish order.created", kind=SpanKind.PRODUCER):
                    ctxbridge.inject(headers)
    finally:
        context.detach(token)
    with ctxbridge.resume(headers, enqueued_at=time.time(), max_age=60, name="consume order.created", tracer=billing):
        time.sleep(0.005)
    with ctxbridge.resume(headers, enqueued_at=time.time() - 7200, max_age=60, name="replay order.created", tracer=billing):
        time.sleep(0.005)
    rec.close()


PATTERNS = [threadpool, asyncio_executor, leaked_context, late_consumer, lost_baggage, orphan, correct]

if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for pattern in PATTERNS:
        pattern()
        print(f"recorded {pattern.__name__}", file=sys.stderr)
