"""``CtxbridgeInstrumentor``: what ``opentelemetry-instrument`` loads from ctxbridge's
``opentelemetry_instrumentor`` entry point, so that the counters reach the metrics pipeline
with no code (see ``ctxbridge.metrics``). Needs ``opentelemetry-instrumentation``, which the
zero-code path has installed."""

from __future__ import annotations

from typing import Any, Collection

from opentelemetry.instrumentation.instrumentor import BaseInstrumentor  # type: ignore[attr-defined]

from . import metrics


class CtxbridgeInstrumentor(BaseInstrumentor):  # type: ignore[misc]
    """Registers ctxbridge's counters with the ``meter_provider`` given, or the global one."""

    def instrumentation_dependencies(self) -> Collection[str]:
        return ()

    def _instrument(self, **kwargs: Any) -> None:
        metrics.register(kwargs.get("meter_provider"))

    def _uninstrument(self, **kwargs: Any) -> None:
        # Asynchronous instruments cannot be removed from a provider; they read the counters
        # only when the SDK collects.
        pass
