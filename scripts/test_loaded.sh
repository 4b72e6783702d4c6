#!/usr/bin/env bash
# `make test-loaded RUNS=5`: `make test` on a fresh clone of the current commit, RUNS times
# in a row, with every core kept busy by a spinning process the whole time, so that a test
# that depends on timing fails here rather than in CI. Stops at the first failing run and
# keeps its clone for a look; prints how long each run took.
set -euo pipefail
runs=${RUNS:-${1:-5}}
root=$(git rev-parse --show-toplevel)
cores=$(nproc)
spinners=()
for _ in $(seq "$cores"); do
    (while :; do :; done) &
    spinners+=("$!")
done
trap 'kill "${spinners[@]}" 2>/dev/null || true' EXIT
echo "make test x$runs on fresh clones of $(git -C "$root" rev-parse --short HEAD), $cores cores kept busy"
for run in $(seq "$runs"); do
    clone=$(mktemp -d)
    git clone -q "$root" "$clone"
    started=$(date +%s)
    if ! (cd "$clone" && make test > "$clone/test.log" 2>&1); then
        echo "run $run FAILED after $(( $(date +%s) - started )) s: $clone/test.log"
        tail -40 "$clone/test.log"
        exit 1
    fi
    echo "run $run passed in $(( $(date +%s) - started )) s"
    rm -rf "$clone"
done
