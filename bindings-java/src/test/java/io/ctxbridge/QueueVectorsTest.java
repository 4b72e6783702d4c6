package io.ctxbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of tests/vectors/queue.json through {@link Queues#resume}: a child while the message
 * is younger than maxAge, a new root linked to the producer from then on, a root without a
 * traceparent, the baggage kept every time.
 */
class QueueVectorsTest {
  private static final JsonNode QUEUE = TestSupport.vectors("queue.json");
  private static final String PRODUCER = "4bf92f3577b34da6a3ce929d0e0e4736";

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    QUEUE.get("cases").forEach(c -> out.add(Arguments.of(c.get("name").asText(), c)));
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void queueVectors(String name, JsonNode c) {
    Map<String, String> headers = new HashMap<>();
    c.get("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
    Instant now = Instant.ofEpochMilli(QUEUE.get("now_ms").asLong());
    Resumed resumed =
        Queues.resume(
            headers,
            TestSupport.MAP_GETTER,
            now.minusMillis(c.get("age_ms").asLong()),
            Duration.ofMillis(c.get("max_age_ms").asLong()),
            now);
    String kind = c.get("kind").asText();
    assertEquals(kind.toUpperCase(Locale.ROOT), resumed.kind().name(), name);
    assertEquals("acme", resumed.baggage().getEntryValue("tenant"), name);
    SpanContext parent = Span.fromContext(resumed.context()).getSpanContext();
    if (kind.equals("child")) {
      assertEquals(PRODUCER, parent.getTraceId(), name);
      assertTrue(parent.isRemote(), name);
    } else {
      assertFalse(parent.isValid(), name);
    }
    if (!kind.equals("root")) {
      assertEquals(PRODUCER, resumed.producer().getTraceId(), name);
    }
  }
}
