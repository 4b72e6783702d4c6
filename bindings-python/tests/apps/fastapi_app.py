"""A FastAPI app served as users serve it: `opentelemetry-instrument uvicorn fastapi_app:app`.
An async route hands work to threads with `ctxbridge.run_in_executor` and with
`asyncio.to_thread`, and awaits between them."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

from fastapi import FastAPI

import ctxbridge
from _probe import fulfil, state, take_spans

app = FastAPI()


@app.get("/order/{order_id}")
async def order(order_id: str) -> Dict[str, str]:
    await ctxbridge.run_in_executor(None, fulfil, order_id, "fulfil-executor")
    await asyncio.sleep(0.001)
    await asyncio.to_thread(fulfil, order_id, "fulfil-to-thread")
    return {"order": order_id}


@app.get("/_test/spans")
async def spans() -> List[Dict[str, Any]]:
    return take_spans()


@app.get("/_test/state")
async def probe_state() -> Dict[str, Any]:
    return state()
