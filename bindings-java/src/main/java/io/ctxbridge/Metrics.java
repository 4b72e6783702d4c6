package io.ctxbridge;

import io.ctxbridge.internal.Fields;
import io.ctxbridge.internal.Native;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * ctxbridge's counters as OpenTelemetry metrics, in the pipeline the service already exports:
 * asynchronous counters (read when the SDK collects, so attach and close pay nothing for them)
 * named by the core, the same in every language: {@code ctxbridge.context.attached}, {@code
 * ctxbridge.context.detached} and {@code ctxbridge.context.misuse}, the last with one point per
 * misuse and its kind ({@code out_of_order}, {@code double_detach}, {@code wrong_scope}, {@code
 * leaked}) in the {@code ctxbridge.misuse.kind} attribute.
 *
 * <p>Under the OpenTelemetry Java agent with ctxbridge as its extension they are registered with
 * the agent's SDK by themselves. Values are the process's cumulative counts; {@link
 * Diagnostics#resetStats()} starts them again from zero, which a backend reads as a reset.
 */
public final class Metrics {
  // The providers registered with, weakly (a provider that is dropped is forgotten). The SDK
  // keeps the instruments' callbacks; the handles are not needed.
  private static final Map<MeterProvider, Boolean> REGISTERED =
      Collections.synchronizedMap(new WeakHashMap<>());

  private Metrics() {}

  /** Publishes the counters through the global {@code MeterProvider}. */
  public static void register() {
    register(GlobalOpenTelemetry.getMeterProvider());
  }

  /**
   * Publishes the counters through {@code meterProvider}; registering twice with one provider does
   * nothing.
   */
  public static void register(MeterProvider meterProvider) {
    Args.notNull(meterProvider, "Metrics.register", "meterProvider");
    synchronized (REGISTERED) {
      if (REGISTERED.containsKey(meterProvider)) {
        return;
      }
      instruments(meterProvider);
      REGISTERED.put(meterProvider, Boolean.TRUE);
    }
  }

  private static void instruments(MeterProvider provider) {
    String[] table = Fields.unpack(Native.metricTable());
    Meter meter = provider.meterBuilder(table[0]).setInstrumentationVersion(version()).build();
    AttributeKey<String> kind = AttributeKey.stringKey(table[1]);
    int i = 2;
    while (i < table.length) {
      String name = table[i];
      String unit = table[i + 1];
      String description = table[i + 2];
      i += 3;
      List<String> ids = new ArrayList<>();
      List<Integer> indexes = new ArrayList<>();
      while (table[i] != null) {
        ids.add(table[i]);
        indexes.add(Integer.parseInt(table[i + 1]));
        i += 2;
      }
      i++; // the null that ends the instrument
      meter
          .counterBuilder(name)
          .setUnit(unit)
          .setDescription(description)
          .buildWithCallback(
              measurement -> {
                long[] counters = Diagnostics.counters();
                if (ids.size() == 1) {
                  measurement.record(counters[indexes.get(0)]);
                  return;
                }
                for (int c = 0; c < ids.size(); c++) {
                  measurement.record(counters[indexes.get(c)], Attributes.of(kind, ids.get(c)));
                }
              });
    }
  }

  private static String version() {
    String version = Metrics.class.getPackage().getImplementationVersion();
    return version != null ? version : "dev";
  }
}
