"""Baggage properties in OpenTelemetry Python's baggage.

OpenTelemetry Python keeps a baggage entry as a bare value, so a W3C member's properties
(``k=v;p1;p2=x``) have nowhere to go. ctxbridge's propagator hands such a value over as
a :class:`BaggageValue`: a ``str`` equal to the value (``get_baggage("k") == "v"``) that
also carries the properties, and writes them out again on inject, so they survive a
service in between. Values without properties stay plain ``str``.
"""

from __future__ import annotations

import typing

__all__ = ["BaggageValue", "value_of"]


class BaggageValue(str):
    """A baggage value with its member's properties.

    ``metadata`` holds them as a header writes them after the value, without the leading
    ``;`` (``"p1;p2=x"``): the form OpenTelemetry Java and JS keep as an entry's metadata.
    Set one through the API with ``set_baggage("k", BaggageValue("v", "p1;p2=x"))``;
    properties W3C Baggage cannot carry keep the whole member from being sent.
    """

    metadata: str

    def __new__(cls, value: str, metadata: str = "") -> "BaggageValue":
        self = super().__new__(cls, value)
        self.metadata = metadata
        return self

    def __reduce__(self) -> typing.Tuple[typing.Any, ...]:
        return (BaggageValue, (str(self), self.metadata))

    def __repr__(self) -> str:
        return f"BaggageValue({str.__repr__(self)}, metadata={self.metadata!r})"


def value_of(value: str, metadata: str) -> str:
    """What the propagator stores for a received member."""
    return BaggageValue(value, metadata) if metadata else value
