"""The seed scenario in Python: an order service whose handler validates a payment and
hands fulfilment to a thread pool, then publishes a message that is consumed now (a
child span) and again two hours later (a new trace with a link).

Run with `make demo`. The same handler runs first on a plain ThreadPoolExecutor, to
show the orphaned span ctxbridge exists to prevent.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor as PlainThreadPoolExecutor

from opentelemetry import baggage, context, trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import ctxbridge
from ctxbridge.doctor import diagnose

BAR = 40

exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
trace.set_tracer_provider(provider)
tracer = trace.get_tracer("order-service", "1.0.0")


def fulfill(order_id: str) -> None:
    with tracer.start_as_current_span("background_fulfillment") as span:
        span.set_attribute("order.id", order_id)
        span.set_attribute("messaging.operation", "process")
        span.set_attribute("tenant.id", baggage.get_baggage("tenant.id") or "<lost>")
        time.sleep(0.025)


def process_order(executor, order_id: str) -> None:
    token = context.attach(baggage.set_baggage("tenant.id", "acme"))
    try:
        with tracer.start_as_current_span("POST /orders"):
            with tracer.start_as_current_span("validate_payment") as span:
                span.set_attribute("order.id", order_id)
                time.sleep(0.010)
                executor.submit(fulfill, order_id)
    finally:
        context.detach(token)


def consume(headers, enqueued_at: float, name: str) -> None:
    with ctxbridge.resume(headers, enqueued_at=enqueued_at, max_age=60, name=name, tracer=tracer) as span:
        span.set_attribute("tenant.id", baggage.get_baggage("tenant.id") or "<lost>")
        time.sleep(0.005)


def waterfall(title: str, spans) -> None:
    print(f"\n== {title} ==")
    traces = {}
    for span in sorted(spans, key=lambda s: s.start_time):
        traces.setdefault(span.context.trace_id, []).append(span)
    for trace_id, members in traces.items():
        start = min(s.start_time for s in members)
        total = max(max(s.end_time for s in members) - start, 1)
        ids = {s.context.span_id for s in members}
        children = {}
        for s in members:
            parent = s.parent.span_id if s.parent and s.parent.span_id in ids else None
            children.setdefault(parent, []).append(s)
        print(f"trace {trace_id:032x}")

        def show(span, depth):
            offset = round((span.start_time - start) / total * BAR)
            width = max(1, round((span.end_time - span.start_time) / total * BAR))
            bar = (" " * offset + "█" * width)[:BAR]
            parent = f"parent {span.parent.span_id:016x}" if span.parent else "root"
            link = f" (linked to {span.links[0].context.trace_id:032x})" if span.links else ""
            label = "  " * depth + span.name
            millis = (span.end_time - span.start_time) / 1e6
            print(f"  {label:<34} span {span.context.span_id:016x} {parent:<24} |{bar:<{BAR}}| {millis:6.1f} ms{link}")
            for child in children.get(span.context.span_id, []):
                show(child, depth + 1)

        for root in children.get(None, []):
            show(root, 0)


def main() -> int:
    with PlainThreadPoolExecutor(max_workers=2) as executor:
        process_order(executor, "o-1001")
    waterfall("without ctxbridge: background_fulfillment is an orphan in a trace of its own", exporter.get_finished_spans())
    print("\n-- ctxbridge doctor, on the run without ctxbridge --")
    print(diagnose(exporter).report)
    exporter.clear()

    with ctxbridge.ThreadPoolExecutor(max_workers=2) as executor:
        process_order(executor, "o-1002")

    headers = {}
    token = context.attach(baggage.set_baggage("tenant.id", "acme"))
    try:
        with tracer.start_as_current_span("publish order.created"):
            ctxbridge.inject(headers)
            time.sleep(0.003)
    finally:
        context.detach(token)
    consume(headers, time.time(), "consume order.created")
    consume(headers, time.time() - 2 * 3600, "nightly replay order.created")

    spans = exporter.get_finished_spans()
    waterfall("with ctxbridge: fulfilment under validate_payment; a late message links back", spans)

    by_name = {s.name: s for s in spans}
    child, parent = by_name["background_fulfillment"], by_name["validate_payment"]
    ok = child.context.trace_id == parent.context.trace_id and child.parent.span_id == parent.context.span_id
    print(f"\ncheck: spans[1].trace_id == spans[0].trace_id and spans[1].parent.span_id == spans[0].context.span_id: {'yes' if ok else 'NO'}")
    clean = not diagnose(spans).findings
    print(f"check: the doctor finds no broken hand-off in the run with ctxbridge: {'yes' if clean else 'NO'}")
    print("ctxbridge stats:", ctxbridge.stats())
    return 0 if ok and clean else 1


if __name__ == "__main__":
    raise SystemExit(main())
