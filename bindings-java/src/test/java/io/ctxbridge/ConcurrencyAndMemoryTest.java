package io.ctxbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctxbridge.internal.Native;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Many threads at once, and a million cycles: no lost counter update, no crash, and the native heap
 * (counted by the library's allocator) and the Java heap end where they started.
 */
class ConcurrencyAndMemoryTest {
  private static final ContextKey<Integer> N = ContextKey.named("n");

  @BeforeEach
  void setUp() {
    TestSupport.reset();
  }

  @Test
  void manyThreadsAttachingAndClosingAtOnceLoseNoUpdate() throws Exception {
    int threads = 16;
    int cycles = 20_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      // From 1: for id 0, outer.with(N, -0) is outer itself, and re-attaching the current
      // context is a no-op scope (as in OpenTelemetry's storage), not a second attach.
      int id = t + 1;
      results.add(
          pool.submit(
              () -> {
                start.await();
                int wrong = 0;
                for (int i = 0; i < cycles; i++) {
                  Context outer = Context.root().with(N, id);
                  try (Scope a = outer.makeCurrent()) {
                    try (Scope b = outer.with(N, -id).makeCurrent()) {
                      wrong += Context.current().get(N) == -id ? 0 : 1;
                    }
                    wrong += Context.current().get(N) == id ? 0 : 1;
                  }
                  wrong += Context.current().get(N) == null ? 0 : 1;
                }
                return wrong;
              }));
    }
    start.countDown();
    for (Future<Integer> result : results) {
      assertEquals(0, result.get(60, TimeUnit.SECONDS), "a thread saw another's context");
    }
    pool.shutdown();
    Stats stats = Diagnostics.stats();
    assertEquals(2L * threads * cycles, stats.attached());
    assertEquals(2L * threads * cycles, stats.detached());
    assertEquals(0, stats.outOfOrder() + stats.doubleDetach() + stats.wrongScope());
  }

  @Test
  void aMillionCyclesLeaveMemoryFlat() throws Exception {
    Context context = Context.root().with(N, 1);
    ExecutorService pool = ContextExecutors.wrap(Executors.newSingleThreadExecutor());
    // Warm up: the thread's native stack, the JIT, the pool's thread.
    cycle(context, 10_000);
    propagate(10_000);
    pool.submit(() -> cycle(context, 10_000)).get();
    long nativeBefore = Native.liveBytes();
    long heapBefore = TestSupport.usedHeapAfterGc();

    cycle(context, 1_000_000);
    List<Future<?>> tasks = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      tasks.add(pool.submit(() -> cycle(context, 1_000)));
    }
    for (Future<?> task : tasks) {
      task.get(60, TimeUnit.SECONDS);
    }
    propagate(200_000);

    assertEquals(
        nativeBefore,
        Native.liveBytes(),
        "native bytes after 2M attach/close and 200k extract/inject cycles");
    long heapGrowth = TestSupport.usedHeapAfterGc() - heapBefore;
    assertTrue(heapGrowth < 8 << 20, "Java heap grew by " + heapGrowth + " bytes");
    assertNull(Context.current().get(N));
    pool.shutdown();
  }

  @Test
  void aDeadThreadsNativeStackIsFreed() throws Exception {
    long before = Native.liveBytes();
    for (int round = 0; round < 200; round++) {
      Thread thread = new Thread(() -> cycle(Context.root().with(N, 2), 10));
      thread.start();
      thread.join();
    }
    // The stacks are freed by a Cleaner once their threads' entries are collected: wait for
    // that (however loaded the machine), not for a fixed time.
    long after = Long.MAX_VALUE;
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (after > before && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(20);
      after = Native.liveBytes();
    }
    assertTrue(after <= before, "native bytes: before " + before + ", after " + after);
  }

  private static void cycle(Context context, int times) {
    for (int i = 0; i < times; i++) {
      try (Scope ignored = context.makeCurrent()) {
        if (Context.current() != context) {
          throw new AssertionError("attach did not take");
        }
      }
    }
  }

  /** Extract and inject through the JNI codecs: byte arrays in and out every call. */
  private static void propagate(int times) {
    CtxbridgePropagator propagator = CtxbridgePropagator.getInstance();
    TestSupport.Headers headers =
        new TestSupport.Headers()
            .add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            .add("tracestate", "rojo=00f067aa0ba902b7, congo=t61rcWkgMzE")
            .add("baggage", "tenant=acme,user=alice;p=1");
    java.util.Map<String, String> out = new java.util.HashMap<>();
    for (int i = 0; i < times; i++) {
      Context extracted = propagator.extract(Context.root(), headers, TestSupport.GETTER);
      propagator.inject(extracted, out, TestSupport.MAP_SETTER);
    }
    if (!out.get("tracestate").equals("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")) {
      throw new AssertionError(out);
    }
  }
}
