"""ctxbridge beside opentelemetry-python in one run: propagator extract/inject and
runtime-context attach+detach. Warmed timeit loops; prints a Markdown table of ratios
(opentelemetry time / ctxbridge time: above 1, ctxbridge is faster).

Run with `make bench-python` (a release build of the extension).
"""

from __future__ import annotations

import timeit

from opentelemetry import baggage, trace
from opentelemetry import context as otel_context
from opentelemetry.baggage.propagation import W3CBaggagePropagator
from opentelemetry.context.context import Context
from opentelemetry.context.contextvars_context import ContextVarsRuntimeContext
from opentelemetry.propagators.composite import CompositePropagator
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from ctxbridge import CtxbridgePropagator, CtxbridgeRuntimeContext

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
TRACESTATE = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"
BAGGAGE = "tenant.id=acme,user.id=alice"


def best_ns(statement, number=20000, repeat=9):
    """Best mean time per call over `repeat` runs, after ~0.2 s of warm-up."""
    timeit.timeit(statement, number=number)  # warm up caches, allocator and CPU clock
    return min(timeit.repeat(statement, number=number, repeat=repeat)) / number * 1e9


def row(name, ours, theirs):
    print(f"| {name} | {ours:,.0f} ns | {theirs:,.0f} ns | {theirs / ours:.1f}x |")


def main():
    ours = CtxbridgePropagator()
    w3c = TraceContextTextMapPropagator()
    composite = CompositePropagator([TraceContextTextMapPropagator(), W3CBaggagePropagator()])
    trace_carrier = {"traceparent": TRACEPARENT, "tracestate": TRACESTATE}
    full_carrier = {**trace_carrier, "baggage": BAGGAGE}
    empty = Context()

    trace_context = w3c.extract(trace_carrier, context=empty)
    full_context = composite.extract(full_carrier, context=empty)
    assert trace.get_current_span(ours.extract(trace_carrier, context=empty)).get_span_context() == \
        trace.get_current_span(trace_context).get_span_context()
    assert baggage.get_all(ours.extract(full_carrier, context=empty)) == baggage.get_all(full_context)

    print("| benchmark | ctxbridge | opentelemetry-python | ratio |")
    print("|---|---:|---:|---:|")
    row("extract traceparent+tracestate (vs TraceContextTextMapPropagator)",
        best_ns(lambda: ours.extract(trace_carrier, context=empty)),
        best_ns(lambda: w3c.extract(trace_carrier, context=empty)))
    row("inject traceparent+tracestate (vs TraceContextTextMapPropagator)",
        best_ns(lambda: ours.inject({}, context=trace_context)),
        best_ns(lambda: w3c.inject({}, context=trace_context)))
    row("extract with baggage (vs TraceContext + W3CBaggage composite)",
        best_ns(lambda: ours.extract(full_carrier, context=empty)),
        best_ns(lambda: composite.extract(full_carrier, context=empty)))
    row("inject with baggage (vs TraceContext + W3CBaggage composite)",
        best_ns(lambda: ours.inject({}, context=full_context)),
        best_ns(lambda: composite.inject({}, context=full_context)))

    ctxbridge_runtime = CtxbridgeRuntimeContext()
    default_runtime = ContextVarsRuntimeContext()
    value = Context({"k": "v"})

    def cycle(runtime):
        attach, detach = runtime.attach, runtime.detach
        return lambda: detach(attach(value))

    row("attach+detach, runtime methods (vs ContextVarsRuntimeContext)",
        best_ns(cycle(ctxbridge_runtime)), best_ns(cycle(default_runtime)))

    def api_cycle(runtime):
        # What instrumentation calls: opentelemetry.context.attach/detach on the
        # runtime that OTEL_PYTHON_CONTEXT selected.
        def run():
            otel_context._RUNTIME_CONTEXT = runtime
            attach, detach = otel_context.attach, otel_context.detach
            return best_ns(lambda: detach(attach(value)))
        return run()

    saved = otel_context._RUNTIME_CONTEXT
    try:
        row("attach+detach via opentelemetry.context (vs ContextVarsRuntimeContext)",
            api_cycle(ctxbridge_runtime), api_cycle(default_runtime))
    finally:
        otel_context._RUNTIME_CONTEXT = saved
    row("get_current (vs ContextVarsRuntimeContext)",
        best_ns(ctxbridge_runtime.get_current, number=100000), best_ns(default_runtime.get_current, number=100000))


if __name__ == "__main__":
    main()
