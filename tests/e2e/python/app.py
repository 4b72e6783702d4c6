"""The Python service of the end-to-end test: a Flask app with no tracing setup of its own.

It runs under ``opentelemetry-instrument`` with ``OTEL_PYTHON_CONTEXT=ctxbridge`` and
``OTEL_PROPAGATORS=ctxbridge``: the Flask instrumentation opens the SERVER span from the
incoming traceparent and baggage, a ``ctxbridge.ThreadPoolExecutor`` carries that context into
the pool, and the requests instrumentation injects it into the call to the Node service.
"""

from __future__ import annotations

import os
from typing import Any

import requests
from flask import Flask, jsonify, request
from opentelemetry import baggage, trace

import ctxbridge

app = Flask(__name__)
tracer = trace.get_tracer("ctxbridge-e2e-python")
pool = ctxbridge.ThreadPoolExecutor(max_workers=2, thread_name_prefix="orders")
NODE_URL = os.environ["E2E_NODE_URL"]


def place_order(order_id: str) -> Any:
    """Runs on a pooled thread, in the request's context."""
    with tracer.start_as_current_span("place order") as span:
        span.set_attribute("tenant", str(baggage.get_baggage("tenant")))
        reply = requests.post(f"{NODE_URL}/orders", json={"orderId": order_id}, timeout=30)
        reply.raise_for_status()
        return reply.json()


@app.post("/checkout")
def checkout() -> Any:
    order_id = request.get_json(force=True)["order_id"]
    return jsonify(pool.submit(place_order, order_id).result()), 202
