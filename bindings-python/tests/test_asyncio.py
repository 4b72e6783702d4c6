"""asyncio: each task is its own scope; run_in_executor through the helper keeps the parent."""

from __future__ import annotations

import asyncio

import pytest
from opentelemetry import context
from opentelemetry.context.context import Context

import ctxbridge


async def test_concurrent_tasks_never_see_each_others_context(runtime):
    seen = {}

    async def task(label):
        token = ctxbridge.attach(Context({"label": label}))
        for _ in range(20):
            await asyncio.sleep(0)  # interleave with the other tasks
            seen.setdefault(label, set()).add(context.get_current().get("label"))
        inner = ctxbridge.attach(Context({"label": label + "-inner"}))
        await asyncio.sleep(0)
        seen[label].add(context.get_current().get("label"))
        ctxbridge.detach(inner)
        await asyncio.sleep(0)
        seen[label].add(context.get_current().get("label"))
        ctxbridge.detach(token)

    await asyncio.gather(*(task(name) for name in ("a", "b", "c", "d")))
    for label, labels in seen.items():
        assert labels == {label, label + "-inner"}
    assert context.get_current().get("label") is None


async def test_detach_in_another_task_is_wrong_scope(ctxbridge_runtime, stats_delta):
    ctxbridge.set_mode("strict")
    token = ctxbridge.attach(Context({"label": "parent"}))

    async def child():
        # The child inherited the parent's context, but the token is not its own.
        with pytest.raises(ctxbridge.MisuseError, match="wrong_scope"):
            ctxbridge.detach(token)
        assert context.get_current().get("label") == "parent"

    await asyncio.create_task(child())
    ctxbridge.detach(token)  # still the parent's to detach, and it works
    assert context.get_current().get("label") is None
    assert stats_delta()["wrong_scope"] == 1


async def test_run_in_executor_helper_keeps_the_parent(runtime, tracer, exporter):
    def fulfill():
        with tracer.start_as_current_span("background_fulfillment"):
            return context.get_current()

    with tracer.start_as_current_span("validate_payment"):
        await ctxbridge.run_in_executor(None, fulfill)
        # Without the helper the executor thread has no parent:
        await asyncio.get_running_loop().run_in_executor(None, lambda: tracer.start_span("orphan").end())
    spans = {s.name: s for s in exporter.get_finished_spans()}
    child, parent = spans["background_fulfillment"], spans["validate_payment"]
    assert child.context.trace_id == parent.context.trace_id
    assert child.parent.span_id == parent.context.span_id
    assert spans["orphan"].parent is None


async def test_seed_copy_context_pattern(runtime, tracer, exporter):
    """The seed's asyncio pattern: contextvars.copy_context().run in the executor."""
    import contextvars

    def fulfill():
        with tracer.start_as_current_span("background_fulfillment"):
            pass

    with tracer.start_as_current_span("validate_payment"):
        ctx_copy = contextvars.copy_context()
        await asyncio.get_running_loop().run_in_executor(None, ctx_copy.run, fulfill)
    spans = {s.name: s for s in exporter.get_finished_spans()}
    assert spans["background_fulfillment"].parent.span_id == spans["validate_payment"].context.span_id
