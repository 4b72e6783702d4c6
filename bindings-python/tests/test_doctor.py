"""The doctor through Python: the seed's broken hand-off run for real with the SDK and
its in-memory exporter, diagnosed by ctxbridge.doctor, and the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor as PlainThreadPoolExecutor
from pathlib import Path

import pytest

import ctxbridge
from ctxbridge.doctor import assert_unbroken, diagnose

RECORDED = Path(__file__).resolve().parents[2] / "tests" / "doctor" / "recorded"


def fulfil(tracer, order_id):
    with tracer.start_as_current_span("background_fulfillment") as span:
        span.set_attribute("order.id", order_id)


def test_a_plain_pool_is_named_with_the_span_that_submitted(runtime, tracer, exporter):
    with PlainThreadPoolExecutor(max_workers=2) as pool:
        with tracer.start_as_current_span("validate_payment") as span:
            span.set_attribute("order.id", "o-7")
            pool.submit(fulfil, tracer, "o-7").result()
    spans = {s.name: s for s in exporter.get_finished_spans()}
    (finding,) = diagnose(exporter).findings
    assert finding.shape == "broken-handoff"
    assert finding.span["span_id"] == f"{spans['background_fulfillment'].context.span_id:016x}"
    assert finding.related["span_id"] == f"{spans['validate_payment'].context.span_id:016x}"
    assert finding.related["trace_id"] == f"{spans['validate_payment'].context.trace_id:032x}"
    assert "order.id=o-7" in " ".join(finding.evidence)
    assert "ctxbridge.ThreadPoolExecutor" in finding.fix
    with pytest.raises(AssertionError, match=r"broken hand-off: 'background_fulfillment'"):
        assert_unbroken(exporter)


def test_ctxbridge_pool_passes(runtime, tracer, exporter):
    with ctxbridge.ThreadPoolExecutor(max_workers=2) as pool:
        with tracer.start_as_current_span("validate_payment") as span:
            span.set_attribute("order.id", "o-8")
            pool.submit(fulfil, tracer, "o-8").result()
    assert len(exporter.get_finished_spans()) == 2
    assert_unbroken(exporter)


def test_options_are_checked_and_bad_text_is_named():
    with pytest.raises(ValueError, match="doctor: late_after must be a number of seconds"):
        diagnose("", late_after=-1)
    with pytest.raises(ValueError, match="doctor: .*not JSON"):
        diagnose("{")
    assert diagnose("").findings == []


def test_recordings_read_from_text_and_options_apply():
    text = (RECORDED / "python-late-consumer.json").read_text()
    assert diagnose(text).findings == []  # 1.2 s is not late by the default 60 s
    (finding,) = diagnose(text, late_after=1.0).findings
    assert (finding.shape, finding.span["name"], finding.related["name"]) == (
        "late-work",
        "consume order.created",
        "publish order.created",
    )


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "ctxbridge.doctor", *args], capture_output=True, text=True, timeout=60
    )


def test_the_command_line_reports_and_gates():
    broken = run_cli(str(RECORDED / "python-threadpool.json"))
    assert broken.returncode == 1, broken.stderr
    assert "✗ [1] broken hand-off" in broken.stdout
    assert "fix (python)" in broken.stdout
    as_json = json.loads(run_cli("--json", str(RECORDED / "java-work-queue.json")).stdout)
    assert [f["shape"] for f in as_json["findings"]] == ["broken-handoff"]
    assert run_cli(str(RECORDED / "python-correct.json")).returncode == 0
    usage = run_cli("--nope")
    assert usage.returncode == 2 and "unknown option --nope" in usage.stderr
