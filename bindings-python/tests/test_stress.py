"""Under load: pooled tasks, a tenth of them leaking an attach, never see a wrong parent, the
counters add up exactly, and memory stays flat once warm (the stress runs of issue 12 at
smaller counts)."""

from __future__ import annotations

import gc
import tracemalloc

from opentelemetry import context, trace
from opentelemetry.context.context import Context
from opentelemetry.sdk.trace import TracerProvider

import ctxbridge

LEAK_EVERY = 10


def _task(expected_parent: int, number: int) -> bool:
    """Runs in the pool: sees the submitter's span, leaks an attach every tenth time."""
    seen = trace.get_current_span().get_span_context().span_id
    if number % LEAK_EVERY == 0:
        context.attach(Context({"leaked": number}))
    return seen == expected_parent


def test_pooled_tasks_see_their_parent_and_leaks_are_counted_exactly(ctxbridge_runtime, tracer, stats_delta):
    tasks = 20_000
    with ctxbridge.ThreadPoolExecutor(max_workers=4) as pool:
        futures = []
        for number in range(tasks):
            with tracer.start_as_current_span("submit") as span:
                futures.append(pool.submit(_task, span.get_span_context().span_id, number))
        wrong_parents = sum(1 for future in futures if not future.result())
    assert wrong_parents == 0
    delta = stats_delta()
    assert delta["leaked"] == tasks // LEAK_EVERY
    # Every attach (spans, task wrappers, leaks, and any instrumentation's) was detached or
    # counted as leaked: nothing is left over, nothing counted twice.
    assert delta["attached"] == delta["detached"] + delta["leaked"]
    assert delta["attached"] >= 2 * tasks + tasks // LEAK_EVERY
    assert (delta["out_of_order"], delta["double_detach"], delta["wrong_scope"]) == (0, 0, 0)


def test_pooled_tasks_leave_memory_flat_once_warm(ctxbridge_runtime):
    tracer = TracerProvider().get_tracer("stress")  # spans go nowhere: only ctxbridge's memory counts

    def batch(tasks: int) -> None:
        with ctxbridge.ThreadPoolExecutor(max_workers=4) as pool:
            for number in range(tasks):
                with tracer.start_as_current_span("submit") as span:
                    pool.submit(_task, span.get_span_context().span_id, number)

    batch(5_000)  # warm-up: thread pools, caches, the allocator's free lists
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    batch(20_000)
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    assert grown < 256 * 1024, f"{grown} bytes still allocated after 20,000 more tasks"
