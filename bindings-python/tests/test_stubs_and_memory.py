"""The committed type stub matches the extension, and long runs leave memory flat."""

from __future__ import annotations

import ast
import gc
import pathlib
import tracemalloc

from opentelemetry.context.context import Context

import ctxbridge
from ctxbridge import _native

STUB = pathlib.Path(ctxbridge.__file__).with_name("_native.pyi")


def test_stub_declares_exactly_what_the_extension_exports():
    tree = ast.parse(STUB.read_text())
    declared = {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    declared |= {
        node.target.id
        for node in tree.body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id != "__version__"
    }
    exported = {name for name in dir(_native) if not name.startswith("_")}
    assert declared == exported


def test_package_is_typed():
    assert STUB.with_name("py.typed").exists()


CYCLES = 1_000_000


def _measure(work) -> int:
    work(1000)  # warm up caches and interned objects
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        work(CYCLES)
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_a_million_attach_detach_cycles_leave_memory_flat(ctxbridge_runtime):
    context = Context({"tenant.id": "acme"})

    def cycles(n):
        attach, detach = ctxbridge.attach, ctxbridge.detach
        for _ in range(n):
            detach(attach(context))

    assert _measure(cycles) < 64 * 1024


def test_a_million_capture_run_cycles_leave_memory_flat(ctxbridge_runtime):
    def noop():
        return None

    def cycles(n):
        capture, run_in = ctxbridge.capture, ctxbridge.run_in
        for _ in range(n):
            run_in(capture(), noop)

    assert _measure(cycles) < 64 * 1024


# Native memory: what the extension itself holds (frames, tokens' payloads, strings), which
# tracemalloc cannot see. Debug builds, the ones the suite runs, count it. A leak of one
# 16-byte object per operation over 100,000 operations would be 1.6 MB; the bound is 16 KiB.
NATIVE_OPS = 100_000
NATIVE_BOUND = 16 * 1024


def _native_growth(work) -> int:
    before_warm = _native.live_bytes()
    assert before_warm is not None, "the suite runs a debug build, which counts native bytes"
    work(5_000)  # warm up: thread-local stacks, interned tables, allocator caches
    gc.collect()
    before = _native.live_bytes()
    work(NATIVE_OPS)
    gc.collect()
    return _native.live_bytes() - before


def test_attach_detach_through_opentelemetry_leaves_native_memory_flat(ctxbridge_runtime):
    from opentelemetry import context as otel_context

    ctx = Context({"tenant.id": "acme"})

    def work(n):
        attach, detach = otel_context.attach, otel_context.detach
        for _ in range(n):
            detach(attach(ctx))

    assert _native_growth(work) < NATIVE_BOUND


def test_pooled_tasks_leave_native_memory_flat(ctxbridge_runtime, tracer):
    pool = ctxbridge.ThreadPoolExecutor(max_workers=2)

    def task():
        with tracer.start_as_current_span("task"):
            return None

    def work(n):
        with tracer.start_as_current_span("submit"):
            futures = [pool.submit(task) for _ in range(n)]
        for future in futures:
            future.result()

    try:
        # Fewer tasks, each several attaches; the bound still breaks at a leak per task.
        growth = _native_growth(lambda n: work(n // 5))
    finally:
        pool.shutdown()
    assert growth < NATIVE_BOUND


def test_extract_and_inject_leave_native_memory_flat(ctxbridge_runtime):
    propagator = ctxbridge.CtxbridgePropagator()
    carrier = {
        "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "tracestate": "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7",
        "baggage": "user=alice;p=1,bad key=dropped",
    }

    def work(n):
        for _ in range(n):
            out: dict = {}
            propagator.inject(out, context=propagator.extract(carrier))

    assert _native_growth(work) < NATIVE_BOUND


def test_the_native_count_sees_a_leak(ctxbridge_runtime):
    # The count is real: holding tokens keeps their frames, which the count shows.
    ctx = Context({"k": 1})
    gc.collect()
    before = _native.live_bytes()
    held = [ctxbridge.attach(ctx) for _ in range(1000)]
    grown = _native.live_bytes() - before
    for token in reversed(held):
        ctxbridge.detach(token)
    assert grown >= 1000 * 16, grown
