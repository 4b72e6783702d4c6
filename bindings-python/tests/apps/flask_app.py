"""A Flask app served as users serve it: `opentelemetry-instrument gunicorn -w 1 flask_app:app`
(gunicorn's sync worker: every request on the one reused thread). Each order calls a
downstream service through instrumented `requests` and hands work to
`ctxbridge.ThreadPoolExecutor`."""

from __future__ import annotations

import os

import requests
from flask import Flask, jsonify
from flask.typing import ResponseReturnValue

import ctxbridge
from _probe import fulfil, state, take_spans

DOWNSTREAM = os.environ["DOWNSTREAM_URL"]
pool = ctxbridge.ThreadPoolExecutor(max_workers=2)
session = requests.Session()
app = Flask(__name__)


@app.route("/order/<order_id>")
def order(order_id: str) -> ResponseReturnValue:
    session.get(f"{DOWNSTREAM}/stock/{order_id}", timeout=10)
    pool.submit(fulfil, order_id).result()
    return jsonify(order=order_id)


@app.route("/_test/spans")
def spans() -> ResponseReturnValue:
    return jsonify(take_spans())


@app.route("/_test/state")
def probe_state() -> ResponseReturnValue:
    return jsonify(state())
