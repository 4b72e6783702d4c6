package io.ctxbridge.bench;

import io.ctxbridge.ContextExecutors;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The executor hand-off beside the seed's manual pattern, at a backlog of 1k, 10k and 100k tasks:
 * each operation submits {@code queued} tasks at once under a request span and waits for them; each
 * task starts one span (the real SDK, no exporter). Score: ns per operation (divide by {@code
 * queued} for a task).
 *
 * <ul>
 *   <li>{@code manualDefaultStorage}: {@code Context.current().wrap(task)} into a plain pool, on
 *       OpenTelemetry's default storage (its own JVM);
 *   <li>{@code manualCtxbridgeStorage}: the same on ctxbridge's storage;
 *   <li>{@code wrappedExecutor}: {@code ContextExecutors.wrap(pool)}, on ctxbridge's storage.
 * </ul>
 *
 * The budget: the wrapper at least as fast as the manual pattern, and flat within 20% from 1k to
 * 100k.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HandoffBenchmark {
  @Param({"1000", "10000", "100000"})
  public int queued;

  private ExecutorService pool;
  private ExecutorService wrapped;
  private Tracer tracer;

  @Setup(Level.Trial)
  public void setUp() {
    pool = Executors.newFixedThreadPool(2);
    wrapped = ContextExecutors.wrap(pool);
    tracer = SdkTracerProvider.builder().build().get("bench");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }

  private void task() {
    tracer.spanBuilder("task").startSpan().end();
  }

  private double run(boolean manual) throws Exception {
    List<Future<?>> futures = new ArrayList<>(queued);
    Span request = tracer.spanBuilder("request").startSpan();
    try (Scope ignored = request.makeCurrent()) {
      for (int i = 0; i < queued; i++) {
        futures.add(
            manual ? pool.submit(Context.current().wrap(this::task)) : wrapped.submit(this::task));
      }
    } finally {
      request.end();
    }
    for (Future<?> future : futures) {
      future.get();
    }
    return futures.size();
  }

  @Benchmark
  @Fork(value = 1, jvmArgsAppend = "-Dio.opentelemetry.context.contextStorageProvider=default")
  public double manualDefaultStorage() throws Exception {
    return run(true);
  }

  @Benchmark
  @Fork(1)
  public double manualCtxbridgeStorage() throws Exception {
    return run(true);
  }

  @Benchmark
  @Fork(1)
  public double wrappedExecutor() throws Exception {
    return run(false);
  }
}
