package io.ctxbridge;

import static io.ctxbridge.TestSupport.TRACER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Under load (issue 12's stress runs, smaller counts): tasks on a fixed pool and on a fork-join
 * pool, a tenth of them leaking a scope, never see a wrong parent; the counters add up exactly; the
 * native heap ends where it started and the Java heap after GC stays flat once warm.
 */
class PooledTasksUnderLoadTest {
  private static final ContextKey<Integer> LEAKED = ContextKey.named("leaked");
  private static final int LEAK_EVERY = 10;

  @BeforeEach
  void setUp() {
    TestSupport.reset();
    Diagnostics.setMode(Mode.OFF); // the leaks are on purpose
  }

  private static Supplier<ExecutorService> pool(String kind) {
    return kind.equals("fixed") ? () -> Executors.newFixedThreadPool(4) : () -> new ForkJoinPool(4);
  }

  /** Submits {@code tasks} tasks, each under its own span; returns how many saw another parent. */
  private static int run(ExecutorService pool, int tasks) throws Exception {
    return run(pool, tasks, TRACER);
  }

  private static int run(ExecutorService pool, int tasks, Tracer tracer) throws Exception {
    List<Future<Boolean>> results = new ArrayList<>(tasks);
    for (int i = 0; i < tasks; i++) {
      int number = i;
      Span span = tracer.spanBuilder("submit").startSpan();
      try (Scope ignored = span.makeCurrent()) {
        String expected = span.getSpanContext().getSpanId();
        results.add(
            pool.submit(
                () -> {
                  boolean right = Span.current().getSpanContext().getSpanId().equals(expected);
                  if (number % LEAK_EVERY == 0) {
                    Context.current().with(LEAKED, number).makeCurrent(); // never closed
                  }
                  return right;
                }));
      } finally {
        span.end();
      }
    }
    int wrong = 0;
    for (Future<Boolean> result : results) {
      if (!result.get(30, TimeUnit.SECONDS)) {
        wrong++;
      }
    }
    return wrong;
  }

  @ParameterizedTest
  @ValueSource(strings = {"fixed", "fork-join"})
  void tasksSeeTheirParentAndEveryLeakIsCountedOnce(String kind) throws Exception {
    ExecutorService pool = ContextExecutors.wrap(pool(kind).get());
    try {
      int tasks = 100_000;
      Stats before = Diagnostics.stats();
      assertEquals(0, run(pool, tasks), "tasks that saw another parent");
      Stats after = Diagnostics.stats();
      assertEquals(tasks / LEAK_EVERY, after.leaked() - before.leaked());
      assertEquals(
          after.attached() - before.attached(),
          (after.detached() - before.detached()) + (after.leaked() - before.leaked()),
          "every attach was closed or counted as leaked");
      assertEquals(0, after.outOfOrder() + after.doubleDetach() + after.wrongScope());
    } finally {
      pool.shutdown();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"fixed", "fork-join"})
  void memoryStaysFlatOnceWarm(String kind) throws Exception {
    ExecutorService pool = ContextExecutors.wrap(pool(kind).get());
    try {
      // Spans go nowhere here: only ctxbridge's memory is measured.
      Tracer tracer = SdkTracerProvider.builder().build().get("under-load");
      run(pool, 20_000, tracer); // warm-up: JIT, pools, thread-local stacks
      long nativeBefore = io.ctxbridge.internal.Native.liveBytes();
      long heapBefore = TestSupport.usedHeapAfterGc();
      run(pool, 100_000, tracer);
      long heapGrowth = TestSupport.usedHeapAfterGc() - heapBefore;
      long nativeGrowth = io.ctxbridge.internal.Native.liveBytes() - nativeBefore;
      assertTrue(heapGrowth < 8 << 20, "Java heap grew by " + heapGrowth + " bytes");
      assertTrue(nativeGrowth < 64 << 10, "native heap grew by " + nativeGrowth + " bytes");
    } finally {
      pool.shutdown();
    }
  }
}
