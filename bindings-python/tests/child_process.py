"""Run in ProcessPoolExecutor children (spawned, so importable by name)."""

from __future__ import annotations

from opentelemetry import baggage, trace
from opentelemetry.sdk.trace import TracerProvider


def init_tracing() -> None:
    """The child's own tracer provider, as a real service sets up in `initializer`."""
    trace.set_tracer_provider(TracerProvider())


def fulfill(order_id: str):
    """Starts a span and reports its ids, its parent, and the baggage it saw."""
    tracer = trace.get_tracer("order-service")
    with tracer.start_as_current_span("background_fulfillment") as span:
        span.set_attribute("order.id", order_id)
        context = span.get_span_context()
        parent = span.parent  # type: ignore[attr-defined]
        return context.trace_id, parent.span_id if parent else None, baggage.get_baggage("tenant.id")


def strict_double_detach() -> None:
    """Detaches one token twice in strict mode: raises ctxbridge.MisuseError in the child."""
    import ctxbridge
    from opentelemetry.context.context import Context

    ctxbridge.set_mode("strict")
    token = ctxbridge.attach(Context())
    ctxbridge.detach(token)
    ctxbridge.detach(token)
