package io.ctxbridge;

import static io.ctxbridge.TestSupport.TRACER;
import static io.ctxbridge.TestSupport.span;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A producer and a consumer thread through a real queue of header maps (DESIGN section 5). */
class QueuesTest {
  private record Message(Map<String, String> headers, Instant enqueuedAt) {}

  @BeforeEach
  void setUp() {
    TestSupport.reset();
  }

  /** Produces one message inside a {@code produce} span carrying tenant baggage. */
  private static Message produce() {
    Span producer = TRACER.spanBuilder("produce").startSpan();
    try (Scope s1 = producer.makeCurrent();
        Scope s2 = Baggage.current().toBuilder().put("tenant", "acme").build().makeCurrent()) {
      return new Message(Queues.inject(new HashMap<>()), Instant.now());
    } finally {
      producer.end();
    }
  }

  /** Consumes on another thread, as of {@code now}; returns the consumer's baggage. */
  private static String consume(BlockingQueue<Message> queue, Instant now) throws Exception {
    Message message = queue.poll(10, TimeUnit.SECONDS);
    Resumed resumed =
        Queues.resume(
            message.headers(),
            new io.opentelemetry.context.propagation.TextMapGetter<Map<String, String>>() {

              @Override
              public String get(Map<String, String> carrier, String key) {
                return carrier.get(key);
              }
            },
            message.enqueuedAt(),
            Duration.ofMinutes(5),
            now);
    Span consumer = resumed.applyTo(TRACER.spanBuilder("consume")).startSpan();
    try (Scope s = resumed.context().with(consumer).makeCurrent()) {
      return Baggage.current().getEntryValue("tenant");
    } finally {
      consumer.end();
    }
  }

  private static String consumeOnAnotherThread(BlockingQueue<Message> queue, Instant now)
      throws Exception {
    String[] tenant = new String[1];
    Exception[] failure = new Exception[1];
    Thread consumer =
        new Thread(
            () -> {
              try {
                tenant[0] = consume(queue, now);
              } catch (Exception e) {
                failure[0] = e;
              }
            });
    consumer.start();
    consumer.join();
    if (failure[0] != null) {
      throw failure[0];
    }
    return tenant[0];
  }

  @Test
  void aFreshMessageResumesAsAChild() throws Exception {
    BlockingQueue<Message> queue = new ArrayBlockingQueue<>(1);
    queue.put(produce());
    String tenant = consumeOnAnotherThread(queue, Instant.now());
    SpanData producer = span("produce");
    SpanData consumer = span("consume");
    assertEquals(producer.getTraceId(), consumer.getTraceId());
    assertEquals(producer.getSpanId(), consumer.getParentSpanId());
    assertEquals("acme", tenant, "baggage survives");
  }

  @Test
  void anOldMessageStartsANewTraceLinkedToTheProducer() throws Exception {
    BlockingQueue<Message> queue = new ArrayBlockingQueue<>(1);
    queue.put(produce());
    String tenant = consumeOnAnotherThread(queue, Instant.now().plus(Duration.ofHours(3)));
    SpanData producer = span("produce");
    SpanData consumer = span("consume");
    assertNotEquals(producer.getTraceId(), consumer.getTraceId());
    assertFalse(consumer.getParentSpanContext().isValid(), "a new root");
    assertEquals(1, consumer.getLinks().size());
    LinkData link = consumer.getLinks().get(0);
    assertEquals(producer.getTraceId(), link.getSpanContext().getTraceId());
    assertEquals(producer.getSpanId(), link.getSpanContext().getSpanId());
    assertEquals("acme", tenant, "baggage survives");
  }

  @Test
  void aMessageWithoutATraceResumesAsARoot() {
    Map<String, String> headers = new HashMap<>();
    headers.put("traceparent", "not a traceparent");
    headers.put("baggage", "tenant=acme");
    Resumed resumed = Queues.resume(headers, Instant.now(), Duration.ofMinutes(5));
    assertEquals(Resumed.Kind.ROOT, resumed.kind());
    assertFalse(resumed.producer().isValid());
    assertEquals("acme", resumed.baggage().getEntryValue("tenant"));
  }

  @Test
  void injectWritesTheCurrentSpanAndBaggage() {
    Span span = TRACER.spanBuilder("produce").startSpan();
    Map<String, String> headers;
    try (Scope s1 = span.makeCurrent();
        Scope s2 = Baggage.builder().put("k", "a b").build().makeCurrent()) {
      headers = Queues.inject(new HashMap<>());
    } finally {
      span.end();
    }
    // The SDK sets the sampled and (Level 2) random flags.
    assertEquals(
        "00-"
            + span.getSpanContext().getTraceId()
            + "-"
            + span.getSpanContext().getSpanId()
            + "-"
            + span.getSpanContext().getTraceFlags().asHex(),
        headers.get("traceparent"));
    assertEquals("k=a%20b", headers.get("baggage"));
    assertTrue(!headers.containsKey("tracestate"));
  }
}
