"""Argument checks at the call, with ctxbridge's own message naming the function and the
parameter (``ctxbridge.attach: context must be an OpenTelemetry Context, got NoneType``),
so a wrong argument fails where it is passed, not later inside OpenTelemetry."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, MutableMapping
from typing import Any

from opentelemetry.context.context import Context


def type_error(function: str, param: str, wanted: str, value: Any) -> TypeError:
    return TypeError(f"ctxbridge.{function}: {param} must be {wanted}, got {type(value).__name__}")


def context(function: str, param: str, value: Any) -> None:
    if not isinstance(value, Context):
        raise type_error(function, param, "an OpenTelemetry Context", value)


def optional_context(function: str, param: str, value: Any) -> None:
    if value is not None and not isinstance(value, Context):
        raise type_error(function, param, "an OpenTelemetry Context or None", value)


def function(function_name: str, param: str, value: Any) -> None:
    if not callable(value):
        raise type_error(function_name, param, "callable", value)


def text(function: str, param: str, value: Any) -> None:
    if not isinstance(value, str):
        raise type_error(function, param, "a str", value)


def boolean(function: str, param: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise type_error(function, param, "a bool", value)


def mapping(function: str, param: str, value: Any, mutable: bool = False) -> None:
    if not isinstance(value, MutableMapping if mutable else Mapping):
        raise type_error(function, param, "a mutable mapping of str" if mutable else "a mapping of str", value)


def seconds(function: str, param: str, value: Any) -> float:
    """Seconds: an int, a float or a timedelta (``bool`` is refused)."""
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise type_error(function, param, "seconds (int, float or datetime.timedelta)", value)


def instant(function: str, param: str, value: Any) -> float:
    """Epoch seconds: an int, a float or a datetime."""
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise type_error(function, param, "epoch seconds (int, float or datetime.datetime)", value)
