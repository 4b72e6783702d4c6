package io.ctxbridge;

import static io.ctxbridge.TestSupport.TRACER;
import static io.ctxbridge.TestSupport.span;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Executor wrapping: capture at submit, task hygiene on the worker (DESIGN rule 6). */
class ExecutorsTest {
  private static final ContextKey<String> LABEL = ContextKey.named("label");

  @BeforeEach
  void setUp() {
    TestSupport.reset();
  }

  private static void assertChildren(String parentName, String childName, int count) {
    SpanData parent = span(parentName);
    List<SpanData> children =
        TestSupport.EXPORTER.getFinishedSpanItems().stream()
            .filter(s -> s.getName().equals(childName))
            .collect(Collectors.toList());
    assertEquals(count, children.size());
    for (SpanData child : children) {
      assertEquals(parent.getTraceId(), child.getTraceId());
      assertEquals(parent.getSpanId(), child.getParentSpanId());
    }
  }

  @Test
  void aLeakedScopeDoesNotReachTheNextTaskOnTheSameThread() throws Exception {
    ExecutorService single = ContextExecutors.wrap(Executors.newSingleThreadExecutor());
    try {
      Span request = TRACER.spanBuilder("request").startSpan();
      try (Scope ignored = request.makeCurrent()) {
        single
            .submit(
                () -> {
                  // Forgets to close: the pitfall the article warns about.
                  Context.current().with(LABEL, "stale").makeCurrent();
                })
            .get(10, TimeUnit.SECONDS);
      } finally {
        request.end();
      }
      // Submitted outside any span: the next task must see neither the leak nor the request.
      String seen = single.submit(() -> Context.current().get(LABEL)).get(10, TimeUnit.SECONDS);
      single.submit(() -> TRACER.spanBuilder("next").startSpan().end()).get(10, TimeUnit.SECONDS);
      assertNull(seen, "the leaked context reached the next task");
      assertTrue(!span("next").getParentSpanContext().isValid(), "next is a root span");
      assertEquals(1, Diagnostics.stats().leaked());
    } finally {
      single.shutdown();
    }
  }

  @Test
  void aLeakIsLoggedOnceInWarnModeAndThrownInStrictMode() throws Exception {
    ExecutorService single = ContextExecutors.wrap(Executors.newSingleThreadExecutor());
    Runnable leaky = () -> Context.current().with(LABEL, "stale").makeCurrent();
    try (TestSupport.LogCapture log = new TestSupport.LogCapture()) {
      single.submit(leaky).get(10, TimeUnit.SECONDS);
      single.submit(leaky).get(10, TimeUnit.SECONDS);
      assertEquals(2, Diagnostics.stats().leaked());
      List<String> warnings = log.messages();
      assertEquals(1, warnings.size(), "once per site: " + warnings);
      assertTrue(warnings.get(0).startsWith("ctxbridge leaked:"), warnings.get(0));

      Diagnostics.setMode(Mode.STRICT);
      ExecutionException failed =
          assertThrows(
              ExecutionException.class, () -> single.submit(leaky).get(10, TimeUnit.SECONDS));
      assertTrue(failed.getCause() instanceof MisuseException);
      assertEquals(Misuse.LEAKED, ((MisuseException) failed.getCause()).misuse());
      assertEquals(3, Diagnostics.stats().leaked());
      // The thread is clean again for the next task.
      assertNull(single.submit(() -> Context.current().get(LABEL)).get(10, TimeUnit.SECONDS));
    } finally {
      single.shutdown();
    }
  }

  @Test
  void scheduledAndPeriodicTasksKeepTheParent() throws Exception {
    ScheduledExecutorService scheduler = ContextExecutors.wrap(Executors.newScheduledThreadPool(2));
    try {
      CountDownLatch fixedRate = new CountDownLatch(3);
      CountDownLatch fixedDelay = new CountDownLatch(3);
      Span parent = TRACER.spanBuilder("schedule").startSpan();
      ScheduledFuture<?> rate;
      ScheduledFuture<?> delay;
      ScheduledFuture<String> once;
      try (Scope ignored = parent.makeCurrent()) {
        rate =
            scheduler.scheduleAtFixedRate(
                () -> tick("rate_tick", fixedRate), 0, 5, TimeUnit.MILLISECONDS);
        delay =
            scheduler.scheduleWithFixedDelay(
                () -> tick("delay_tick", fixedDelay), 0, 5, TimeUnit.MILLISECONDS);
        once =
            scheduler.schedule(
                () -> {
                  TRACER.spanBuilder("once").startSpan().end();
                  return "done";
                },
                1,
                TimeUnit.MILLISECONDS);
      } finally {
        parent.end();
      }
      assertTrue(fixedRate.await(10, TimeUnit.SECONDS));
      assertTrue(fixedDelay.await(10, TimeUnit.SECONDS));
      rate.cancel(false);
      delay.cancel(false);
      assertEquals("done", once.get(10, TimeUnit.SECONDS));
      scheduler.shutdown();
      assertTrue(scheduler.awaitTermination(10, TimeUnit.SECONDS));
      assertChildren("schedule", "rate_tick", countOf("rate_tick"));
      assertTrue(countOf("rate_tick") >= 3);
      assertChildren("schedule", "delay_tick", countOf("delay_tick"));
      assertTrue(countOf("delay_tick") >= 3);
      assertChildren("schedule", "once", 1);
      assertEquals(0, Diagnostics.stats().leaked());
    } finally {
      scheduler.shutdownNow();
    }
  }

