package io.ctxbridge.bench;

import io.ctxbridge.CtxbridgePropagator;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Extract and inject, ctxbridge beside opentelemetry-java's W3C propagators, on the same carriers
 * in one run (DESIGN section 8: no slower). {@code headers}: a traceparent alone, with a two-member
 * tracestate, or a baggage header alone (against {@code W3CBaggagePropagator}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PropagationBenchmark {
  private static final TextMapGetter<Map<String, String>> GETTER =
      new TextMapGetter<>() {

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier.get(key);
        }
      };
  private static final TextMapSetter<Map<String, String>> SETTER = Map::put;

  @Param({"traceparent", "traceparent+tracestate", "baggage"})
  public String headers;

  private final Map<String, String> carrier = new HashMap<>();
  private final Map<String, String> out = new HashMap<>();
  private TextMapPropagator otel;
  private TextMapPropagator ctxbridge;
  private Context otelContext;
  private Context ctxbridgeContext;

  @Setup
  public void setUp() {
    if (headers.equals("baggage")) {
      carrier.put("baggage", "tenant=acme,user.id=alice%20b,region=eu-west-1;shard=3");
      otel = W3CBaggagePropagator.getInstance();
    } else {
      carrier.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
      if (headers.endsWith("tracestate")) {
        carrier.put("tracestate", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
      }
      otel = W3CTraceContextPropagator.getInstance();
    }
    ctxbridge = CtxbridgePropagator.getInstance();
    // Each side injects what it extracted itself.
    otelContext = otel.extract(Context.root(), carrier, GETTER);
    ctxbridgeContext = ctxbridge.extract(Context.root(), carrier, GETTER);
  }

  @Benchmark
  public Context extractOtel() {
    return otel.extract(Context.root(), carrier, GETTER);
  }

  @Benchmark
  public Context extractCtxbridge() {
    return ctxbridge.extract(Context.root(), carrier, GETTER);
  }

  @Benchmark
  public Map<String, String> injectOtel() {
    otel.inject(otelContext, out, SETTER);
    return out;
  }

  @Benchmark
  public Map<String, String> injectCtxbridge() {
    ctxbridge.inject(ctxbridgeContext, out, SETTER);
    return out;
  }
}
