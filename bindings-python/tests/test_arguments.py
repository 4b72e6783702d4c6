"""tests/vectors/arguments.json through the Python API: every explicit codec takes the
argument kinds the contract names, gives the contract's result for its example, and
refuses every other kind with a TypeError naming the function and the parameter."""

from __future__ import annotations

from typing import Any, Callable, Dict, List

import pytest

import ctxbridge

from conftest import load_vectors

CONTRACT = load_vectors("arguments.json")
FUNCTIONS = {function["name"]: function for function in CONTRACT["functions"]}

# The contract's kinds as Python values.
BAD_VALUES: Dict[str, Any] = {
    "null": None,
    "number": 42,
    "bytes": b"00-ab",
    "string": "a=1",
    "strings": ["k=v"],
    "list_with_number": [1],
    "pair_too_short": [("k",)],
    "member_too_short": [("k",)],
}


def ids(value: Dict[str, Any]) -> List[int]:
    """The contract's `ids` kind as Python's: ints, as OpenTelemetry Python holds them."""
    return [int(value["trace_id"], 16), int(value["span_id"], 16), value["flags"]]


def members(value: List[List[Any]]) -> List[Any]:
    """The contract's baggage members as Python's: (key, value, [(key, value-or-None)])."""
    return [(key, text, [tuple(p) for p in properties]) for key, text, properties in value]


# Each function: the contract's example arguments as Python's, and its result as the
# contract writes it.
CALLS: Dict[str, Callable[..., Any]] = {
    "parse_traceparent": lambda value: ctxbridge.parse_traceparent(value),
    "format_traceparent": lambda value: ctxbridge.format_traceparent(*ids(value)),
    "parse_tracestate": lambda values: ctxbridge.parse_tracestate(values),
    "encode_tracestate": lambda pairs: ctxbridge.encode_tracestate([tuple(p) for p in pairs]),
    "parse_baggage": lambda value: ctxbridge.parse_baggage(value),
    "extract_baggage": lambda values: ctxbridge.extract_baggage(values),
    "encode_baggage": lambda value: ctxbridge.encode_baggage(members(value)),
}


def as_contract(name: str, result: Any) -> Any:
    if name == "parse_traceparent":
        trace_id, span_id, flags = result
        return {"trace_id": f"{trace_id:032x}", "span_id": f"{span_id:016x}", "flags": flags}
    if name == "parse_tracestate":
        return [list(pair) for pair in result]
    if name in ("parse_baggage", "extract_baggage"):
        return [[key, value, [list(p) for p in properties]] for key, value, properties in result]
    return result


def test_the_contract_names_every_explicit_codec_python_exports():
    exported = {name for name in ctxbridge.__all__ if name.split("_")[0] in ("parse", "format", "encode", "extract")}
    assert exported == set(FUNCTIONS) == set(CALLS)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_each_codec_gives_the_contracts_result(name):
    example = FUNCTIONS[name]["example"]
    assert as_contract(name, CALLS[name](*example["args"])) == example["returns"]


BAD = [
    (function["name"], param["name"], kind)
    for function in CONTRACT["functions"]
    for param in function["params"]
    if param["kind"] != "ids"
    for kind in param["refuses"]
]


@pytest.mark.parametrize("name, param, kind", BAD, ids=[f"{n}-{p}-{k}" for n, p, k in BAD])
def test_each_codec_refuses_other_kinds_naming_the_parameter(name, param, kind):
    call = getattr(ctxbridge, name)
    with pytest.raises(TypeError) as error:
        call(BAD_VALUES[kind])
    message = str(error.value)
    assert message.startswith(f"ctxbridge.{name}: {param} must be") or message.startswith(
        f"ctxbridge.{name}: every item of {param} must be"
    ), message


@pytest.mark.parametrize("position, param", list(enumerate(["trace_id", "span_id", "flags"])))
def test_format_traceparent_refuses_null_ids_naming_them(position, param):
    arguments: List[Any] = ids(FUNCTIONS["format_traceparent"]["example"]["args"][0])
    arguments[position] = None
    with pytest.raises(TypeError, match=f"^ctxbridge.format_traceparent: {param} must be"):
        ctxbridge.format_traceparent(*arguments)
