"""Smoke program for an installed wheel: the seed's hand-off under the real SDK, one
extract/inject, one misuse counted. Run with OTEL_PYTHON_CONTEXT=ctxbridge."""

from typing import Dict

from opentelemetry import context
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import ctxbridge
from ctxbridge import CtxbridgePropagator, ThreadPoolExecutor

exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
tracer = provider.get_tracer("smoke")



def background_fulfillment() -> None:
    with tracer.start_as_current_span("background_fulfillment"):
        pass


assert type(context._RUNTIME_CONTEXT).__name__ == "CtxbridgeRuntimeContext"
with ThreadPoolExecutor(max_workers=2) as pool:
    with tracer.start_as_current_span("validate_payment"):
        pool.submit(background_fulfillment).result()
spans = {span.name: span for span in exporter.get_finished_spans()}
child, parent_span = spans["background_fulfillment"], spans["validate_payment"]
assert child.context is not None and parent_span.context is not None and child.parent is not None
assert child.context.trace_id == parent_span.context.trace_id
assert child.parent.span_id == parent_span.context.span_id

propagator = CtxbridgePropagator()
carrier = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}
extracted = propagator.extract(carrier)
out: Dict[str, str] = {}
propagator.inject(out, context=extracted)
assert out["traceparent"] == carrier["traceparent"], out

before = ctxbridge.stats()["double_detach"]
token = ctxbridge.attach(context.get_current())
ctxbridge.detach(token)
ctxbridge.set_mode("off")
ctxbridge.detach(token)
assert ctxbridge.stats()["double_detach"] - before == 1
print(f"python {ctxbridge.__version__}: hand-off, extract/inject, misuse counted")
