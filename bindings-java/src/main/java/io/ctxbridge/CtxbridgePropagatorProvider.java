package io.ctxbridge;

import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurablePropagatorProvider;

/**
 * Makes {@code otel.propagators=ctxbridge} (or {@code OTEL_PROPAGATORS=ctxbridge}) select {@link
 * CtxbridgePropagator}: W3C traceparent, tracestate and baggage in one propagator. SDK
 * autoconfigure and the OpenTelemetry Java agent find it through {@code META-INF/services}. When
 * the native library cannot load, OpenTelemetry's W3C trace-context and baggage propagators are
 * used.
 */
public final class CtxbridgePropagatorProvider implements ConfigurablePropagatorProvider {
  @Override
  public TextMapPropagator getPropagator(ConfigProperties config) {
    if (!LibraryCheck.usable("OpenTelemetry's W3C propagators")) {
      return TextMapPropagator.composite(
          W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());
    }
    return CtxbridgePropagator.getInstance();
  }

  @Override
  public String getName() {
    return "ctxbridge";
  }
}
