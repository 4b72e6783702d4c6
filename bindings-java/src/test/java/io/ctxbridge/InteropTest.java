package io.ctxbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.BaggageEntry;
import io.opentelemetry.api.baggage.BaggageEntryMetadata;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.TraceStateBuilder;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * {@code tests/vectors/interop.json} through the public propagator, beside OpenTelemetry Java's own
 * W3C propagators; and the host contracts of OpenTelemetry's {@code TraceState} and {@code
 * ContextStorage} (an extracted span context equals one the SDK builds; re-attaching the current
 * context is a no-op scope).
 */
class InteropTest {
  private static final CtxbridgePropagator CTXBRIDGE = CtxbridgePropagator.getInstance();
  private static final W3CBaggagePropagator STOCK_BAGGAGE = W3CBaggagePropagator.getInstance();
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN_ID = "00f067aa0ba902b7";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + SPAN_ID + "-01";
  private static final JsonNode INTEROP = TestSupport.vectors("interop.json");
  private static final TextMapGetter<Map<String, String>> GETTER = TestSupport.MAP_GETTER;

  private static Map<String, String> injected(
      io.opentelemetry.context.propagation.TextMapPropagator propagator, Context context) {
    Map<String, String> carrier = new HashMap<>();
    propagator.inject(context, carrier, Map::put);
    return carrier;
  }

  private static Context withValue(String value) {
    return Context.root().with(Baggage.builder().put("k", value).build());
  }

  @Test
  void valuesAreSentAsStockReadsThemBack() {
    for (JsonNode c : INTEROP.get("values")) {
      String value = c.get("value").asText();
      Map<String, String> sent = injected(CTXBRIDGE, withValue(value));
      assertEquals(c.get("encoded").asText(), sent.get("baggage"), c.get("name").asText());
      Context read = STOCK_BAGGAGE.extract(Context.root(), sent, GETTER);
      assertEquals(value, Baggage.fromContext(read).getEntryValue("k"), c.get("name").asText());
    }
  }

  @Test
  void whatStockSendsIsReadByW3cRules() {
    for (JsonNode c : INTEROP.get("stock")) {
      String name = c.get("sdk").asText() + ": " + c.get("name").asText();
      if (c.get("sdk").asText().equals("java")) {
        Map<String, String> sent = injected(STOCK_BAGGAGE, withValue(c.get("value").asText()));
        assertEquals(c.get("header").asText(), sent.get("baggage"), name);
      }
      Context read =
          CTXBRIDGE.extract(Context.root(), Map.of("baggage", c.get("header").asText()), GETTER);
      assertEquals(c.get("reads").asText(), Baggage.fromContext(read).getEntryValue("k"), name);
    }
  }

  @Test
  void propertiesSurviveAsEntryMetadata() {
    for (JsonNode c : INTEROP.get("properties")) {
      String name = c.get("name").asText();
      String header = String.join(",", TestSupport.strings(c.get("headers")));
      Context read = CTXBRIDGE.extract(Context.root(), Map.of("baggage", header), GETTER);
      BaggageEntry entry = Baggage.fromContext(read).asMap().get(c.get("key").asText());
      assertEquals(c.get("value").asText(), entry.getValue(), name);
      assertEquals(c.get("metadata").asText(), entry.getMetadata().getValue(), name);
      assertEquals(c.get("encoded").asText(), injected(CTXBRIDGE, read).get("baggage"), name);
    }
  }

  @Test
  void metadataThatIsNotW3cPropertiesIsNeverSent() {
    for (JsonNode c : INTEROP.get("bad_metadata")) {
      Baggage baggage =
          Baggage.builder()
              .put(
                  c.get("key").asText(),
                  c.get("value").asText(),
                  BaggageEntryMetadata.create(c.get("metadata").asText()))
              .build();
      String sent = injected(CTXBRIDGE, Context.root().with(baggage)).get("baggage");
      String expected = c.get("encoded").asText();
      assertEquals(expected.isEmpty() ? null : expected, sent, c.get("name").asText());
    }
  }

  /** A TraceState as any code can implement one, holding members W3C cannot carry. */
  private record RawTraceState(Map<String, String> members) implements TraceState {
    static RawTraceState of(String serialized) {
      Map<String, String> members = new LinkedHashMap<>();
      for (String member : serialized.split(",")) {
        int eq = member.indexOf('=');
        members.put(member.substring(0, eq), member.substring(eq + 1));
      }
      return new RawTraceState(members);
    }

    @Override
    public String get(String key) {
      return members.get(key);
    }

    @Override
    public int size() {
      return members.size();
    }

