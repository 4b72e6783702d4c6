"""asyncio helpers: ``loop.run_in_executor`` without losing the trace.

A coroutine awaited in the same task keeps its context already; work sent to an executor
does not (``run_in_executor`` copies no context). :func:`run_in_executor` captures in
the calling task and runs the function in the capture on the executor's thread.
"""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import Executor
from typing import Callable, Optional, TypeVar

from typing_extensions import TypeVarTuple, Unpack

from . import _args
from .executors import refuse_coroutine_function
from .handoff import capture, run_sync

__all__ = ["run_in_executor"]

R = TypeVar("R")
Ts = TypeVarTuple("Ts")


async def run_in_executor(
    executor: Optional[Executor],
    fn: Callable[[Unpack[Ts]], R],
    /,
    *args: Unpack[Ts],
    loop: Optional[asyncio.AbstractEventLoop] = None,
) -> R:
    """``await loop.run_in_executor(executor, fn, *args)`` in the caller's context."""
    _args.function("run_in_executor", "fn", fn)
    refuse_coroutine_function("ctxbridge.run_in_executor", fn)
    loop = loop or asyncio.get_running_loop()
    return await loop.run_in_executor(executor, functools.partial(run_sync, capture(), fn, *args))
