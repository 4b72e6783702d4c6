"""Shared fixtures: the real OpenTelemetry SDK with its in-memory exporter, and the
runtime context under test (the default contextvars one, or ctxbridge's)."""

from __future__ import annotations

import contextvars
import json
import pathlib
from typing import Dict, Iterator

import pytest
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context.contextvars_context import ContextVarsRuntimeContext
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import ctxbridge

VECTORS = pathlib.Path(__file__).resolve().parents[2] / "tests" / "vectors"

_EXPORTER = InMemorySpanExporter()
_PROVIDER = TracerProvider()
_PROVIDER.add_span_processor(SimpleSpanProcessor(_EXPORTER))
trace.set_tracer_provider(_PROVIDER)


def load_vectors(name: str) -> dict:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    _EXPORTER.clear()
    yield _EXPORTER
    _EXPORTER.clear()


@pytest.fixture
def tracer() -> trace.Tracer:
    return _PROVIDER.get_tracer("order-service")


@pytest.fixture(params=["contextvars", "ctxbridge"])
def runtime(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs the test under each runtime context, as OTEL_PYTHON_CONTEXT would select it."""
    chosen = ctxbridge.CtxbridgeRuntimeContext() if request.param == "ctxbridge" else ContextVarsRuntimeContext()
    monkeypatch.setattr(otel_context, "_RUNTIME_CONTEXT", chosen)
    return request.param


@pytest.fixture
def ctxbridge_runtime(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(otel_context, "_RUNTIME_CONTEXT", ctxbridge.CtxbridgeRuntimeContext())


@pytest.fixture(autouse=True)
def fresh_context_and_mode() -> Iterator[None]:
    """Each test starts with nothing attached, the default mode and no attach sites
    recorded, and leaves so."""
    ctxbridge.set_mode("warn")
    ctxbridge.set_attach_sites(False)
    yield
    ctxbridge.set_mode("warn")
    ctxbridge.set_attach_sites(False)


class StatsDelta:
    """How much each counter grew since it was made."""

    def __init__(self) -> None:
        self.start = ctxbridge.stats()

    def __call__(self) -> Dict[str, int]:
        now = ctxbridge.stats()
        return {key: now[key] - self.start[key] for key in now}


@pytest.fixture
def stats_delta() -> StatsDelta:
    return StatsDelta()


def in_fresh_context(fn, *args):
    """Runs fn in a new, empty contextvars.Context (nothing attached)."""
    return contextvars.Context().run(fn, *args)
