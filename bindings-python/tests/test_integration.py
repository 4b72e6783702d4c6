"""ctxbridge inside a real OpenTelemetry setup: entry points, and the threading
instrumentation enabled at the same time."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from opentelemetry.context.context import Context
from opentelemetry.instrumentation.threading import ThreadingInstrumentor

import ctxbridge


def run_python(code, **env):
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_otel_python_context_selects_the_ctxbridge_runtime():
    out = run_python(
        """
        from opentelemetry import context
        print(type(context._RUNTIME_CONTEXT).__name__)
        """,
        OTEL_PYTHON_CONTEXT="ctxbridge",
    )
    assert out == "CtxbridgeRuntimeContext"


def test_otel_propagators_selects_the_ctxbridge_propagator():
    out = run_python(
        """
        from opentelemetry.propagate import get_global_textmap
        print([type(p).__name__ for p in get_global_textmap()._propagators])
        """,
        OTEL_PROPAGATORS="ctxbridge",
    )
    assert out == "['CtxbridgePropagator']"


def test_with_threading_instrumentation_nothing_is_attached_twice(ctxbridge_runtime, tracer):
    """The instrumentation wraps submit/start/run to attach the submitter's context,
    as ctxbridge does: each task must still be attached once, under the right parent."""
    from opentelemetry import trace

    def current_span_ids():
        span_context = trace.get_current_span().get_span_context()
        return span_context.trace_id, span_context.span_id

    instrumentor = ThreadingInstrumentor()
    instrumentor.instrument()
    try:
        with tracer.start_as_current_span("validate_payment") as parent:
            expected = (parent.get_span_context().trace_id, parent.get_span_context().span_id)
            with ctxbridge.ThreadPoolExecutor(max_workers=1) as pool:
                pool.submit(current_span_ids).result()  # starts the worker thread
                before = ctxbridge.stats()["attached"]
                assert pool.submit(current_span_ids).result() == expected
                assert ctxbridge.stats()["attached"] - before == 1

            seen = []
            thread = ctxbridge.Thread(target=lambda: seen.append(current_span_ids()))
            before = ctxbridge.stats()["attached"]
            thread.start()
            thread.join()
            assert ctxbridge.stats()["attached"] - before == 1
            assert seen == [expected]
    finally:
        instrumentor.uninstrument()


def test_plain_pool_under_the_instrumentation_still_works(ctxbridge_runtime, tracer, exporter):
    from concurrent.futures import ThreadPoolExecutor

    instrumentor = ThreadingInstrumentor()
    instrumentor.instrument()
    try:
        with tracer.start_as_current_span("validate_payment"):
            with ThreadPoolExecutor(max_workers=1) as pool:
                pool.submit(lambda: tracer.start_span("pool").end()).result()
    finally:
        instrumentor.uninstrument()
    spans = {s.name: s for s in exporter.get_finished_spans()}
    assert spans["pool"].parent.span_id == spans["validate_payment"].context.span_id


def test_token_exposes_its_context(ctxbridge_runtime):
    context = Context({"k": "v"})
    token = ctxbridge.attach(context)
    assert token.context is context and token.live
    ctxbridge.detach(token)
    assert not token.live
