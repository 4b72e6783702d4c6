"""The thread-pool hand-off beside the seed's manual pattern, at a backlog of 1k, 10k and
100k tasks: each task starts one span under the submitting span (the real SDK, no
exporter). Sides, each run in its own process, alternating, best of the rounds:

- ``manual``: a plain ``ThreadPoolExecutor``; the seed's capture at submit, attach/detach
  in the worker (``context.get_current()`` / ``context.attach`` / ``context.detach``);
- ``ctxbridge``: ``ctxbridge.ThreadPoolExecutor``, which does the same by itself.

Both run under the default contextvars runtime and under ctxbridge's
(``OTEL_PYTHON_CONTEXT=ctxbridge``). Prints tasks/s and each ratio (ctxbridge / manual:
above 1, the wrapper is faster); the budget is >= 1.0 and flat within 20% from 1k to 100k.

    make bench-handoff-python     (a release build of the extension)
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

SIZES = (1_000, 10_000, 100_000)
ROUNDS = 3


def run_side(side: str, tasks: int) -> float:
    """In this process: tasks/s of one side, after a warm-up of 1,000 tasks."""
    from concurrent.futures import ThreadPoolExecutor as Plain

    from opentelemetry import context
    from opentelemetry.sdk.trace import TracerProvider

    import ctxbridge

    tracer = TracerProvider().get_tracer("bench")

    def work() -> None:
        with tracer.start_as_current_span("task"):
            pass

    def manual(ctx: context.Context) -> None:
        token = context.attach(ctx)
        try:
            work()
        finally:
            context.detach(token)

    def submit_all(pool, count: int) -> None:
        with tracer.start_as_current_span("request"):
            if side == "manual":
                futures = [pool.submit(manual, context.get_current()) for _ in range(count)]
            else:
                futures = [pool.submit(work) for _ in range(count)]
        for future in futures:
            future.result()

    make = Plain if side == "manual" else ctxbridge.ThreadPoolExecutor
    with make(max_workers=2) as pool:
        submit_all(pool, 1_000)  # warm-up
        started = time.perf_counter()
        submit_all(pool, tasks)
        return tasks / (time.perf_counter() - started)


def main() -> None:
    if len(sys.argv) == 3:
        print(run_side(sys.argv[1], int(sys.argv[2])))
        return
    for runtime in ("contextvars", "ctxbridge"):
        env = dict(os.environ)
        if runtime == "ctxbridge":
            env["OTEL_PYTHON_CONTEXT"] = "ctxbridge"
        else:
            env.pop("OTEL_PYTHON_CONTEXT", None)
        print(f"\n{runtime} runtime: tasks/s (best of {ROUNDS}, each side in its own process, alternating)")
        print("| queued | manual | ctxbridge.ThreadPoolExecutor | ratio |")
        print("|---:|---:|---:|---:|")
        for size in SIZES:
            best = {"manual": 0.0, "ctxbridge": 0.0}
            for _ in range(ROUNDS):
                for side in ("manual", "ctxbridge"):
                    out = subprocess.run([sys.executable, __file__, side, str(size)], env=env,
                                         capture_output=True, text=True, check=True).stdout
                    best[side] = max(best[side], float(out))
            print(f"| {size:,} | {best['manual']:,.0f} | {best['ctxbridge']:,.0f} | {best['ctxbridge'] / best['manual']:.2f}x |")


if __name__ == "__main__":
    main()
