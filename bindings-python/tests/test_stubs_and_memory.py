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
