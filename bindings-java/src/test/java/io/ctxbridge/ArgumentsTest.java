package io.ctxbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * tests/vectors/arguments.json through {@link W3cCodecs}: every explicit codec takes the argument
 * kinds the contract names and gives the contract's result for its example; null, the only other
 * kind a statically typed call can be given, is refused naming the parameter.
 */
class ArgumentsTest {
  private static final JsonNode CONTRACT = TestSupport.vectors("arguments.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Each function called with the contract's example arguments as Java's; the result as JSON. */
  private static final Map<String, Function<JsonNode, Object>> CALLS = new LinkedHashMap<>();

  static {
    CALLS.put(
        "parse_traceparent",
        args -> {
          SpanContext parsed = W3cCodecs.parseTraceparent(args.get(0).asText());
          return Map.of(
              "trace_id", parsed.getTraceId(),
              "span_id", parsed.getSpanId(),
              "flags", parsed.getTraceFlags().asByte() & 0xff);
        });
    CALLS.put(
        "format_traceparent",
        args -> {
          JsonNode ids = args.get(0);
          return W3cCodecs.formatTraceparent(
              SpanContext.create(
                  ids.get("trace_id").asText(),
                  ids.get("span_id").asText(),
                  TraceFlags.fromByte((byte) ids.get("flags").asInt()),
                  TraceState.getDefault()));
        });
    CALLS.put(
        "parse_tracestate",
        args -> {
          List<List<String>> members = new ArrayList<>();
          W3cCodecs.parseTracestate(TestSupport.strings(args.get(0)).toArray(new String[0]))
              .forEach((key, value) -> members.add(List.of(key, value)));
          return members;
        });
    CALLS.put(
        "encode_tracestate",
        args -> {
          List<Map.Entry<String, String>> members = new ArrayList<>();
          args.get(0)
              .forEach(m -> members.add(new SimpleEntry<>(m.get(0).asText(), m.get(1).asText())));
          return W3cCodecs.encodeTracestate(members);
        });
    CALLS.put("parse_baggage", args -> asJson(W3cCodecs.parseBaggage(args.get(0).asText())));
    CALLS.put(
        "extract_baggage",
        args ->
            asJson(
                W3cCodecs.extractBaggage(TestSupport.strings(args.get(0)).toArray(new String[0]))));
    CALLS.put(
        "encode_baggage",
        args -> {
          List<BaggageMember> members = new ArrayList<>();
          for (JsonNode m : args.get(0)) {
            List<List<String>> properties = new ArrayList<>();
            m.get(2).forEach(p -> properties.add(TestSupport.strings(p)));
            members.add(new BaggageMember(m.get(0).asText(), m.get(1).asText(), properties));
          }
          return W3cCodecs.encodeBaggage(members);
        });
  }

  private static List<Object> asJson(List<BaggageMember> members) {
    List<Object> out = new ArrayList<>();
    for (BaggageMember member : members) {
      out.add(Arrays.asList(member.key(), member.value(), member.properties()));
    }
    return out;
  }

  /** snake_case as Java names it. */
  private static String camel(String name) {
    StringBuilder out = new StringBuilder();
    for (String part : name.split("_")) {
      out.append(
          out.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
    }
    return out.toString();
  }

  static Stream<Arguments> functions() {
    List<Arguments> out = new ArrayList<>();
    CONTRACT.get("functions").forEach(f -> out.add(Arguments.of(f.get("name").asText(), f)));
    return out.stream();
  }

  @Test
  void theContractNamesEveryExplicitCodecJavaExports() {
    TreeSet<String> exported = new TreeSet<>();
    for (Method method : W3cCodecs.class.getMethods()) {
      if (Modifier.isStatic(method.getModifiers())
          && method.getName().matches("(parse|format|encode|extract)[A-Z].*")) {
        exported.add(method.getName());
      }
    }
    TreeSet<String> named = new TreeSet<>();
    CONTRACT.get("functions").forEach(f -> named.add(camel(f.get("name").asText())));
    assertEquals(named, exported);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("functions")
  void eachCodecGivesTheContractsResult(String name, JsonNode function) {
    JsonNode example = function.get("example");
    Object expected = JSON.convertValue(example.get("returns"), Object.class);
    Object actual = JSON.convertValue(CALLS.get(name).apply(example.get("args")), Object.class);
    assertEquals(expected, actual, name);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("functions")
  void eachCodecRefusesNullNamingTheParameter(String name, JsonNode function) throws Exception {
    for (JsonNode param : function.get("params")) {
      String javaParam =
          param.get("kind").asText().equals("ids")
              ? "spanContext"
              : camel(param.get("name").asText());
      Method method =
          Arrays.stream(W3cCodecs.class.getMethods())
              .filter(m -> m.getName().equals(camel(name)))
              .findFirst()
              .orElseThrow();
      Object[] args = {null};
      NullPointerException error =
          assertThrows(
              NullPointerException.class,
              () -> {
                try {
                  method.invoke(null, args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                  throw e.getCause();
                }
              });
      assertEquals(
          "ctxbridge: W3cCodecs." + camel(name) + ": " + javaParam + " must not be null",
          error.getMessage());
    }
  }

  @Test
  void encodeTracestateRefusesAMemberW3cCannotCarryNamingTheRule() {
    TestSupport.assertRule(
        "tracestate.key:",
        () -> W3cCodecs.encodeTracestate(List.of(new SimpleEntry<>("Bad", "1"))));
    TestSupport.assertRule(
        "tracestate.value:",
        () -> W3cCodecs.encodeTracestate(List.of(new SimpleEntry<>("a", "b,c=d"))));
  }
}
