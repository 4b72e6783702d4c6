package io.ctxbridge;

import static io.ctxbridge.TestSupport.GETTER;
import static io.ctxbridge.TestSupport.MAP_SETTER;
import static io.ctxbridge.TestSupport.assertRule;
import static io.ctxbridge.TestSupport.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.TraceStateBuilder;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every case of tests/vectors/traceparent.json and tracestate.json, through the Java API. */
class TraceContextVectorsTest {
  private static final CtxbridgePropagator PROPAGATOR = CtxbridgePropagator.getInstance();

  private static Stream<JsonNode> cases(JsonNode file, String list) {
    return StreamSupport.stream(file.get(list).spliterator(), false);
  }

  private static SpanContext extract(TestSupport.Headers headers) {
    Context context = PROPAGATOR.extract(Context.root(), headers, GETTER);
    return Span.fromContext(context).getSpanContext();
  }

  private static Map<String, String> inject(SpanContext spanContext) {
    Map<String, String> out = new HashMap<>();
    PROPAGATOR.inject(Context.root().with(Span.wrap(spanContext)), out, MAP_SETTER);
    return out;
  }

  private static List<List<String>> members(TraceState state) {
    List<List<String>> members = new ArrayList<>();
    state.forEach((k, v) -> members.add(List.of(k, v)));
    return members;
  }

  private static List<List<String>> members(JsonNode pairs) {
    List<List<String>> members = new ArrayList<>();
    pairs.forEach(p -> members.add(strings(p)));
    return members;
  }

  @TestFactory
  Stream<DynamicTest> traceparent() {
    return cases(TestSupport.vectors("traceparent.json"), "cases")
        .map(
            c ->
                dynamicTest(
                    c.get("name").asText(),
                    () -> {
                      List<String> headers = strings(c.get("headers"));
                      SpanContext extracted =
                          extract(new TestSupport.Headers().addAll("traceparent", headers));
                      boolean valid = c.get("valid").asBoolean();
                      assertEquals(valid, extracted.isValid(), "extraction");
                      if (valid) {
                        assertEquals(c.get("trace_id").asText(), extracted.getTraceId());
                        assertEquals(c.get("parent_id").asText(), extracted.getSpanId());
                        assertEquals(c.get("flags").asText(), extracted.getTraceFlags().asHex());
                        assertTrue(extracted.isRemote());
                      }
                      if (headers.size() != 1) {
                        return;
                      }
                      String header = headers.get(0);
                      if (valid) {
                        SpanContext parsed = W3cCodecs.parseTraceparent(header);
                        assertEquals(c.get("trace_id").asText(), parsed.getTraceId());
                        assertEquals(c.get("parent_id").asText(), parsed.getSpanId());
                        assertEquals(c.get("flags").asText(), parsed.getTraceFlags().asHex());
                        assertEquals(
                            c.get("encoded").asText(), inject(extracted).get("traceparent"));
                        assertEquals(
                            c.get("encoded").asText(), W3cCodecs.formatTraceparent(parsed));
                      } else {
                        assertRule(
                            c.get("rule").asText() + ":", () -> W3cCodecs.parseTraceparent(header));
                      }
                    }));
  }

  /**
   * Level 2's random flag belongs to the trace id: a child span the SDK starts under an extracted
   * parent goes out with it when the parent had it.
   */
  @TestFactory
  Stream<DynamicTest> traceparentRandomFlagSurvivesAnSdkChildSpan() {
    return cases(TestSupport.vectors("traceparent.json"), "cases")
        .filter(c -> c.get("valid").asBoolean())
        .map(
            c ->
                dynamicTest(
                    c.get("name").asText(),
                    () -> {
                      Context extracted =
                          PROPAGATOR.extract(
                              Context.root(),
                              new TestSupport.Headers()
                                  .addAll("traceparent", strings(c.get("headers"))),
                              GETTER);
                      Span child =
                          TestSupport.TRACER.spanBuilder("child").setParent(extracted).startSpan();
                      Map<String, String> out = new HashMap<>();
                      PROPAGATOR.inject(extracted.with(child), out, MAP_SETTER);
                      child.end();
                      String[] parts = out.get("traceparent").split("-");
                      assertEquals(c.get("trace_id").asText(), parts[1]);
                      assertEquals(child.getSpanContext().getSpanId(), parts[2]);
                      assertEquals(
                          Integer.parseInt(c.get("flags").asText(), 16) & 0x02,
                          Integer.parseInt(parts[3], 16) & 0x02,
                          "the random flag");
                    }));
  }

