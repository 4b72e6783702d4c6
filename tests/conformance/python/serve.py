"""The W3C trace-context test-harness service (DESIGN section 7) on ctxbridge's Python
propagator: `tests/conformance/serve python PORT`.

On POST /test with a JSON array of {"url", "arguments"}, POSTs each `arguments` to its
`url` with a traceparent (and tracestate) continuing the incoming trace under a new
parent-id, then answers 200.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry import trace
from opentelemetry.context.context import Context
from opentelemetry.sdk.trace import TracerProvider

from ctxbridge import CtxbridgePropagator

PROPAGATOR = CtxbridgePropagator()
TRACER = TracerProvider().get_tracer("ctxbridge-conformance")


class _AllValues:
    """A getter that sees every value of a repeated header, names case-insensitive."""

    def __init__(self, headers) -> None:
        self.headers = headers

    def get(self, carrier, key):
        values = self.headers.get_all(key)
        return list(values) if values else None

    def keys(self, carrier):
        return list(self.headers.keys())


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path != "/test":
            return self._respond(404)
        try:
            calls = json.loads(body)
        except ValueError:
            return self._respond(400)
        getter = _AllValues(self.headers)
        parent = PROPAGATOR.extract(None, context=Context(), getter=getter)
        for call in calls if isinstance(calls, list) else []:
            # A new span per call: its id is the parent-id the callee sees.
            span = TRACER.start_span("conformance call", context=parent)
            outgoing = {"Content-Type": "application/json"}
            PROPAGATOR.inject(outgoing, context=trace.set_span_in_context(span, parent))
            request = urllib.request.Request(
                call["url"], data=json.dumps(call.get("arguments")).encode(), headers=outgoing, method="POST"
            )
            try:
                urllib.request.urlopen(request, timeout=10).read()
            except OSError:
                pass
            span.end()
        self._respond(200)

    def _respond(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


def serve(port: int) -> ThreadingHTTPServer:
    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 7777
    print(f"ctxbridge-conformance (python) listening on 127.0.0.1:{port}", file=sys.stderr)
    serve(port).serve_forever()
