package io.ctxbridge;

import static io.ctxbridge.TestSupport.GETTER;
import static io.ctxbridge.TestSupport.assertRule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bad input never crashes: the propagator returns its context, explicit parses name the rule. */
class BadInputTest {
  private static final ContextKey<String> MARK = ContextKey.named("mark");
  private static final CtxbridgePropagator PROPAGATOR = CtxbridgePropagator.getInstance();

  @Test
  void thePropagatorReturnsTheContextItWasGivenForGarbage() {
    Context given = Context.root().with(MARK, "given");
    Random random = new Random(42);
    String alphabet = "0123456789abcdefABCDEF-=,; \t%\u00e9\u2603\u0000\uD83D\uDE00";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder value = new StringBuilder();
      int length = random.nextInt(i % 10 == 0 ? 2000 : 80);
      for (int j = 0; j < length; j++) {
        value.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String header = value.toString();
      TestSupport.Headers headers =
          new TestSupport.Headers()
              .add("traceparent", header)
              .add("tracestate", header)
              .add("baggage", header);
      Context extracted = PROPAGATOR.extract(given, headers, GETTER);
      assertEquals("given", extracted.get(MARK));
      assertTrue(!Span.fromContext(extracted).getSpanContext().isValid(), header);
    }
  }

  @Test
  void lengthsAroundTheInlineBufferAndNonUtf8AreSafe() {
    Context given = Context.root().with(MARK, "given");
    for (int length : new int[] {0, 1, 55, 255, 256, 257, 512, 8192, 100_000}) {
      String header = "a".repeat(length);
      Context extracted =
          PROPAGATOR.extract(
              given,
              new TestSupport.Headers().add("traceparent", header).add("baggage", header + "=1"),
              GETTER);
      assertEquals("given", extracted.get(MARK));
    }
    // A lone surrogate cannot be UTF-8: the JNI side sees replacement bytes, never a crash.
    String lone = new String(new char[] {'\uD800'});
    assertSame(
        Context.root(),
        PROPAGATOR.extract(
            Context.root(), new TestSupport.Headers().add("traceparent", lone), GETTER));
    assertTrue(lone.getBytes(StandardCharsets.UTF_8).length > 0);
  }

  @Test
  void nullsAndThrowingGettersAreTolerated() {
    Context given = Context.root().with(MARK, "given");
    assertSame(given, PROPAGATOR.extract(given, null, GETTER));
    assertSame(given, PROPAGATOR.extract(given, new TestSupport.Headers(), null));
    TextMapGetter<Object> nullValues =
        new TextMapGetter<>() {

          @Override
          public String get(Object carrier, String key) {
            return null;
          }

          @Override
          public Iterator<String> getAll(Object carrier, String key) {
            return java.util.Arrays.asList((String) null).iterator();
          }
        };
    assertSame(given, PROPAGATOR.extract(given, new Object(), nullValues));
    TextMapGetter<Object> throwing =
        new TextMapGetter<>() {

          @Override
          public String get(Object carrier, String key) {
            throw new IllegalStateException("broken carrier");
          }
        };
    assertSame(given, PROPAGATOR.extract(given, new Object(), throwing));
    assertEquals(Context.root(), PROPAGATOR.extract(null, new Object(), throwing));
    PROPAGATOR.inject(null, new Object(), (c, k, v) -> {});
    PROPAGATOR.inject(Context.root(), new Object(), null);
  }

  @Test
  void explicitParsesThrowIllegalArgumentExceptionNamingTheRule() {
    assertRule("traceparent.", () -> W3cCodecs.parseTraceparent(""));
    assertRule("traceparent.", () -> W3cCodecs.parseTraceparent("\uD800"));
    assertRule("tracestate.", () -> W3cCodecs.parseTracestate("UPPER=1"));
    assertRule("baggage.", () -> W3cCodecs.parseBaggage("no-equals-sign"));
    assertRule(
        "baggage.", () -> W3cCodecs.encodeBaggage(List.of(new BaggageMember("bad key", "v"))));
    assertRule("tracestate.", () -> W3cTraceState.empty().with("Bad", "v"));
    assertRule(
        "traceparent.",
        () -> W3cCodecs.formatTraceparent(io.opentelemetry.api.trace.SpanContext.getInvalid()));
  }
}
