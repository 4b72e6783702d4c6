package io.ctxbridge.bench;

import io.ctxbridge.CtxbridgePropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a header costs through {@code CtxbridgePropagator.extract} by its size: a 16 MB header must
 * cost what a 16 kB one does (the core reads no further than its limits, and Java copies no more of
 * a header than can matter). {@code make bench-headers} runs it; the README has the figures.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HeaderSizeBenchmark {
  private static final TextMapGetter<Map<String, String>> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier.get(key);
        }
      };

  @Param({"16384", "1048576", "16777216"})
  public int size;

  @Param({"one-long-member", "many-small-members"})
  public String shape;

  private final Map<String, String> carrier = new HashMap<>();

  @Setup
  public void setUp() {
    carrier.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    carrier.put("tracestate", "a=1," + "x".repeat(size));
    String baggage =
        shape.equals("one-long-member")
            ? "k=" + "v".repeat(size)
            : IntStream.range(0, size / 8)
                .mapToObj(i -> "k" + i + "=v")
                .collect(Collectors.joining(","));
    carrier.put("baggage", baggage.length() > size ? baggage.substring(0, size) : baggage);
  }

  @Benchmark
  public Context extract() {
    return CtxbridgePropagator.getInstance().extract(Context.root(), carrier, GETTER);
  }
}
