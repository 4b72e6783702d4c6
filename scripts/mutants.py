#!/usr/bin/env python3
"""`make mutants`: one-line breaks of core rules, each run against every binding's suite.

Each mutation is applied to a fresh worktree of the current tree (committed or not), and
every suite runs against it: Rust (the core's tests), C (the ABI suite), Python, Node and
Java. A suite that still passes lets the mutant survive, which means a rule that suite does
not really check. The report is a table; the exit status is 1 when any mutant survived
where a suite should have caught it.

    python3 scripts/mutants.py                 # every mutation, every suite
    python3 scripts/mutants.py --only percent  # mutations whose id contains "percent"
    python3 scripts/mutants.py --suites rust,python
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Dict, List, Optional

ROOT = pathlib.Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutation:
    id: str
    path: str
    find: str
    replace: str
    what: str
    # Suites that cannot see this rule (the C ABI has no tracestate edit, say), with why.
    not_reachable: Optional[Dict[str, str]] = None


MUTATIONS = [
    Mutation(
        "tracestate-set-keeps-old",
        "core/src/tracestate.rs",
        "        self.members.retain(|(k, _)| k != key);\n",
        "",
        "a tracestate set keeps the key's old occurrence",
        {
            "c": "the C ABI has no tracestate edit",
            "python": "OpenTelemetry Python's own TraceState does the edit; ctxbridge only sends it",
        },
    ),
    Mutation(
        "baggage-percent-unencoded",
        "core/src/baggage.rs",
        "is_baggage_octet(byte) && byte != b'%' && byte != b'+'",
        "is_baggage_octet(byte) && byte != b'+'",
        "baggage encoding leaves '%' unencoded",
    ),
    Mutation(
        "rule3-leak-count",
        "core/src/scope/rules.rs",
        "                        record(Misuse::Leaked, ended);\n",
        "                        record(Misuse::Leaked, ended - 1);\n",
        "an out-of-order detach counts one leak fewer than it ended",
    ),
    Mutation(
        "queue-max-age-inclusive",
        "core/src/queue.rs",
        "age.unwrap_or_default() < max_age",
        "age.unwrap_or_default() <= max_age",
        "a message exactly max_age old still resumes as a child",
    ),
]


def suites(target: str) -> Dict[str, List[str]]:
    """Each suite as one shell command run in the worktree, stopping at its first failure."""
    return {
        "rust": ["cargo test -q -p ctxbridge-core --features otel"],
        "c": ["make -s test-c"],
        "python": ["make -s python", "cd bindings-python && ../.venv/bin/python -m pytest -x -q -p no:cacheprovider"],
        "node": [
            f"ln -sfn {ROOT}/bindings-node/node_modules bindings-node/node_modules",
            "cd bindings-node && CTXBRIDGE_PROFILE=debug node scripts/build-addon.js && npm test --silent",
        ],
        "java": [
            "mvn -B -ntp -q -f bindings-java/pom.xml -Dcargo.profile=dev -Dcargo.dir=debug "
            "-Dsurefire.skipAfterFailureCount=1 test"
        ],
    }


def run(command: str, cwd: pathlib.Path, env: Dict[str, str], log) -> bool:
    log.write(f"\n$ {command}\n")
    log.flush()
    done = subprocess.run(command, shell=True, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    return done.returncode == 0


def git(*args: str, cwd: pathlib.Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="", help="run the mutations whose id contains this")
    parser.add_argument("--suites", default="rust,c,python,node,java", help="comma-separated suites")
    parser.add_argument("--keep", action="store_true", help="keep the worktree and logs")
    args = parser.parse_args()

    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    env = dict(os.environ, CARGO_TARGET_DIR=str(pathlib.Path(target) / "mutants"))
    chosen = [m for m in MUTATIONS if args.only in m.id]
    names = [s for s in args.suites.split(",") if s]
    commands = suites(target)
    unknown = [s for s in names if s not in commands]
    if unknown:
        parser.error(f"unknown suites {unknown}: expected {sorted(commands)}")

    # The tree as it is now, uncommitted changes included, without touching it.
    base = git("stash", "create") or git("rev-parse", "HEAD")
    work = pathlib.Path(tempfile.mkdtemp(prefix="ctxbridge-mutants-"))
    tree = work / "tree"
    git("worktree", "add", "--detach", str(tree), base)
    results: Dict[str, Dict[str, str]] = {}
    try:
        for mutation in chosen:
            git("checkout", "-q", "-f", base, cwd=tree)
            source = tree / mutation.path
            text = source.read_text()
            if text.count(mutation.find) != 1:
                results[mutation.id] = {s: "NOT APPLIED" for s in names}
                print(f"{mutation.id}: the line to mutate is not in {mutation.path} exactly once", file=sys.stderr)
                continue
            source.write_text(text.replace(mutation.find, mutation.replace))
            results[mutation.id] = {}
            for suite in names:
                started = time.monotonic()
                log_path = work / f"{mutation.id}.{suite}.log"
                with open(log_path, "w") as log:
                    passed = all(run(command, tree, env, log) for command in commands[suite])
                seconds = time.monotonic() - started
                exempt = (mutation.not_reachable or {}).get(suite)
                if not passed:
                    verdict = "killed"
                elif exempt:
                    verdict = f"n/a ({exempt})"
                else:
                    verdict = "SURVIVED"
                results[mutation.id][suite] = verdict
                print(f"{mutation.id:28} {suite:7} {verdict} ({seconds:.0f} s, log {log_path})", flush=True)
    finally:
        git("worktree", "remove", "--force", str(tree))
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print("\n| mutation | what it breaks | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for mutation in chosen:
        row = results.get(mutation.id, {})
        print(f"| `{mutation.id}` | {mutation.what} | " + " | ".join(row.get(s, "-") for s in names) + " |")
    survivors = [(m, s) for m in results for s, v in results[m].items() if v in ("SURVIVED", "NOT APPLIED")]
    if survivors:
        print(f"\n{len(survivors)} survivor(s): " + ", ".join(f"{m}/{s}" for m, s in survivors))
        return 1
    print("\nevery mutant was killed by every suite that can reach its rule")
    return 0


if __name__ == "__main__":
    sys.exit(main())
