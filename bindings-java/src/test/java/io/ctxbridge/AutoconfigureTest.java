package io.ctxbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SDK autoconfigure with {@code otel.propagators=ctxbridge}: the provider in META-INF/services. */
class AutoconfigureTest {
  @Test
  void otelPropagatorsCtxbridgeSelectsThePropagator() {
    OpenTelemetrySdk sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(
                () ->
                    Map.of(
                        "otel.propagators", "ctxbridge",
                        "otel.traces.exporter", "none",
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none"))
            .disableShutdownHook()
            .build()
            .getOpenTelemetrySdk();
    try {
      TextMapPropagator propagator = sdk.getPropagators().getTextMapPropagator();
      assertSame(CtxbridgePropagator.getInstance(), propagator);
      Map<String, String> carrier =
          Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
      Context extracted =
          propagator.extract(
              Context.root(),
              new TestSupport.Headers().add("traceparent", carrier.get("traceparent")),
              TestSupport.GETTER);
      Map<String, String> out = new HashMap<>();
      propagator.inject(extracted, out, Map::put);
      assertEquals(carrier.get("traceparent"), out.get("traceparent"));
    } finally {
      sdk.close();
    }
  }
}
