"""ctxbridge's counters as OpenTelemetry metrics, in the pipeline the service already exports.

``register()`` adds three asynchronous counters to a ``MeterProvider`` (the global one by
default): ``ctxbridge.context.attached``, ``ctxbridge.context.detached`` and
``ctxbridge.context.misuse``, the last with one data point per misuse, its kind in the
``ctxbridge.misuse.kind`` attribute (``out_of_order``, ``double_detach``, ``wrong_scope``,
``leaked``). They are read when the SDK collects, so attach and detach pay nothing for them.
The names come from the core, the same in every language.

Zero-code: under ``opentelemetry-instrument`` ctxbridge's instrumentor registers them by
itself (``ctxbridge.instrumentation``); ``OTEL_PYTHON_DISABLED_INSTRUMENTATIONS=ctxbridge``
turns that off. Values are the process's cumulative counts: ``reset_stats()`` starts them again
from zero, which a backend reads as a counter reset.

    >>> from opentelemetry.sdk.metrics import MeterProvider
    >>> from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    >>> reader = InMemoryMetricReader()
    >>> ctxbridge.metrics.register(MeterProvider(metric_readers=[reader]))  # doctest: +SKIP
"""

from __future__ import annotations

import threading
import weakref
from typing import Any, Iterable, List, Optional

from opentelemetry import metrics as _otel_metrics
from opentelemetry.metrics import CallbackOptions, MeterProvider, Observation

from . import _native

_lock = threading.Lock()
# The providers registered with (weakly: a dropped provider is forgotten), so that
# register() is idempotent per provider.
_registered: "weakref.WeakSet[Any]" = weakref.WeakSet()


def _callback(counters: List[str]) -> Any:
    kind = _native.METRIC_KIND

    def observe(options: CallbackOptions) -> Iterable[Observation]:
        stats = _native.stats()
        if len(counters) == 1:
            return [Observation(stats[counters[0]])]
        return [Observation(stats[name], {kind: name}) for name in counters]

    return observe


def register(meter_provider: Optional[MeterProvider] = None) -> None:
    """Publishes the counters through ``meter_provider`` (default: the global provider, also
    one set later: OpenTelemetry's proxy forwards to it). Registering twice with one
    provider does nothing."""
    provider = meter_provider if meter_provider is not None else _otel_metrics.get_meter_provider()
    with _lock:
        if provider in _registered:
            return
        _registered.add(provider)
    meter = provider.get_meter(_native.METRIC_METER, _native.__version__)
    for name, unit, description, counters in _native.metric_instruments():
        meter.create_observable_counter(
            name, callbacks=[_callback(list(counters))], unit=unit, description=description
        )
