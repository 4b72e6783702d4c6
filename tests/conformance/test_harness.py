"""Any `tests/conformance/serve IMPL PORT` service against the W3C test-harness contract
(DESIGN section 7), driven over HTTP as the harness drives it: `CONFORMANCE_IMPL=c pytest
tests/conformance/test_harness.py`. `make test-conformance` runs it against every
implementation (rust, python, node, java, c)."""

from __future__ import annotations

import http.client
import json
import os
import pathlib
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

SERVE = pathlib.Path(__file__).resolve().parent / "serve"
IMPL = os.environ.get("CONFORMANCE_IMPL", "c")
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def service():
    port = free_port()
    process = subprocess.Popen([str(SERVE), IMPL, str(port)])
    deadline = time.monotonic() + 120
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert process.poll() is None, f"serve {IMPL} exited"
            assert time.monotonic() < deadline, f"serve {IMPL} did not start"
            time.sleep(0.2)
    yield port
    process.terminate()
    process.wait(timeout=10)


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


def fields(traceparent):
    version, trace_id, span_id, flags = traceparent.split("-")
    assert version == "00" and len(trace_id) == 32 and len(span_id) == 16
    return trace_id, span_id, int(flags, 16)


def test_continues_the_trace_with_a_new_parent_id_per_call(service, receiver):
    url, received = receiver
    calls = [{"url": url, "arguments": [{"call": i, "text": "a \"quoted\", [nested] {value}"}]} for i in range(3)]
    headers = [("TraceParent", TRACEPARENT), ("tracestate", "foo=1"), ("TRACESTATE", "bar=2")]
    assert post_test(service, headers, calls) == 200
    assert [body for _, body in received] == [call["arguments"] for call in calls]  # all made before the 200
    parent_ids = set()
    for received_headers, _ in received:
        trace_id, span_id, flags = fields(received_headers["traceparent"])
        assert trace_id == TRACE_ID
        assert span_id != "00f067aa0ba902b7"
        assert flags & 1
        assert received_headers["tracestate"] == "foo=1,bar=2"
        parent_ids.add(span_id)
    assert len(parent_ids) == 3


def test_the_random_flag_is_kept(service, receiver):
    url, received = receiver
    assert post_test(service, [("traceparent", TRACEPARENT[:-2] + "03")], [{"url": url, "arguments": {}}]) == 200
    assert fields(received[0][0]["traceparent"])[2] == 3


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
    received_headers, _ = received[0]
    trace_id, _, _ = fields(received_headers["traceparent"])
    assert trace_id != TRACE_ID
    assert received_headers.get("tracestate") is None


def test_other_paths_are_not_found(service):
    connection = http.client.HTTPConnection("127.0.0.1", service, timeout=10)
    connection.request("POST", "/other", body=b"[]")
    assert connection.getresponse().status == 404
    connection.close()
