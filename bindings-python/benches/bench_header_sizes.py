"""What a header costs through CtxbridgePropagator.extract by its size: a 16 MB header must
cost what a 16 kB one does (the core reads no further than the limits; a str crosses into
Rust without a copy). `make bench-headers` runs it; the README has the figures."""

import timeit

from opentelemetry.context.context import Context

import ctxbridge

PROPAGATOR = ctxbridge.CtxbridgePropagator()
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
SIZES = [16 << 10, 1 << 20, 16 << 20]


def carrier(kind: str, size: int) -> dict:
    if kind == "one long member":
        baggage = "k=" + "v" * size
    else:
        baggage = ",".join(f"k{i}=v" for i in range(size // 8))[:size]
    return {"traceparent": TRACEPARENT, "tracestate": "a=1," + "x" * size, "baggage": baggage}


def microseconds(headers: dict) -> float:
    call = lambda: PROPAGATOR.extract(headers, context=Context())  # noqa: E731
    timeit.timeit(call, number=200)
    return min(timeit.repeat(call, number=500, repeat=3)) / 500 * 1e6


print("extract by header size (µs per call; ratio to 16 kB)")
for kind in ("one long member", "many small members"):
    times = [microseconds(carrier(kind, size)) for size in SIZES]
    cells = [f"{size >> 10} kB {t:.1f} ({t / times[0]:.2f}×)" for size, t in zip(SIZES, times)]
    print(f"{kind:20} " + "  ".join(cells))
