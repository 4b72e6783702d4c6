"""The doctor's benchmark (issue: a 100,000-span OTLP file in under a second, memory below
10x the file): writes an OTLP JSON file of N spans (traces of 10 spans over 4 services,
with a broken hand-off every 100 traces), runs the release ctxbridge-doctor over it three
times, and prints the wall time and peak RSS against the file's size.

    python3 scripts/doctor_bench.py [target/release/ctxbridge-doctor] [spans]
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/ctxbridge-doctor"
count = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
random.seed(7)


def kv(key, value):
    return {"key": key, "value": {"stringValue": value}}


def span(trace, sid, parent, name, kind, start, end, attrs):
    return {
        "traceId": f"{trace:032x}", "spanId": f"{sid:016x}", "parentSpanId": f"{parent:016x}" if parent else "",
        "name": name, "kind": kind, "startTimeUnixNano": str(start), "endTimeUnixNano": str(end),
        "attributes": [kv(k, v) for k, v in attrs.items()], "status": {},
    }


services = ["orders", "billing", "shipping", "mailer"]
resources = {s: [] for s in services}
sid = 1
t0 = 1_796_212_800_000_000_000
for trace in range(1, count // 10 + 1):
    start = t0 + trace * 5_000_000
    order = f"o-{trace}"
    root = sid
    resources["orders"].append(span(trace, sid, 0, "POST /orders", 2, start, start + 4_000_000,
                                    {"http.route": "/orders", "order.id": order, "thread.name": f"http-{trace % 8}"}))
    sid += 1
    for i in range(9):
        service = services[i % 4]
        broken = trace % 100 == 0 and i == 4
        parent = 0 if broken else root
        tid = trace + 10_000_000 if broken else trace
        resources[service].append(span(tid, sid, parent, f"step-{i}", 1, start + i * 300_000, start + i * 300_000 + 250_000,
                                       {"order.id": order, "thread.name": f"pool-1-thread-{i % 4}", "step": str(i)}))
        sid += 1
doc = {"resourceSpans": [{"resource": {"attributes": [kv("service.name", s), kv("telemetry.sdk.language", "java")]},
                          "scopeSpans": [{"scope": {"name": "bench"}, "spans": spans}]} for s, spans in resources.items()]}
with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
    json.dump(doc, f)
    path = f.name
size = os.path.getsize(path)
print(f"{count} spans, file {size / 1e6:.1f} MB")
for run in range(3):
    before = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%M", binary, "--json", path], capture_output=True, text=True)
    wall = time.perf_counter() - before
    rss_kb = int(out.stderr.strip().splitlines()[-1])
    found = len(json.loads(out.stdout)["findings"])
    print(f"run {run + 1}: {wall:.3f} s, peak RSS {rss_kb / 1024:.1f} MiB ({rss_kb * 1024 / size:.1f}x the file), {found} findings (exit {out.returncode})")
os.unlink(path) if not os.environ.get('KEEP') else print(path)
