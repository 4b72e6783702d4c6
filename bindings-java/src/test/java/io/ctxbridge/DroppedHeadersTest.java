package io.ctxbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dropped headers (issue 19): what the propagator drops from a remote caller (a bad tracestate, a
 * bad baggage member, baggage past its limits) is counted under the rule it broke and logged once
 * per rule as a warning, never with the value.
 */
class DroppedHeadersTest {
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private static final CtxbridgePropagator PROPAGATOR = CtxbridgePropagator.getInstance();

  @BeforeEach
  void setUp() {
    TestSupport.reset();
  }

  private static Context extract(Map<String, String> headers) {
    return PROPAGATOR.extract(Context.root(), headers, TestSupport.MAP_GETTER);
  }

  /** The warnings about drops logged while {@code work} runs. */
  private static List<String> dropWarnings(Runnable work) {
    try (TestSupport.LogCapture log = new TestSupport.LogCapture()) {
      work.run();
      return log.records.stream()
          .filter(r -> r.getLevel() == Level.WARNING && r.getMessage().contains("dropped"))
          .map(r -> r.getMessage())
          .collect(Collectors.toList());
    }
  }

  @Test
  void aBadTracestateIsDroppedCountedAndLoggedOnceWithoutItsValue() {
    List<String> warnings =
        dropWarnings(
            () -> {
              for (String secret : List.of("Upper=secret-one", "Upper=secret-two")) {
                SpanContext spanContext =
                    Span.fromContext(
                            extract(Map.of("traceparent", TRACEPARENT, "tracestate", secret)))
                        .getSpanContext();
                assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", spanContext.getTraceId());
                assertEquals("00f067aa0ba902b7", spanContext.getSpanId());
                assertTrue(spanContext.getTraceState().isEmpty(), "dropped whole");
              }
            });
    assertEquals(1, warnings.size(), String.valueOf(warnings));
    assertTrue(warnings.get(0).contains("tracestate.key"), warnings.get(0));
    assertFalse(warnings.get(0).contains("secret"), warnings.get(0));
    assertEquals(Map.of("tracestate.key", 2L), Diagnostics.droppedStats());
  }

  @Test
  void baggageMembersAreDroppedAloneAndCountedByRule() {
    String many =
        IntStream.range(0, 70).mapToObj(n -> "k" + n + "=v").collect(Collectors.joining(","));
    Baggage[] seen = new Baggage[2];
    List<String> warnings =
        dropWarnings(
            () -> {
              seen[0] =
                  Baggage.fromContext(extract(Map.of("baggage", "ok=1,bad key=private,v=a\\b")));
              seen[1] = Baggage.fromContext(extract(Map.of("baggage", many)));
            });
    assertEquals(Map.of("ok", "1"), Map.of("ok", seen[0].getEntryValue("ok")));
    assertEquals(1, seen[0].size());
    assertEquals(64, seen[1].size());
    assertEquals(
        Map.of("baggage.key", 1L, "baggage.value", 1L, "baggage.limits", 1L),
        Diagnostics.droppedStats());
    assertEquals(3, warnings.size(), String.valueOf(warnings));
    assertFalse(warnings.stream().anyMatch(w -> w.contains("private")), String.valueOf(warnings));
  }

  @Test
  void aQueueResumeReportsWhatItDropped() {
    List<String> warnings =
        dropWarnings(
            () ->
                Queues.resume(
                    Map.of("traceparent", TRACEPARENT, "baggage", "bad key=1"),
                    Instant.now(),
                    Duration.ofMinutes(1)));
    assertEquals(1, warnings.size(), String.valueOf(warnings));
    assertEquals(Map.of("baggage.key", 1L), Diagnostics.droppedStats());
  }

  @Test
  void validHeadersDropNothingAndResetReportsAgain() {
    List<String> warnings =
        dropWarnings(
            () -> {
              extract(
                  Map.of("traceparent", TRACEPARENT, "tracestate", "a=1, b=2", "baggage", "k=v;p"));
              assertEquals(Map.of(), Diagnostics.droppedStats());
              extract(Map.of("baggage", "bad key=1"));
              Diagnostics.resetStats();
              assertEquals(Map.of(), Diagnostics.droppedStats());
              extract(Map.of("baggage", "bad key=1"));
            });
    assertEquals(2, warnings.size(), String.valueOf(warnings));
  }
}