  private static void tick(String name, CountDownLatch latch) {
    if (latch.getCount() > 0) {
      TRACER.spanBuilder(name).startSpan().end();
      latch.countDown();
    }
  }

  private static int countOf(String name) {
    return (int)
        TestSupport.EXPORTER.getFinishedSpanItems().stream()
            .filter(s -> s.getName().equals(name))
            .count();
  }

  @Test
  void completableFutureChainsOnAWrappedExecutorKeepTheParent() throws Exception {
    ExecutorService pool = ContextExecutors.wrap(Executors.newFixedThreadPool(2));
    try {
      Span parent = TRACER.spanBuilder("checkout").startSpan();
      CompletableFuture<Integer> chain;
      try (Scope ignored = parent.makeCurrent()) {
        chain =
            CompletableFuture.supplyAsync(() -> step("load", 1), pool)
                .thenApplyAsync(n -> step("price", n + 1), pool)
                .thenComposeAsync(
                    n -> CompletableFuture.supplyAsync(() -> step("reserve", n + 1), pool), pool)
                .thenCombineAsync(
                    CompletableFuture.supplyAsync(() -> step("quote", 10), pool),
                    Integer::sum,
                    pool)
                .thenApplyAsync(n -> step("confirm", n), pool);
      } finally {
        parent.end();
      }
      assertEquals(13, chain.get(10, TimeUnit.SECONDS));
      for (String stage : List.of("load", "price", "reserve", "quote", "confirm")) {
        assertChildren("checkout", stage, 1);
      }
    } finally {
      pool.shutdown();
    }
  }

  private static int step(String name, int value) {
    TRACER.spanBuilder(name).startSpan().end();
    return value;
  }

  @Test
  void invokeAllAndCallablesKeepTheParent() throws Exception {
    ExecutorService pool = ContextExecutors.wrap(Executors.newFixedThreadPool(2));
    try {
      Span parent = TRACER.spanBuilder("batch").startSpan();
      List<Future<Integer>> results;
      try (Scope ignored = parent.makeCurrent()) {
        Callable<Integer> item = () -> step("item", 1);
        results = pool.invokeAll(List.of(item, item, item));
      } finally {
        parent.end();
      }
      int sum = 0;
      for (Future<Integer> f : results) {
        sum += f.get();
      }
      assertEquals(3, sum);
      assertChildren("batch", "item", 3);
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void aWrappedRunnableRunsInTheContextCapturedWhenItWasWrapped() throws Exception {
    Context captured = Context.root().with(LABEL, "captured");
    Runnable wrapped;
    try (Scope ignored = captured.makeCurrent()) {
      wrapped = ContextExecutors.wrap(() -> assertEquals("captured", Context.current().get(LABEL)));
    }
    AtomicInteger ran = new AtomicInteger();
    Thread thread =
        new Thread(
            () -> {
              wrapped.run();
              ran.incrementAndGet();
              assertNull(Context.current().get(LABEL), "restored after the task");
              ran.incrementAndGet();
            });
    thread.start();
    thread.join();
    assertEquals(2, ran.get());
  }

  @Test
  void withOpenTelemetrysDefaultStorageTasksStillRunInTheCapture() throws Exception {
    TestSupport.useDefaultStorage();
    ExecutorService pool = ContextExecutors.wrap(Executors.newSingleThreadExecutor());
    try {
      Context captured = Context.root().with(LABEL, "captured");
      Future<String> seen;
      try (Scope ignored = captured.makeCurrent()) {
        seen = pool.submit(() -> Context.current().get(LABEL));
      }
      assertEquals("captured", seen.get(10, TimeUnit.SECONDS));
      assertTrue(!CtxbridgeContextStorage.isInstalled());
    } finally {
      pool.shutdown();
      TestSupport.useCtxbridge();
    }
    assertTrue(CtxbridgeContextStorage.isInstalled());
  }
}