  @TestFactory
  Stream<DynamicTest> tracestate() {
    return cases(TestSupport.vectors("tracestate.json"), "cases")
        .map(
            c ->
                dynamicTest(
                    c.get("name").asText(),
                    () -> {
                      List<String> headers = strings(c.get("headers"));
                      SpanContext extracted =
                          extract(
                              new TestSupport.Headers()
                                  .add("traceparent", c.get("traceparent").asText())
                                  .addAll("tracestate", headers));
                      assertTrue(extracted.isValid(), "the traceparent stays valid");
                      assertEquals(members(c.get("members")), members(extracted.getTraceState()));
                      String encoded = c.get("encoded").asText();
                      assertEquals(
                          encoded.isEmpty() ? null : encoded, inject(extracted).get("tracestate"));
                      String[] values = headers.toArray(new String[0]);
                      if (c.get("valid").asBoolean()) {
                        assertEquals(
                            members(c.get("members")), members(W3cCodecs.parseTracestate(values)));
                      } else {
                        assertRule(
                            c.get("rule").asText() + ":", () -> W3cCodecs.parseTracestate(values));
                      }
                    }));
  }

  @TestFactory
  Stream<DynamicTest> tracestateIgnoredWithoutTraceparent() {
    return cases(TestSupport.vectors("tracestate.json"), "ignored_without_traceparent")
        .map(
            c ->
                dynamicTest(
                    c.get("name").asText(),
                    () -> {
                      SpanContext extracted =
                          extract(
                              new TestSupport.Headers()
                                  .add("traceparent", c.get("traceparent").asText())
                                  .addAll("tracestate", strings(c.get("headers"))));
                      assertEquals(c.get("span_context").asBoolean(), extracted.isValid());
                      assertTrue(extracted.getTraceState().isEmpty());
                    }));
  }

  @TestFactory
  Stream<DynamicTest> tracestateEncode() {
    return cases(TestSupport.vectors("tracestate.json"), "encode")
        .map(
            c ->
                dynamicTest(
                    c.get("name").asText(),
                    () -> {
                      List<List<String>> members = members(c.get("members"));
                      // The API puts each new key at the front, so build from the last.
                      TraceStateBuilder builder = W3cTraceState.builder();
                      for (int i = members.size() - 1; i >= 0; i--) {
                        builder.put(members.get(i).get(0), members.get(i).get(1));
                      }
                      W3cTraceState state = (W3cTraceState) builder.build();
                      assertEquals(c.get("encoded").asText(), state.header());
                      SpanContext parent =
                          SpanContext.createFromRemoteParent(
                              "4bf92f3577b34da6a3ce929d0e0e4736",
                              "00f067aa0ba902b7",
                              io.opentelemetry.api.trace.TraceFlags.getSampled(),
                              state);
                      assertEquals(c.get("encoded").asText(), inject(parent).get("tracestate"));
                    }));
  }

  @TestFactory
  Stream<DynamicTest> tracestateMutations() {
    return cases(TestSupport.vectors("tracestate.json"), "mutations")
        .map(
            c ->
                dynamicTest(
                    c.get("name").asText(),
                    () -> {
                      W3cTraceState state = W3cCodecs.parseTracestate(c.get("start").asText());
                      for (JsonNode op : c.get("ops")) {
                        W3cTraceState before = state;
                        JsonNode rule = op.get("rule");
                        if (rule != null) {
                          assertRule(rule.asText() + ":", () -> apply(before, op));
                          // OpenTelemetry's builder ignores the invalid edit instead.
                          assertEquals(before, applyWithBuilder(before, op));
                        } else {
                          state = apply(before, op);
                          assertEquals(state, applyWithBuilder(before, op));
                        }
                      }
                      assertEquals(c.get("encoded").asText(), state.header());
                    }));
  }

  private static W3cTraceState apply(W3cTraceState state, JsonNode op) {
    if (op.has("set")) {
      return state.with(op.get("set").get(0).asText(), op.get("set").get(1).asText());
    }
    return state.without(op.get("delete").asText());
  }

  private static TraceState applyWithBuilder(W3cTraceState state, JsonNode op) {
    TraceStateBuilder builder = state.toBuilder();
    if (op.has("set")) {
      builder.put(op.get("set").get(0).asText(), op.get("set").get(1).asText());
    } else {
      builder.remove(op.get("delete").asText());
    }
    return builder.build();
  }

  @TestFactory
  Stream<DynamicTest> extractedTraceStateIsAW3cTraceState() {
    return Stream.of(
        dynamicTest(
            "Level 2 keys survive",
            () -> {
              SpanContext extracted =
                  extract(
                      new TestSupport.Headers()
                          .add(
                              "traceparent",
                              "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                          .add("tracestate", "1tenant@vendor=x,rojo=00f067aa0ba902b7"));
              assertEquals("x", extracted.getTraceState().get("1tenant@vendor"));
              assertEquals(2, extracted.getTraceState().size());
              assertNull(extracted.getTraceState().get("absent"));
              assertFalse(extracted.getTraceState().isEmpty());
            }));
  }
}
