"""What users compile against, checked by signature under ``mypy --strict`` (``make lint``):
each ``assert_type`` fails the lint when a declaration loses its types. Not a pytest module:
it only needs to type-check (and it does run: ``test_stubs_and_memory`` imports it)."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from typing import Dict

from opentelemetry.context.context import Context
from typing_extensions import assert_type

import ctxbridge


def fulfill(order_id: str, quantity: int) -> float:
    return quantity * 1.5


def check_signatures() -> None:
    headers: Dict[str, str] = {}
    assert_type(ctxbridge.inject(headers), Dict[str, str])
    ordered: "OrderedDict[str, str]" = OrderedDict()
    assert_type(ctxbridge.inject(ordered), "OrderedDict[str, str]")

    token = ctxbridge.attach(Context())
    assert_type(token, ctxbridge.Token)
    ctxbridge.detach(token)

    job = ctxbridge.wrap(fulfill)
    assert_type(job("o-1", 2), float)
    assert_type(ctxbridge.run_in(ctxbridge.capture(), fulfill, "o-1", 2), float)

    with ctxbridge.ThreadPoolExecutor(max_workers=1) as pool:
        assert_type(pool.submit(fulfill, "o-1", quantity=2).result(), float)


async def check_async_signatures() -> None:
    assert_type(await ctxbridge.run_in_executor(None, fulfill, "o-1", 2), float)


def run() -> None:
    check_signatures()
    asyncio.run(check_async_signatures())
