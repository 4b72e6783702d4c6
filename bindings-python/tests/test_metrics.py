"""The counters through OpenTelemetry's metrics API: the SDK's in-memory reader sees what a
test provokes, with the names and attribute the core gives, and so does the console exporter
under opentelemetry-instrument with no code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from opentelemetry import baggage as otel_baggage
from opentelemetry.context import Context
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

import ctxbridge
import ctxbridge.metrics


def points(reader):
    """{(metric name, kind or None): value} of the reader's last collection."""
    out = {}
    data = reader.get_metrics_data()
    for resource in data.resource_metrics:
        for scope in resource.scope_metrics:
            assert scope.scope.name == "ctxbridge"
            for metric in scope.metrics:
                for point in metric.data.data_points:
                    out[(metric.name, point.attributes.get("ctxbridge.misuse.kind"))] = point.value
    return out


def provoke_misuse():
    """One out-of-order detach (which leaks the attach above it) and one double detach."""
    first = ctxbridge.attach(otel_baggage.set_baggage("k", "1", Context()))
    ctxbridge.attach(otel_baggage.set_baggage("k", "2", Context()))
    ctxbridge.detach(first)
    ctxbridge.detach(first)


def test_the_in_memory_reader_sees_every_counter_with_its_kind(ctxbridge_runtime):
    reader = InMemoryMetricReader()
    ctxbridge.metrics.register(MeterProvider(metric_readers=[reader]))
    provoke_misuse()
    seen = points(reader)
    stats = ctxbridge.stats()
    assert stats["out_of_order"] >= 1 and stats["double_detach"] >= 1 and stats["leaked"] >= 1
    assert seen == {
        ("ctxbridge.context.attached", None): stats["attached"],
        ("ctxbridge.context.detached", None): stats["detached"],
        ("ctxbridge.context.misuse", "out_of_order"): stats["out_of_order"],
        ("ctxbridge.context.misuse", "double_detach"): stats["double_detach"],
        ("ctxbridge.context.misuse", "wrong_scope"): stats["wrong_scope"],
        ("ctxbridge.context.misuse", "leaked"): stats["leaked"],
    }


def test_registering_twice_with_one_provider_adds_nothing():
    reader = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[reader])
    ctxbridge.metrics.register(provider)
    ctxbridge.metrics.register(provider)
    names = [name for name, _ in points(reader)]
    assert names.count("ctxbridge.context.attached") == 1
    assert names.count("ctxbridge.context.misuse") == 4


@pytest.mark.skipif(
    not os.path.exists(os.path.join(os.path.dirname(sys.executable), "opentelemetry-instrument")),
    reason="opentelemetry-instrument is not installed",
)
def test_opentelemetry_instrument_publishes_them_with_no_code(tmp_path):
    app = tmp_path / "app.py"
    app.write_text(
        textwrap.dedent(
            """
            from opentelemetry import context, metrics
            first = context.attach(context.set_value("k", 1))
            context.attach(context.set_value("k", 2))
            context.detach(first)  # out of order
            metrics.get_meter_provider().force_flush()
            """
        )
    )
    env = dict(
        os.environ,
        OTEL_PYTHON_CONTEXT="ctxbridge",
        OTEL_TRACES_EXPORTER="none",
        OTEL_LOGS_EXPORTER="none",
        OTEL_METRICS_EXPORTER="console",
        OTEL_METRIC_EXPORT_INTERVAL="600000",
    )
    instrument = os.path.join(os.path.dirname(sys.executable), "opentelemetry-instrument")
    result = subprocess.run(
        [instrument, sys.executable, str(app)], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    exported = json.loads(result.stdout[result.stdout.index("{") :].split("\n}\n")[0] + "\n}")
    misuse = {}
    for resource in exported["resource_metrics"]:
        for scope in resource["scope_metrics"]:
            if scope["scope"]["name"] != "ctxbridge":
                continue
            for metric in scope["metrics"]:
                for point in metric["data"]["data_points"]:
                    misuse[(metric["name"], point["attributes"].get("ctxbridge.misuse.kind"))] = point["value"]
    assert misuse[("ctxbridge.context.misuse", "out_of_order")] == 1
    assert misuse[("ctxbridge.context.misuse", "leaked")] == 1
    assert misuse[("ctxbridge.context.attached", None)] == 2
