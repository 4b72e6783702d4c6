"""The end-to-end stack: Jaeger v2, Redis, and the Python, Node, Java and C services, each
started on 127.0.0.1 at a free port and stopped at the end.

One request enters the Python service (Flask on gunicorn, under ``opentelemetry-instrument``),
which calls the Node service over HTTP from a ``ctxbridge.ThreadPoolExecutor``; Node hands the
order to a worker thread, which produces it to a Redis stream; the Java consumer (under the
OpenTelemetry Java agent with ctxbridge as its extension) resumes it and hands the invoice to
a wrapped pool, whose task runs the C program with the traceparent and baggage; every service
exports OTLP to Jaeger, and the trace is read back from Jaeger's query API.

``tests/e2e/setup`` installs the services from ``dist/`` first; ``E2E_WORK`` names where (the
Makefile passes it), ``E2E_JAEGER`` the Jaeger binary. ``python stack.py`` runs the demo:
one request, and the trace it made, printed as a waterfall.
"""

from __future__ import annotations

import json
import os
import pathlib
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

HERE = pathlib.Path(__file__).resolve().parent
WORK = pathlib.Path(os.environ.get("E2E_WORK", HERE.parents[1] / "target" / "e2e"))
JAEGER = pathlib.Path(os.environ.get("E2E_JAEGER", WORK / "jaeger"))
# A message older than this is resumed as a new trace linked to its producer.
MAX_AGE_MS = 5000
SERVICES = ("e2e-python", "e2e-node", "e2e-java", "e2e-c")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], name: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}; see {WORK / 'logs' / name}.log")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not listen on {port} within {timeout} s")
            time.sleep(0.2)


@dataclass
class Span:
    """A span as Jaeger's query API returns it."""

    trace_id: str
    span_id: str
    parent_id: str | None
    links: list[tuple[str, str]]
    name: str
    service: str
    start_us: int
    duration_us: int
    tags: dict[str, Any] = field(default_factory=dict)


class Stack:
    """Starts the servers and services; ``close()`` stops them all."""

    def __init__(self) -> None:
        self.processes: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.logs = WORK / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.otlp_port = free_port()
        self.query_port = free_port()
        self.redis_port = free_port()
        self.python_port = free_port()
        self.node_port = free_port()
        self.otel_env = {
            "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{self.otlp_port}",
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
            "OTEL_TRACES_EXPORTER": "otlp",
            "OTEL_METRICS_EXPORTER": "none",
            "OTEL_LOGS_EXPORTER": "none",
            "OTEL_BSP_SCHEDULE_DELAY": "100",
        }

    def start(self, name: str, command: list[str], env: dict[str, str] | None = None,
              cwd: pathlib.Path | None = None, port: int | None = None) -> None:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(command, env={**os.environ, **(env or {})}, cwd=cwd,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append((name, process))
        if port is not None:
            wait_for_port(port, process, name)

    def start_servers(self) -> None:
        """Jaeger and Redis."""
        self.start("jaeger", [str(JAEGER), "--config", str(HERE / "jaeger" / "config.yaml")],
                   env={"E2E_OTLP_PORT": str(self.otlp_port), "E2E_QUERY_PORT": str(self.query_port),
                        "E2E_QUERY_GRPC_PORT": str(free_port())},
                   port=self.query_port)
        wait_for_port(self.otlp_port, self.processes[-1][1], "jaeger")
        self.start("redis", ["redis-server", "--bind", "127.0.0.1", "--port", str(self.redis_port),
                             "--save", "", "--appendonly", "no"], port=self.redis_port)

    def start_python(self) -> None:
        venv = WORK / "python" / "bin"
        self.start("python", [str(venv / "opentelemetry-instrument"), str(venv / "gunicorn"), "-w", "1",
                              "-b", f"127.0.0.1:{self.python_port}", "--chdir", str(HERE / "python"), "app:app"],
                   env={**self.otel_env, "OTEL_SERVICE_NAME": "e2e-python", "OTEL_PYTHON_CONTEXT": "ctxbridge",
                        "OTEL_PROPAGATORS": "ctxbridge", "E2E_NODE_URL": f"http://127.0.0.1:{self.node_port}"},
                   port=self.python_port)

    def start_node(self) -> None:
        app = WORK / "node"
        self.start("node", ["node", "--require", "@opentelemetry/auto-instrumentations-node/register",
                            "--require", "ctxbridge/register", "server.js", str(self.node_port), str(self.redis_port)],
                   env={**self.otel_env, "OTEL_SERVICE_NAME": "e2e-node", "OTEL_NODE_ENABLED_INSTRUMENTATIONS": "http",
                        "OTEL_NODE_RESOURCE_DETECTORS": "env,host"},
                   cwd=app, port=self.node_port)

    def start_java(self) -> None:
        java = WORK / "java"
        classpath = f"{java / 'classes'}:{(java / 'classpath.txt').read_text().strip()}"
        self.start("java", ["java", f"-javaagent:{java / 'opentelemetry-javaagent-2.33.1.jar'}",
                            f"-Dotel.javaagent.extensions={java / 'ctxbridge.jar'}",
                            "-Dotel.service.name=e2e-java", "-Dotel.propagators=ctxbridge",
                            "-Dotel.instrumentation.jedis.enabled=false",
                            "-cp", classpath, "Consumer", str(self.redis_port), str(self.otlp_port),
                            str(WORK / "c" / "report_span"), str(MAX_AGE_MS)],
                   env=self.otel_env)
        self.wait_for_log("java", "e2e-java consuming")

    def wait_for_log(self, name: str, text: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        process = dict(self.processes)[name]
        while text not in (self.logs / f"{name}.log").read_text(errors="replace"):
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}; see {self.logs / name}.log")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} never printed {text!r}; see {self.logs / name}.log")
            time.sleep(0.2)

    def close(self) -> None:
        """Stops the services first (they flush their spans), then Redis, then Jaeger."""
        for name, process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                print(f"e2e: {name} did not stop on SIGTERM; killed", file=sys.stderr)

    # -- requests and reads --------------------------------------------------------------

    def checkout(self, order_id: str, tenant: str = "acme") -> tuple[str, str]:
        """POSTs an order to the Python service as a traced client would; (trace id, span id)."""
        trace_id, span_id = secrets.token_hex(16), secrets.token_hex(8)
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.python_port}/checkout", method="POST",
            data=json.dumps({"order_id": order_id}).encode(),
            headers={"content-type": "application/json", "traceparent": f"00-{trace_id}-{span_id}-01",
                     "baggage": f"tenant={tenant}"})
        with urllib.request.urlopen(request, timeout=60) as reply:
            assert reply.status == 202, reply.status
        return trace_id, span_id

    def query(self, path: str) -> Any:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.query_port}{path}", timeout=10) as reply:
                return json.load(reply)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return {"data": []}
            raise

    def trace(self, trace_id: str, expect: set[str], timeout: float = 60) -> list[Span]:
        """The spans of one trace, once every name in ``expect`` has arrived."""
        deadline = time.monotonic() + timeout
        while True:
            found = [span for data in self.query(f"/api/traces/{trace_id}")["data"] for span in spans_of(data)]
            if expect <= {span.name for span in found}:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"trace {trace_id}: expected {sorted(expect)}, got {sorted(s.name for s in found)}")
            time.sleep(0.5)

    def traces_of(self, service: str, operation: str, tags: dict[str, str], timeout: float = 60) -> list[list[Span]]:
        """Every trace holding a span of ``service`` named ``operation`` with ``tags``."""
        query = urllib.parse.urlencode({"service": service, "operation": operation, "tags": json.dumps(tags),
                                        "lookback": "1h", "limit": "20"})
        deadline = time.monotonic() + timeout
        while True:
            data = self.query(f"/api/traces?{query}")["data"] or []
            if data or time.monotonic() > deadline:
                return [spans_of(trace) for trace in data]
            time.sleep(0.5)


