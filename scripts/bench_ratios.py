#!/usr/bin/env python3
"""Prints the criterion results of `make bench` as a Markdown table of ratios.

Each benchmark group has a `ctxbridge` and an `opentelemetry` function measured in the
same run; the ratio is opentelemetry's mean time over ctxbridge's (above 1: ctxbridge
is faster).
"""
import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")


def mean_ns(group: str, function: str) -> float | None:
    path = root / group / function / "new" / "estimates.json"
    if not path.exists():
        return None
    return json.loads(path.read_text())["mean"]["point_estimate"]


print("| benchmark | ctxbridge | opentelemetry-rust | ratio |")
print("|---|---:|---:|---:|")
for group in sorted(p.name for p in root.iterdir() if p.is_dir() and p.name != "report"):
    ours, theirs = mean_ns(group, "ctxbridge"), mean_ns(group, "opentelemetry")
    if ours is not None and theirs is not None:
        print(f"| {group} | {ours:.1f} ns | {theirs:.1f} ns | {theirs / ours:.1f}x |")
    else:
        for function in ("parse", "format"):
            value = mean_ns(group, function)
            if value is not None:
                print(f"| {group} {function} | {value:.1f} ns | | |")
