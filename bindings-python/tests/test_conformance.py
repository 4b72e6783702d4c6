"""tests/conformance/python/serve.py against the W3C test-harness contract."""

from __future__ import annotations

import http.client
import importlib.util
import json
import pathlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import ctxbridge

SERVE = pathlib.Path(__file__).resolve().parents[2] / "tests" / "conformance" / "python" / "serve.py"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


@pytest.fixture(scope="module")
def service():
    spec = importlib.util.spec_from_file_location("conformance_serve", SERVE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    server = module.serve(0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


@pytest.fixture
def receiver():
    received = []

    class Record(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append((self.headers, json.loads(body)))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Record)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/callback", received
    server.shutdown()


def post_test(port, headers, calls):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.putrequest("POST", "/test")
    body = json.dumps(calls).encode()
    for name, value in headers:
        connection.putheader(name, value)  # repeated names stay repeated
    connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    status = connection.getresponse().status
    connection.close()
    return status


def test_continues_the_trace_with_a_new_parent_id_per_call(service, receiver):
    url, received = receiver
    calls = [{"url": url, "arguments": [{"call": i}]} for i in range(2)]
    assert post_test(service, [("TraceParent", TRACEPARENT), ("tracestate", "foo=1"), ("TRACESTATE", "bar=2")], calls) == 200
    assert [body for _, body in received] == [[{"call": 0}], [{"call": 1}]]  # all made before the 200
    parent_ids = set()
    for headers, _ in received:
        trace_id, span_id, flags = ctxbridge.parse_traceparent(headers["traceparent"])
        assert f"{trace_id:032x}" == TRACE_ID
        assert f"{span_id:016x}" != "00f067aa0ba902b7"
        assert flags & 1
        assert headers["tracestate"] == "foo=1,bar=2"
        parent_ids.add(span_id)
    assert len(parent_ids) == 2


@pytest.mark.parametrize(
    "incoming",
    [
        [("traceparent", TRACEPARENT.upper()), ("tracestate", "foo=1")],
        [("traceparent", TRACEPARENT), ("traceparent", TRACEPARENT), ("tracestate", "foo=1")],
        [("tracestate", "foo=1")],
    ],
)
def test_invalid_or_repeated_traceparent_starts_a_new_trace(service, receiver, incoming):
    url, received = receiver
    assert post_test(service, incoming, [{"url": url, "arguments": []}]) == 200
    headers, _ = received[0]
    trace_id, _, _ = ctxbridge.parse_traceparent(headers["traceparent"])
    assert f"{trace_id:032x}" != TRACE_ID
    assert headers.get("tracestate") is None
