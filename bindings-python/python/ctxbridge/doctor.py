"""The doctor: reads finished spans and names each broken context hand-off, with the
span pair, the evidence and a one-line fix (the engine is ctxbridge's core).

In a test, over OpenTelemetry's in-memory exporter::

    from ctxbridge.doctor import assert_unbroken

    def test_fulfilment_stays_in_the_request_trace(exporter):
        handle_order()
        assert_unbroken(exporter)   # fails with the waterfall and each break explained

From the command line (OTLP JSON, Jaeger's query API, ConsoleSpanExporter output, or a
live Jaeger)::

    python -m ctxbridge.doctor spans.json
    python -m ctxbridge.doctor --jaeger http://127.0.0.1:16686 --service orders --lookback 1h
"""

from __future__ import annotations

import json
import sys
from typing import Any, Dict, Iterable, List, NamedTuple, Optional, Sequence, Union

from . import _native

__all__ = ["Diagnosis", "Finding", "assert_unbroken", "diagnose", "main"]


class Finding(NamedTuple):
    """One break: its shape (``orphan``, ``broken-handoff``, ``stale-parent``,
    ``late-work``, ``lost-baggage``), the span where it shows and the other span of the
    pair (each a dict of ``trace_id``, ``span_id``, ``parent_id``, ``name``, ``service``,
    ``kind``, ``error``; ``related`` may be None), what was seen, and what to change."""

    shape: str
    span: Dict[str, Any]
    related: Optional[Dict[str, Any]]
    evidence: List[str]
    fix: str


class Diagnosis(NamedTuple):
    """Every finding, and the report: the broken traces' waterfalls, each break marked."""

    findings: List[Finding]
    report: str


def _spans_text(spans: Any) -> str:
    """The console exporter's JSON of each span (or a text/bytes of JSON as it is)."""
    if isinstance(spans, (str, bytes)):
        return spans.decode() if isinstance(spans, bytes) else spans
    if hasattr(spans, "get_finished_spans"):
        spans = spans.get_finished_spans()
    return "\n".join(span.to_json(indent=None) for span in spans)


def diagnose(
    spans: Union[Iterable[Any], str, bytes],
    *,
    late_after: Optional[float] = None,
    stale_after: Optional[float] = None,
    baggage_keys: Sequence[str] = (),
    expected_roots: Sequence[str] = (),
    entry_orphans: bool = False,
    all_traces: bool = False,
) -> Diagnosis:
    """Diagnoses ``spans``: an ``InMemorySpanExporter``, finished spans
    (``ReadableSpan``), or JSON text in any format the doctor reads.

    ``late_after`` / ``stale_after`` are seconds (the core's defaults: 60 and 1);
    ``baggage_keys`` are attributes a baggage span processor copied from baggage
    (``baggage.*`` always count); ``expected_roots`` are span names that start traces by
    design. Raises ``ValueError`` for text the doctor cannot read.
    """
    found, report = _native.doctor_diagnose(
        _spans_text(spans),
        late_after=late_after,
        stale_after=stale_after,
        baggage_keys=list(baggage_keys),
        expected_roots=list(expected_roots),
        entry_orphans=entry_orphans,
        all_traces=all_traces,
    )
    findings = [
        Finding(f["shape"], f["span"], f["related"], f["evidence"], f["fix"])
        for f in json.loads(found)["findings"]
    ]
    return Diagnosis(findings, report)


def assert_unbroken(spans: Union[Iterable[Any], str, bytes], **options: Any) -> None:
    """Fails (``AssertionError``) with the doctor's report when ``spans`` show a broken
    hand-off; ``options`` are :func:`diagnose`'s."""
    diagnosis = diagnose(spans, **options)
    if diagnosis.findings:
        raise AssertionError(f"ctxbridge doctor:\n{diagnosis.report}")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``ctxbridge-doctor`` (see ``--help``); returns its exit status: 0 no break, 1
    breaks found, 2 bad input or options."""
    sys.stdout.flush()
    return _native.doctor_main(list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    raise SystemExit(main())