def spans_of(trace: dict[str, Any]) -> list[Span]:
    processes = {key: value["serviceName"] for key, value in trace["processes"].items()}
    spans = []
    for span in trace["spans"]:
        refs = span.get("references") or []
        parent = next((r["spanID"] for r in refs if r["refType"] == "CHILD_OF"), None)
        links = [(r["traceID"], r["spanID"]) for r in refs if r["refType"] == "FOLLOWS_FROM"]
        spans.append(Span(trace_id=span["traceID"], span_id=span["spanID"], parent_id=parent, links=links,
                          name=span["operationName"], service=processes[span["processID"]],
                          start_us=span["startTime"], duration_us=span["duration"],
                          tags={tag["key"]: tag["value"] for tag in span.get("tags") or []}))
    return spans


BAR = 30


def waterfall(title: str, spans: list[Span]) -> None:
    """Prints spans as the per-language demos do: one tree per trace, with bars in time."""
    print(f"\n== {title} ==")
    traces: dict[str, list[Span]] = {}
    for span in sorted(spans, key=lambda s: s.start_us):
        traces.setdefault(span.trace_id, []).append(span)
    for trace_id, members in traces.items():
        start = min(s.start_us for s in members)
        total = max(max(s.start_us + s.duration_us for s in members) - start, 1)
        ids = {s.span_id for s in members}
        children: dict[str | None, list[Span]] = {}
        for span in members:
            children.setdefault(span.parent_id if span.parent_id in ids else None, []).append(span)
        print(f"trace {trace_id}")

        def show(span: Span, depth: int) -> None:
            offset = round((span.start_us - start) / total * BAR)
            width = max(1, round(span.duration_us / total * BAR))
            bar = (" " * offset + "█" * width)[:BAR]
            parent = f"parent {span.parent_id}" if span.parent_id else "root"
            link = f" (linked to {span.links[0][0]})" if span.links else ""
            label = "  " * depth + span.name
            print(f"  {label:<30} {span.service:<10} span {span.span_id} {parent:<23} "
                  f"|{bar:<{BAR}}| {span.duration_us / 1000:7.1f} ms{link}")
            for child in children.get(span.span_id, []):
                show(child, depth + 1)

        for root in children.get(None, []):
            show(root, 0)


def main() -> int:
    stack = Stack()
    try:
        stack.start_servers()
        stack.start_python()
        stack.start_node()
        stack.start_java()
        trace_id, _ = stack.checkout("demo-1")
        spans = stack.trace(trace_id, {"POST /checkout", "enqueue order", "invoice", "render invoice"})
        waterfall("one request through Python, Node (worker thread, Redis), Java (pool) and C, read back from Jaeger",
                  spans)
        print(f"\nservices: {', '.join(sorted({s.service for s in spans}))}")
        print(f"tenant at the far end (C): {next(s.tags['tenant'] for s in spans if s.name == 'render invoice')}")
        return 0
    finally:
        stack.close()


if __name__ == "__main__":
    sys.exit(main())
