package io.ctxbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The counters through OpenTelemetry's metrics API: the SDK's in-memory reader sees what a test
 * provokes, with the names and the attribute the core gives.
 */
class MetricsTest {
  private static final ContextKey<String> LABEL = ContextKey.named("label");
  private static final AttributeKey<String> KIND = AttributeKey.stringKey("ctxbridge.misuse.kind");

  @BeforeEach
  void reset() {
    TestSupport.reset();
  }

  /** {"name|kind": value} of one collection. */
  private static Map<String, Long> points(InMemoryMetricReader reader) {
    Map<String, Long> out = new HashMap<>();
    for (MetricData metric : reader.collectAllMetrics()) {
      assertEquals("ctxbridge", metric.getInstrumentationScopeInfo().getName());
      for (LongPointData point : metric.getLongSumData().getPoints()) {
        String kind = point.getAttributes().get(KIND);
        out.put(metric.getName() + "|" + (kind == null ? "" : kind), point.getValue());
      }
    }
    return out;
  }

  @Test
  void theInMemoryReaderSeesEveryCounterMisuseByKind() {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    Metrics.register(SdkMeterProvider.builder().registerMetricReader(reader).build());
    Diagnostics.setMode(Mode.OFF);
    Scope first = Context.root().with(LABEL, "A").makeCurrent();
    Context.root().with(LABEL, "B").makeCurrent();
    first.close(); // out of order: B leaks
    first.close(); // already detached
    Diagnostics.setMode(Mode.WARN);

    Map<String, Long> seen = points(reader);
    Stats stats = Diagnostics.stats();
    assertTrue(stats.outOfOrder() >= 1 && stats.doubleDetach() >= 1 && stats.leaked() >= 1);
    assertEquals(
        Map.of(
            "ctxbridge.context.attached|", stats.attached(),
            "ctxbridge.context.detached|", stats.detached(),
            "ctxbridge.context.misuse|out_of_order", stats.outOfOrder(),
            "ctxbridge.context.misuse|double_detach", stats.doubleDetach(),
            "ctxbridge.context.misuse|wrong_scope", stats.wrongScope(),
            "ctxbridge.context.misuse|leaked", stats.leaked()),
        seen);
  }

  @Test
  void registeringTwiceWithOneProviderAddsNothing() {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
    Metrics.register(provider);
    Metrics.register(provider);
    assertEquals(3, reader.collectAllMetrics().size());
  }

  @Test
  void aNullProviderIsRefusedNamingIt() {
    NullPointerException error =
        assertThrows(NullPointerException.class, () -> Metrics.register(null));
    assertEquals("ctxbridge: Metrics.register: meterProvider must not be null", error.getMessage());
  }
}
