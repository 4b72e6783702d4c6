"""One trace across Python, Node, Java and C through Redis, read back from Jaeger.

Everything runs for real on 127.0.0.1 (see ``stack.py``): Jaeger v2, ``redis-server``, Flask
on gunicorn under ``opentelemetry-instrument``, Node under the auto-instrumentations with
``ctxbridge/register``, a Java consumer under the OpenTelemetry Java agent with ctxbridge as
its extension, and a C program through the installed header. ``make test-e2e`` installs the
services from ``dist/`` and runs this file.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from stack import MAX_AGE_MS, SERVICES, Span, Stack

FRESH = {"POST /checkout", "place order", "POST", "enqueue order", "process order", "invoice", "render invoice"}


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    stack = Stack()
    try:
        stack.start_servers()
        stack.start_python()
        stack.start_node()
        yield stack
    finally:
        stack.close()


def one(spans: list[Span], name: str, service: str) -> Span:
    found = [s for s in spans if s.name == name and s.service == service]
    assert len(found) == 1, f"expected one {service} span {name!r}, got {found}"
    return found[0]


@pytest.fixture(scope="module")
def stale(stack: Stack) -> tuple[str, str]:
    """An order produced while no consumer runs, left in the stream past MAX_AGE_MS; then the
    consumer starts (it reads the stream from its beginning)."""
    ids = stack.checkout("stale-1")
    time.sleep(MAX_AGE_MS / 1000 + 1)
    stack.start_java()
    # The consumer is warm (agent, classes, JIT) once it has handled the stale order, so a
    # fresh order is consumed well within MAX_AGE_MS however loaded the machine.
    stack.wait_for_log("java", "consumed stale-1")
    return ids


def test_one_trace_crosses_every_language(stack: Stack, stale: tuple[str, str]) -> None:
    trace_id, client_span = stack.checkout("fresh-1")
    spans = stack.trace(trace_id, FRESH)
    assert {s.trace_id for s in spans} == {trace_id}
    assert {s.service for s in spans} >= set(SERVICES)

    server = one(spans, "POST /checkout", "e2e-python")
    place = one(spans, "place order", "e2e-python")
    call = one(spans, "POST", "e2e-python")
    node_server = one(spans, "POST", "e2e-node")
    enqueue = one(spans, "enqueue order", "e2e-node")
    process = one(spans, "process order", "e2e-java")
    invoice = one(spans, "invoice", "e2e-java")
    render = one(spans, "render invoice", "e2e-c")

    # Every edge: the caller's span is the parent, across each boundary on the way.
    assert server.parent_id == client_span  # incoming traceparent (Flask instrumentation)
    assert place.parent_id == server.span_id  # ctxbridge.ThreadPoolExecutor
    assert call.parent_id == place.span_id  # requests instrumentation
    assert node_server.parent_id == call.span_id  # HTTP, Python -> Node
    assert enqueue.parent_id == node_server.span_id  # ctxbridge.carry -> worker thread
    assert process.parent_id == enqueue.span_id  # Redis stream, Node -> Java (fresh: a child)
    assert invoice.parent_id == process.span_id  # wrapped executor under the agent
    assert render.parent_id == invoice.span_id  # command line, Java -> C

    assert process.tags["ctxbridge.resumed"] == "CHILD"
    # The baggage the client sent reached every language, the far end included.
    for span in (place, enqueue, process, invoice, render):
        assert span.tags["tenant"] == "acme", span


def test_a_stale_message_starts_a_new_trace_linked_to_its_producer(stack: Stack, stale: tuple[str, str]) -> None:
    trace_id, _ = stale
    produced = stack.trace(trace_id, {"enqueue order"})
    enqueue = one(produced, "enqueue order", "e2e-node")
    # The consumer did not join the producer's trace...
    assert "process order" not in {s.name for s in produced}

    traces = stack.traces_of("e2e-java", "process order", {"order.id": "stale-1"})
    assert len(traces) == 1, traces
    resumed = stack.trace(traces[0][0].trace_id, {"process order", "invoice", "render invoice"})
    process = one(resumed, "process order", "e2e-java")
    # ...it started a new one, linked to the producer's span.
    assert process.trace_id != trace_id
    assert process.parent_id is None
    assert process.links == [(trace_id, enqueue.span_id)]
    assert process.tags["ctxbridge.resumed"] == "ROOT_WITH_LINK"
    invoice = one(resumed, "invoice", "e2e-java")
    render = one(resumed, "render invoice", "e2e-c")
    assert invoice.parent_id == process.span_id and render.parent_id == invoice.span_id
    # Baggage is kept even when the trace is not.
    assert render.tags["tenant"] == "acme"


def doctor(stack: Stack, *args: str) -> subprocess.CompletedProcess[str]:
    """ctxbridge's doctor (python -m ctxbridge.doctor) over the live Jaeger."""
    return subprocess.run(
        [sys.executable, "-m", "ctxbridge.doctor", "--jaeger", f"http://127.0.0.1:{stack.query_port}", *args],
        capture_output=True, text=True, timeout=120,
    )


def test_the_doctor_finds_nothing_in_correct_traces_and_names_the_broken_hop(
    stack: Stack, stale: tuple[str, str]
) -> None:
    fresh, _ = stack.checkout("fresh-2")
    stack.trace(fresh, FRESH)
    stale_trace, _ = stale
    linked = stack.traces_of("e2e-java", "process order", {"order.id": "stale-1"})[0][0].trace_id
    # The cross-language trace and the stale message's linked one: no finding.
    clean = doctor(stack, "--trace", fresh, "--trace", stale_trace, "--trace", linked)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "no broken hand-off found" in clean.stdout

    # An order whose producer forgets to inject: the consumer starts a trace of its own.
    produced, _ = stack.checkout("broken-1")
    enqueue = one(stack.trace(produced, {"enqueue order"}), "enqueue order", "e2e-node")
    consumed = stack.traces_of("e2e-java", "process order", {"order.id": "broken-1"})
    assert len(consumed) == 1, consumed
    process = one(consumed[0], "process order", "e2e-java")
    assert process.parent_id is None and process.trace_id != produced
    broken = doctor(stack, "--json", "--trace", produced, "--trace", process.trace_id)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    findings = json.loads(broken.stdout)["findings"]
    assert [(f["shape"], f["span"]["span_id"], f["related"]["span_id"]) for f in findings] == [
        ("broken-handoff", process.span_id, enqueue.span_id)
    ], findings
    assert findings[0]["related"]["trace_id"] == produced
    # Read by service, every trace of the run at once: only the broken hop is named.
    everything = doctor(stack, "--json", "--service", "e2e-python", "--service", "e2e-node", "--service", "e2e-java")
    shapes = [(f["shape"], f["span"]["span_id"]) for f in json.loads(everything.stdout)["findings"]]
    assert shapes == [("broken-handoff", process.span_id)], everything.stdout
