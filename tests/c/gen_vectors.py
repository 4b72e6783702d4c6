#!/usr/bin/env python3
"""Writes a C header of the shared vectors (tests/vectors/*.json) for the C tests, which
have no JSON parser: one struct type and one array per section of a file.

    gen_vectors.py FILE.json PREFIX > out.h

Fields that are strings become `const char *` (NULL for JSON null), lists of strings
`const char *name[N]` with `size_t name_count`, booleans and integers `long`. A list of
members becomes one such list per column: `[key, value]` pairs give `name_0` and `name_1`,
objects give `name_<field>` for each string field, and a member's `properties`
(`[key, value-or-null]`) its metadata string (`p1;p2=x`, OpenTelemetry's form) in
`name_metadata`. Anything else (a script of ops) is left out of the C table; say which
sections with --sections.
Strings are written with octal escapes for every byte outside printable ASCII, so
CR, LF, NUL-free UTF-8 and quotes survive exactly.
"""

import argparse
import json
import sys


def c_string(text):
    if text is None:
        return "NULL"
    out = ['"']
    for byte in text.encode("utf-8"):
        char = chr(byte)
        if char in '"\\?':
            out.append("\\" + char)
        elif 0x20 <= byte < 0x7F:
            out.append(char)
        else:
            out.append("\\%03o" % byte)
    out.append('"')
    return "".join(out)


def metadata(properties):
    return ";".join(key if value is None else f"{key}={value}" for key, value in properties)


def columns(key, value):
    """The C columns of a list of members, as {column: [strings]}; None if it is not one."""
    if not isinstance(value, list) or not value:
        return None
    if all(isinstance(m, list) and all(isinstance(v, str) for v in m) for m in value):
        width = max(len(m) for m in value)
        return {f"{key}_{i}": [m[i] if i < len(m) else None for m in value] for i in range(width)}
    if all(isinstance(m, dict) for m in value):
        out = {}
        for field in value[0]:
            if field == "properties":
                out[f"{key}_metadata"] = [metadata(m.get("properties", [])) for m in value]
            elif all(isinstance(m.get(field), str) for m in value):
                out[f"{key}_{field}"] = [m[field] for m in value]
        return out
    return None


def flatten(case):
    """A case with each list of members spread into columns, an object of strings into one
    field per key (`headers_traceparent`), and scripts left out."""
    out = {}
    for key, value in case.items():
        if isinstance(value, list) and not all(isinstance(v, str) for v in value):
            out.update(columns(key, value) or {})
        elif isinstance(value, dict):
            out.update({f"{key}_{k}": v for k, v in value.items() if isinstance(v, str)})
        else:
            out[key] = value
    return out


def all_keys(cases):
    """Every field any case has, so a case without one gets NULL (or 0) there."""
    keys = {}
    for case in cases:
        for key in case:
            keys.setdefault(key, None)
    return [{**{k: None for k in keys}, **case} for case in cases]


def field_kinds(cases):
    kinds = {}
    for case in cases:
        for key, value in case.items():
            if value is None:
                continue  # absent here: the kind comes from the cases that have it
            if isinstance(value, bool) or isinstance(value, int):
                kind = "long"
            elif isinstance(value, str):
                kind = "str"
            elif isinstance(value, list) and all(v is None or isinstance(v, str) for v in value):
                kind = "strs"
            else:
                raise ValueError(f"field {key!r} holds {type(value).__name__}")
            kinds.setdefault(key, kind)
            if kinds[key] != kind:
                raise ValueError(f"field {key!r} has mixed kinds")
    for case in cases:
        for key in case:
            kinds.setdefault(key, "str")
    return kinds


def section(prefix, name, cases, out):
    cases = all_keys([flatten(case) for case in cases])
    kinds = field_kinds(cases)
    longest = {k: max(len(c.get(k) or []) for c in cases) for k, kind in kinds.items() if kind == "strs"}
    type_name = f"{prefix}_{name}_case"
    out.append(f"typedef struct {type_name} {{")
    for key, kind in kinds.items():
        if kind == "str":
            out.append(f"    const char *{key};")
        elif kind == "long":
            out.append(f"    long {key};")
        else:
            out.append(f"    const char *{key}[{max(longest[key], 1)}];")
            out.append(f"    size_t {key}_count;")
    out.append(f"}} {type_name};")
    out.append(f"static const {type_name} {prefix}_{name}[] = {{")
    for case in cases:
        parts = []
        for key, kind in kinds.items():
            value = case.get(key)
            if kind == "str":
                parts.append(f".{key} = {c_string(value)}")
            elif kind == "long":
                parts.append(f".{key} = {int(value or 0)}")
            else:
                items = ", ".join(c_string(v) for v in (value or [])) or "NULL"
                parts.append(f".{key} = {{{items}}}, .{key}_count = {len(value or [])}")
        out.append("    {" + ", ".join(parts) + "},")
    out.append("};")
    out.append(f"static const size_t {prefix}_{name}_count = {len(cases)};")
    out.append("")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("prefix")
    parser.add_argument("--sections", nargs="*")
    args = parser.parse_args()
    with open(args.file, encoding="utf-8") as f:
        data = json.load(f)
    out = [f"/* Generated from {args.file} by tests/c/gen_vectors.py; do not edit. */", ""]
    for name, cases in data.items():
        if isinstance(cases, int) and not isinstance(cases, bool):
            out.append(f"static const long long {args.prefix}_{name} = {cases}LL;")
            out.append("")
            continue
        if not isinstance(cases, list) or (args.sections and name not in args.sections):
            continue
        section(args.prefix, name, cases, out)
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
