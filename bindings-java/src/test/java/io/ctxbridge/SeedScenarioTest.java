package io.ctxbridge;

import static io.ctxbridge.TestSupport.TRACER;
import static io.ctxbridge.TestSupport.span;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seed article's order service: {@code validate_payment} in the request thread hands {@code
 * background_fulfillment} to an {@code ExecutorService}. Verified as the article says: the child
 * shares the parent's trace id and its parent span id is the parent's span id.
 */
class SeedScenarioTest {
  private ExecutorService executorService;

  @BeforeEach
  void setUp() {
    TestSupport.reset();
    executorService = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    executorService.shutdown();
    executorService.awaitTermination(10, TimeUnit.SECONDS);
    TestSupport.useCtxbridge();
  }

  private static void fulfill(String orderId) {
    Span.current().setAttribute("order.id", orderId);
  }

  private static void assertChildOf(SpanData parent, SpanData child) {
    assertEquals(parent.getTraceId(), child.getTraceId(), "same trace");
    assertEquals(parent.getSpanId(), child.getParentSpanId(), "parent span id");
  }

  /** The article's Java pattern, unchanged, with ctxbridge's storage behind Context. */
  @Test
  void contextWrapSubmittedToAnExecutorKeepsTheParent() throws Exception {
    Span validate = TRACER.spanBuilder("validate_payment").startSpan();
    try (Scope ignored = validate.makeCurrent()) {
      Context capturedCtx = Context.current();
      executorService
          .submit(
              capturedCtx.wrap(
                  () -> {
                    Span ws =
                        TRACER
                            .spanBuilder("background_fulfillment")
                            .setParent(capturedCtx)
                            .startSpan();
                    try (Scope s = ws.makeCurrent()) {
                      fulfill("order-42");
                    } finally {
                      ws.end();
                    }
                  }))
          .get(10, TimeUnit.SECONDS);
    } finally {
      validate.end();
    }
    assertChildOf(span("validate_payment"), span("background_fulfillment"));
    Doctor.assertUnbroken(TestSupport.EXPORTER.getFinishedSpanItems());
    Stats stats = Diagnostics.stats();
    assertEquals(stats.attached(), stats.detached(), "every scope was closed in order");
    assertEquals(
        0, stats.leaked() + stats.outOfOrder() + stats.doubleDetach() + stats.wrongScope());
  }

  /** With a wrapped executor the worker needs no capture code at all, and baggage survives. */
  @Test
  void wrappedExecutorCapturesAtSubmit() throws Exception {
    ExecutorService pool = ContextExecutors.wrap(executorService);
    AtomicReference<String> tenant = new AtomicReference<>();
    Span validate = TRACER.spanBuilder("validate_payment").startSpan();
    try (Scope s1 = validate.makeCurrent();
        Scope s2 = Baggage.current().toBuilder().put("tenant", "acme").build().makeCurrent()) {
      pool.submit(
              () -> {
                Span ws = TRACER.spanBuilder("background_fulfillment").startSpan();
                try (Scope s = ws.makeCurrent()) {
                  tenant.set(Baggage.current().getEntryValue("tenant"));
                  fulfill("order-42");
                } finally {
                  ws.end();
                }
              })
          .get(10, TimeUnit.SECONDS);
    } finally {
      validate.end();
    }
    assertChildOf(span("validate_payment"), span("background_fulfillment"));
    assertEquals("acme", tenant.get());
    Doctor.assertUnbroken(TestSupport.EXPORTER.getFinishedSpanItems());
  }

  /** The bug the article describes: without a hand-off the worker starts a new trace. */
  @Test
  void withoutAHandOffTheWorkerStartsANewTrace() throws Exception {
    Span validate = TRACER.spanBuilder("validate_payment").startSpan();
    try (Scope ignored = validate.makeCurrent()) {
      executorService
          .submit(() -> TRACER.spanBuilder("background_fulfillment").startSpan().end())
          .get(10, TimeUnit.SECONDS);
    } finally {
      validate.end();
    }
    SpanData child = span("background_fulfillment");
    assertNotEquals(span("validate_payment").getTraceId(), child.getTraceId());
    assertFalse(child.getParentSpanContext().isValid(), "an orphan root span");
    // The doctor names the pair: the new root and the span open when it started.
    List<Doctor.Finding> findings =
        Doctor.diagnose(TestSupport.EXPORTER.getFinishedSpanItems()).findings();
    assertEquals(1, findings.size());
    assertEquals("broken-handoff", findings.get(0).shape());
    assertEquals(child.getSpanId(), findings.get(0).span().spanId());
    assertEquals(span("validate_payment").getSpanId(), findings.get(0).related().spanId());
    AssertionError failure =
        assertThrows(
            AssertionError.class,
            () -> Doctor.assertUnbroken(TestSupport.EXPORTER.getFinishedSpanItems()));
    assertTrue(failure.getMessage().contains("broken hand-off: 'background_fulfillment'"));
  }

  /** Pitfall 1: capturing inside the worker captures the worker's empty context. */
  @Test
  void capturingInsideTheWorkerCapturesNothing() throws Exception {
    Span validate = TRACER.spanBuilder("validate_payment").startSpan();
    try (Scope ignored = validate.makeCurrent()) {
      executorService
          .submit(
              () -> {
                Context tooLate = Context.current();
                TRACER.spanBuilder("background_fulfillment").setParent(tooLate).startSpan().end();
              })
          .get(10, TimeUnit.SECONDS);
    } finally {
      validate.end();
    }
    assertFalse(span("background_fulfillment").getParentSpanContext().isValid());
  }
}
