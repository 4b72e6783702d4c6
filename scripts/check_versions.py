#!/usr/bin/env python3
"""Every artifact has one version, the workspace's (Cargo.toml); this checks the places
that cannot read it from there: the npm package, the Maven pom and the C macros."""

import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main() -> int:
    cargo = re.search(r'^version = "(.*)"$', (ROOT / "Cargo.toml").read_text(), re.M)
    assert cargo, "no version in Cargo.toml"
    version = cargo.group(1)
    found = {
        "bindings-node/package.json": json.loads((ROOT / "bindings-node/package.json").read_text())["version"],
        "bindings-node/package-lock.json": json.loads((ROOT / "bindings-node/package-lock.json").read_text())["version"],
        "bindings-java/pom.xml": re.search(
            r"<artifactId>ctxbridge</artifactId>\s*<version>(.*?)</version>", (ROOT / "bindings-java/pom.xml").read_text()
        ).group(1),  # type: ignore[union-attr]
        "capi/src/version.rs": ".".join(
            re.findall(r"CTXBRIDGE_VERSION_\w+: u32 = (\d+);", (ROOT / "capi/src/version.rs").read_text())
        ),
    }
    wrong = {path: seen for path, seen in found.items() if seen != version}
    for path, seen in wrong.items():
        print(f"{path} says {seen}, Cargo.toml says {version}", file=sys.stderr)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
