package io.ctxbridge;

import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurablePropagatorProvider;

/**
 * Makes {@code otel.propagators=ctxbridge} (or {@code OTEL_PROPAGATORS=ctxbridge}) select {@link
 * CtxbridgePropagator}: W3C traceparent, tracestate and baggage in one propagator. SDK
 * autoconfigure and the OpenTelemetry Java agent find it through {@code META-INF/services}.
 */
public final class CtxbridgePropagatorProvider implements ConfigurablePropagatorProvider {
  @Override
  public TextMapPropagator getPropagator(ConfigProperties config) {
    return CtxbridgePropagator.getInstance();
  }

  @Override
  public String getName() {
    return "ctxbridge";
  }
}
