"""asyncio: each task is its own scope; run_in_executor through the helper keeps the parent."""

from __future__ import annotations

import asyncio

import pytest
from opentelemetry import context
from opentelemetry import trace
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


async def test_run_in_a_coroutine_function_keeps_its_context_across_awaits(runtime, tracer, exporter):
    """Rule 6 for async work: the task's context holds after every await, and the
    hygiene runs when the coroutine finishes, not when it first yields."""
    seen = []

    async def fulfil(order_id: str) -> str:
        await asyncio.sleep(0)
        with tracer.start_as_current_span("after-microtask"):
            await asyncio.sleep(0.01)
        with tracer.start_as_current_span("after-timer"):
            seen.append(trace.get_current_span().get_span_context().trace_id)
        return order_id

    with tracer.start_as_current_span("validate_payment") as parent:
        snapshot = ctxbridge.capture()
    assert await ctxbridge.run_in(snapshot, fulfil, "o-1") == "o-1"
    spans = {span.name: span for span in exporter.get_finished_spans()}
    for name in ("after-microtask", "after-timer"):
        assert spans[name].context.trace_id == parent.get_span_context().trace_id
        assert spans[name].parent.span_id == parent.get_span_context().span_id
    assert seen == [parent.get_span_context().trace_id]
    assert trace.get_current_span() is trace.INVALID_SPAN


async def test_a_leak_made_after_an_await_is_counted_when_the_task_ends(ctxbridge_runtime, stats_delta):
    from opentelemetry.context.context import Context

    async def leaky() -> None:
        await asyncio.sleep(0.001)
        ctxbridge.attach(Context({"label": "leaked"}))
        await asyncio.sleep(0)

    await ctxbridge.run_in(Context({"label": "task"}), leaky)
    delta = stats_delta()
    assert delta["leaked"] == 1
    assert delta["attached"] == 2 and delta["detached"] == 1
    assert context.get_current().get("label") is None


async def test_a_wrapped_coroutine_function_runs_in_the_capture(runtime, tracer, exporter):
    async def job() -> None:
        await asyncio.sleep(0)
        with tracer.start_as_current_span("job"):
            pass

    with tracer.start_as_current_span("submit") as parent:
        wrapped = ctxbridge.wrap(job)
    assert asyncio.iscoroutinefunction(wrapped)
    await wrapped()
    (job_span,) = [s for s in exporter.get_finished_spans() if s.name == "job"]
    assert job_span.parent.span_id == parent.get_span_context().span_id


async def test_a_failing_coroutine_is_cleaned_up_and_its_error_kept(ctxbridge_runtime, stats_delta):
    from opentelemetry.context.context import Context

    async def failing() -> None:
        ctxbridge.attach(Context({"label": "leaked"}))
        await asyncio.sleep(0)
        raise KeyError("order")

    with pytest.raises(KeyError, match="order"):
        await ctxbridge.run_in(Context({"label": "task"}), failing)
    assert stats_delta()["leaked"] == 1
    assert context.get_current().get("label") is None


async def test_threads_refuse_coroutine_functions_with_a_clear_error():
    async def job() -> None:
        pass

    with ctxbridge.ThreadPoolExecutor(max_workers=1) as pool:
        with pytest.raises(TypeError, match="ThreadPoolExecutor.submit: fn is a coroutine function"):
            pool.submit(job)
    with pytest.raises(TypeError, match="run_in_executor: fn is a coroutine function"):
        await ctxbridge.run_in_executor(None, job)
