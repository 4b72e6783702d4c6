"""Real frameworks on real servers, started here on 127.0.0.1 and run the zero-code way:
`opentelemetry-instrument` with `OTEL_PYTHON_CONTEXT=ctxbridge` and
`OTEL_PROPAGATORS=ctxbridge`, the instrumentations at their defaults.

- Flask on gunicorn's sync worker (one worker, so every request reuses one thread). The
  Flask instrumentation attaches a sqlcommenter context per request and never detaches it;
  each request must still get its own trace (DESIGN section 4, rule 3), and memory must
  stay flat.
- FastAPI on uvicorn, handing work to threads with `ctxbridge.run_in_executor` and
  `asyncio.to_thread`.

The apps (tests/apps) export spans to the SDK's in-memory exporter and hand them over at
/_test/spans; a downstream server here records the traceparent each outgoing call carried.
"""

from __future__ import annotations

import http.server
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from typing import Any, Dict, Iterator, List, Optional

import pytest

APPS = pathlib.Path(__file__).resolve().parent / "apps"
BIN = pathlib.Path(sys.executable).parent
TRACE_A, PARENT_A = "a" * 32, "1" * 16
TRACE_B, PARENT_B = "b" * 32, "2" * 16

FLASK_INSTRUMENTATION = os.sep + os.path.join("opentelemetry", "instrumentation", "flask", "__init__.py")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Downstream(http.server.ThreadingHTTPServer):
    """The service the app calls: remembers the traceparent of every request."""

    def __init__(self) -> None:
        self.seen: List[Optional[str]] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                server.seen.append(self.headers.get("traceparent"))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def get(url: str, traceparent: Optional[str] = None) -> Any:
    request = urllib.request.Request(url, headers={"traceparent": traceparent} if traceparent else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


class App:
    """An app under `opentelemetry-instrument`, as a subprocess on a free port."""

    def __init__(self, command: List[str], env: Dict[str, str]) -> None:
        # Missing requirements fail here, loudly, rather than skip the frameworks unseen.
        assert shutil.which("opentelemetry-instrument", path=str(BIN)), (
            "the framework tests need bindings-python/requirements-test.txt installed in the venv"
        )
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        argv = [str(BIN / "opentelemetry-instrument")] + [part.format(port=self.port) for part in command]
        self.process = subprocess.Popen(
            argv, cwd=APPS, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                get(f"{self.url}/_test/state")
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{command[0]} did not start:\n{self.output()}")
                time.sleep(0.2)

    def output(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.read().decode(errors="replace") if self.process.poll() is not None else ""

    def spans(self) -> List[Dict[str, Any]]:
        return list(get(f"{self.url}/_test/spans"))

    def state(self) -> Dict[str, Any]:
        return dict(get(f"{self.url}/_test/state"))

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def app_env(runtime: str, **extra: str) -> Dict[str, str]:
    env = dict(os.environ)
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        OTEL_SERVICE_NAME="ctxbridge-framework-test",
        OTEL_TRACES_EXPORTER="none",
        OTEL_METRICS_EXPORTER="none",
        OTEL_LOGS_EXPORTER="none",
        OTEL_PROPAGATORS="ctxbridge" if runtime == "ctxbridge" else "tracecontext,baggage",
        OTEL_PYTHON_FLASK_EXCLUDED_URLS="_test",
        OTEL_PYTHON_FASTAPI_EXCLUDED_URLS="_test",
        PYTHONPATH=str(APPS),
        **extra,
    )
    if runtime == "ctxbridge":
        env["OTEL_PYTHON_CONTEXT"] = "ctxbridge"
    else:
        env.pop("OTEL_PYTHON_CONTEXT", None)
    return env


@pytest.fixture(scope="module")
def downstream() -> Iterator[Downstream]:
    server = Downstream()
    yield server
    server.shutdown()


@pytest.fixture(scope="module", params=["ctxbridge", "contextvars"])
def flask_app(request: pytest.FixtureRequest, downstream: Downstream) -> Iterator[App]:
    gunicorn = ["gunicorn", "-w", "1", "-b", "127.0.0.1:{port}", "--log-level", "warning", "flask_app:app"]
    app = App(gunicorn, app_env(request.param, DOWNSTREAM_URL=downstream.url))
    app.runtime = request.param  # type: ignore[attr-defined]
    yield app
    app.stop()


def by_kind(spans: List[Dict[str, Any]], kind: str) -> List[Dict[str, Any]]:
    return [span for span in spans if span["kind"] == kind]


def test_flask_on_gunicorn_gives_every_request_its_own_trace(flask_app: App, downstream: Downstream) -> None:
    state = flask_app.state()
    if flask_app.runtime == "ctxbridge":  # type: ignore[attr-defined]
        assert state["runtime"] == "CtxbridgeRuntimeContext"
        assert state["propagators"] == ["CtxbridgePropagator"]
    flask_app.spans()
    downstream.seen.clear()

    incoming = [f"00-{TRACE_A}-{PARENT_A}-01", f"00-{TRACE_B}-{PARENT_B}-01", None, None]
    for number, traceparent in enumerate(incoming):
        get(f"{flask_app.url}/order/o-{number}", traceparent)
    spans = flask_app.spans()

    servers = by_kind(spans, "SERVER")
    clients = by_kind(spans, "CLIENT")
    fulfils = [span for span in spans if span["name"] == "fulfil"]
    assert len(servers) == len(clients) == len(fulfils) == len(incoming), spans
    assert [span for span in spans if span["kind"] == "INTERNAL" and span["name"] != "fulfil"] == []

    assert (servers[0]["trace_id"], servers[0]["parent"]) == (TRACE_A, PARENT_A)
    assert (servers[1]["trace_id"], servers[1]["parent"]) == (TRACE_B, PARENT_B)
    assert servers[2]["parent"] is None and servers[3]["parent"] is None
    assert len({server["trace_id"] for server in servers}) == len(incoming), "one trace per request"

    for server, client, fulfil, outgoing in zip(servers, clients, fulfils, downstream.seen):
        assert (client["trace_id"], client["parent"]) == (server["trace_id"], server["span_id"])
        assert (fulfil["trace_id"], fulfil["parent"]) == (server["trace_id"], server["span_id"])
        assert outgoing is not None
        version, trace_id, parent_id, flags = outgoing.split("-")
        assert (version, trace_id, parent_id) == ("00", client["trace_id"], client["span_id"]), "the CLIENT span goes out"
        assert int(flags, 16) & 0x01, "sampled"


def test_flask_on_gunicorn_memory_and_counters_stay_flat(flask_app: App) -> None:
    if flask_app.runtime != "ctxbridge":  # type: ignore[attr-defined]
        pytest.skip("the counters are ctxbridge's")
    for number in range(500):  # warm-up: allocator pools, caches, the thread pool
        get(f"{flask_app.url}/order/warm-{number}")
    flask_app.spans()
    before = flask_app.state()
    requests = 5000
    for number in range(requests):
        get(f"{flask_app.url}/order/o-{number}")
        if number % 500 == 499:
            assert len({span["trace_id"] for span in by_kind(flask_app.spans(), "SERVER")}) == 500
    after = flask_app.state()
    grown = {key: after["stats"][key] - before["stats"][key] for key in after["stats"]}
    # The instrumentation leaks one context per request (its sqlcommenter attach), and it
    # ends with the request: one out-of-order detach and one leak per request, no more.
    assert grown["out_of_order"] == requests and grown["leaked"] == requests, grown
    assert grown["double_detach"] == 0 and grown["wrong_scope"] == 0, grown
    growth_kb = after["rss_kb"] - before["rss_kb"]
    print(f"\nflask/gunicorn, {requests} requests: rss {before['rss_kb']} -> {after['rss_kb']} kB, counters {grown}")
    assert growth_kb < 2048, f"resident memory grew {growth_kb} kB over {requests} requests"


def test_flask_instrumentation_leak_is_named_where_it_is_noticed_by_default(flask_app: App) -> None:
    if flask_app.runtime != "ctxbridge":  # type: ignore[attr-defined]
        pytest.skip("the reports are ctxbridge's")
    get(f"{flask_app.url}/order/noticed")
    reports = [w for w in flask_app.state()["warnings"] if "out_of_order" in w]
    assert len(reports) == 1, reports  # once per site, however many requests
    # The instrumentation's own teardown is the code that noticed it, not Flask's app.py.
    assert FLASK_INSTRUMENTATION + ":" in reports[0], reports[0]
    assert "left open by" not in reports[0], reports[0]


def test_flask_instrumentation_leak_is_reported_at_its_attach_site_with_attach_sites_on(
    downstream: Downstream,
) -> None:
    app = App(
        ["gunicorn", "-w", "1", "-b", "127.0.0.1:{port}", "--log-level", "warning", "flask_app:app"],
        app_env("ctxbridge", DOWNSTREAM_URL=downstream.url, CTXBRIDGE_ATTACH_SITES="1"),
    )
    try:
        for number in range(3):
            get(f"{app.url}/order/sites-{number}")
        state = app.state()
    finally:
        app.stop()
    reports = [w for w in state["warnings"] if "out_of_order" in w]
    assert len(reports) == 1, reports
    left_open = reports[0].split("left open by the attach at ", 1)
    assert len(left_open) == 2, reports[0]
    attach_site = left_open[1].rstrip(")")
    path, _, line = attach_site.rpartition(":")
    assert path.endswith(FLASK_INSTRUMENTATION), attach_site
    # The line that attaches and never detaches: the sqlcommenter context.
    source = pathlib.Path(path).read_text().splitlines()[int(line) - 1]
    assert "context.attach(" in source, source


@pytest.fixture(scope="module", params=["ctxbridge", "contextvars"])
def fastapi_app(request: pytest.FixtureRequest) -> Iterator[App]:
    uvicorn = ["uvicorn", "--host", "127.0.0.1", "--port", "{port}", "--log-level", "warning", "fastapi_app:app"]
    app = App(uvicorn, app_env(request.param))
    yield app
    app.stop()


def test_fastapi_on_uvicorn_threads_are_children_of_the_request(fastapi_app: App) -> None:
    fastapi_app.spans()
    for number, traceparent in enumerate([f"00-{TRACE_A}-{PARENT_A}-01", None, None]):
        get(f"{fastapi_app.url}/order/o-{number}", traceparent)
    spans = fastapi_app.spans()
    servers = by_kind(spans, "SERVER")
    assert len(servers) == 3
    assert (servers[0]["trace_id"], servers[0]["parent"]) == (TRACE_A, PARENT_A)
    assert len({server["trace_id"] for server in servers}) == 3
    for server in servers:
        mine = [span for span in spans if span["trace_id"] == server["trace_id"]]
        work = sorted(span["name"] for span in mine if span["name"].startswith("fulfil"))
        assert work == ["fulfil-executor", "fulfil-to-thread"], mine
        for span in mine:
            if span["name"].startswith("fulfil"):
                assert span["parent"] == server["span_id"]