    @Override
    public boolean isEmpty() {
      return members.isEmpty();
    }

    @Override
    public void forEach(BiConsumer<String, String> consumer) {
      members.forEach(consumer);
    }

    @Override
    public Map<String, String> asMap() {
      return members;
    }

    @Override
    public TraceStateBuilder toBuilder() {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void aTracestateThatIsNotW3cIsNeverSent() {
    for (JsonNode c : INTEROP.get("bad_tracestate")) {
      TraceState state = RawTraceState.of(c.get("serialized").asText());
      SpanContext span = SpanContext.create(TRACE_ID, SPAN_ID, TraceFlags.getSampled(), state);
      Map<String, String> sent = injected(CTXBRIDGE, Context.root().with(Span.wrap(span)));
      assertEquals(TRACEPARENT, sent.get("traceparent"), c.get("name").asText());
      assertNull(sent.get("tracestate"), c.get("name").asText());
    }
  }

  @Test
  void anExtractedSpanContextEqualsTheOneTheSdkBuilds() {
    Map<String, String> carrier = Map.of("traceparent", TRACEPARENT, "tracestate", "a=1, b=2");
    SpanContext ours =
        Span.fromContext(CTXBRIDGE.extract(Context.root(), carrier, GETTER)).getSpanContext();
    SpanContext built =
        SpanContext.createFromRemoteParent(
            TRACE_ID,
            SPAN_ID,
            TraceFlags.getSampled(),
            // The SDK's builder puts each member in front of the earlier ones.
            TraceState.builder().put("b", "2").put("a", "1").build());
    assertEquals(built, ours);
    assertEquals(built.getTraceState(), ours.getTraceState());
    SpanContext stock =
        Span.fromContext(
                W3CTraceContextPropagator.getInstance().extract(Context.root(), carrier, GETTER))
            .getSpanContext();
    assertEquals(stock, ours);
    // The SDK's TraceState goes out unchanged.
    assertEquals(
        "a=1,b=2", injected(CTXBRIDGE, Context.root().with(Span.wrap(ours))).get("tracestate"));
  }

  @Test
  void aLevel2KeyTheSdkWouldDropIsKept() {
    Map<String, String> carrier = Map.of("traceparent", TRACEPARENT, "tracestate", "a@b@c=1,d=2");
    TraceState state =
        Span.fromContext(CTXBRIDGE.extract(Context.root(), carrier, GETTER))
            .getSpanContext()
            .getTraceState();
    assertInstanceOf(W3cTraceState.class, state);
    assertEquals("1", state.get("a@b@c"));
    assertEquals(2, state.size());
    assertEquals(
        "a@b@c=1,d=2",
        injected(
                CTXBRIDGE,
                Context.root()
                    .with(
                        Span.wrap(
                            SpanContext.createFromRemoteParent(
                                TRACE_ID, SPAN_ID, TraceFlags.getSampled(), state))))
            .get("tracestate"));
  }

  @Test
  void extractWithoutAContextStartsFromTheRoot() {
    ContextKey<String> key = ContextKey.named("stale");
    try (Scope ignored = Context.root().with(key, "current").makeCurrent()) {
      Context extracted = CTXBRIDGE.extract(null, Map.of("traceparent", TRACEPARENT), GETTER);
      assertNull(extracted.get(key));
      assertTrue(Span.fromContext(extracted).getSpanContext().isValid());
    }
  }

  @Test
  void reattachingTheCurrentContextIsANoopScope() {
    TestSupport.useCtxbridge();
    ContextKey<String> key = ContextKey.named("label");
    Context context = Context.root().with(key, "A");
    try (Scope outer = context.makeCurrent()) {
      Stats before = Diagnostics.stats();
      Scope again = context.makeCurrent();
      assertSame(Scope.noop(), again);
      again.close();
      assertEquals("A", Context.current().get(key));
      assertEquals(before, Diagnostics.stats());
      assertFalse(outer == again);
    }
    assertNull(Context.current().get(key));
  }

  @Test
  void aTaskRunInTheContextAlreadyCurrentStillGetsItsHygiene() {
    TestSupport.useCtxbridge();
    ContextKey<String> key = ContextKey.named("label");
    Context context = Context.root().with(key, "A");
    Executor direct = ContextExecutors.wrap((Executor) Runnable::run);
    try (Scope outer = context.makeCurrent()) {
      Stats before = Diagnostics.stats();
      direct.execute(() -> Context.current().with(key, "leaked").makeCurrent());
      assertEquals("A", Context.current().get(key));
      assertEquals(1, Diagnostics.stats().leaked() - before.leaked());
    }
    assertNull(Context.current().get(key));
  }
}
