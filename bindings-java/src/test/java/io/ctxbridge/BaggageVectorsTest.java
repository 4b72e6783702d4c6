package io.ctxbridge;

import static io.ctxbridge.TestSupport.GETTER;
import static io.ctxbridge.TestSupport.MAP_SETTER;
import static io.ctxbridge.TestSupport.assertRule;
import static io.ctxbridge.TestSupport.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of tests/vectors/baggage.json. The explicit codec keeps header order; through the
 * propagator the members land in OpenTelemetry's {@code Baggage}, which sorts them by key, so that
 * path is compared by key.
 */
class BaggageVectorsTest {
  private static Stream<JsonNode> cases(String list) {
    return StreamSupport.stream(TestSupport.vectors("baggage.json").get(list).spliterator(), false);
  }

  private static List<BaggageMember> members(JsonNode json) {
    List<BaggageMember> members = new ArrayList<>();
    for (JsonNode m : json) {
      List<List<String>> properties = new ArrayList<>();
      m.get("properties").forEach(p -> properties.add(strings(p)));
      members.add(new BaggageMember(m.get("key").asText(), m.get("value").asText(), properties));
    }
    return members;
  }

  /** key -> [value, metadata as OpenTelemetry keeps it] */
  private static Map<String, List<String>> byKey(List<BaggageMember> members) {
    Map<String, List<String>> map = new TreeMap<>();
    for (BaggageMember m : members) {
      map.put(m.key(), List.of(m.value(), m.metadata()));
    }
    return map;
  }

  private static Map<String, List<String>> byKey(Baggage baggage) {
    Map<String, List<String>> map = new TreeMap<>();
    baggage.forEach((k, e) -> map.put(k, List.of(e.getValue(), e.getMetadata().getValue())));
    return map;
  }

  @TestFactory
  Stream<DynamicTest> cases() {
    CtxbridgePropagator propagator = CtxbridgePropagator.getInstance();
    return cases("cases")
        .map(
            c ->
                dynamicTest(
                    c.get("name").asText(),
                    () -> {
                      List<String> headers = strings(c.get("headers"));
                      List<BaggageMember> expected = members(c.get("members"));
                      assertEquals(
                          expected, W3cCodecs.extractBaggage(headers.toArray(new String[0])));
                      assertEquals(c.get("encoded").asText(), W3cCodecs.encodeBaggage(expected));

                      Context extracted =
                          propagator.extract(
                              Context.root(),
                              new TestSupport.Headers().addAll("baggage", headers),
                              GETTER);
                      assertEquals(byKey(expected), byKey(Baggage.fromContext(extracted)));
                      Map<String, String> out = new HashMap<>();
                      propagator.inject(extracted, out, MAP_SETTER);
                      String injected = out.getOrDefault("baggage", "");
                      // Byte for byte: the vector's members as written, in the order
                      // OpenTelemetry Java's Baggage keeps them (sorted by key).
                      assertEquals(inKeyOrder(c.get("encoded").asText()), injected);

                      if (c.has("strict_error")) {
                        assertRule(
                            c.get("strict_error").asText() + ":",
                            () -> W3cCodecs.parseBaggage(headers.get(0)));
                      } else {
                        for (String header : headers) {
                          assertEquals(
                              W3cCodecs.extractBaggage(header), W3cCodecs.parseBaggage(header));
                        }
                      }
                    }));
  }

  @TestFactory
  Stream<DynamicTest> encode() {
    return cases("encode")
        .map(
            c ->
                dynamicTest(
                    c.get("name").asText(),
                    () -> {
                      List<BaggageMember> members = members(c.get("members"));
                      if (c.has("rule")) {
                        assertRule(
                            c.get("rule").asText() + ":", () -> W3cCodecs.encodeBaggage(members));
                      } else {
                        assertEquals(c.get("encoded").asText(), W3cCodecs.encodeBaggage(members));
                      }
                    }));
  }

  /** The members of an encoded baggage header, unchanged, joined in key order. */
  private static String inKeyOrder(String encoded) {
    return java.util.Arrays.stream(encoded.split(","))
        .filter(member -> !member.isEmpty())
        .sorted(java.util.Comparator.comparing(member -> member.split("[=;]", 2)[0]))
        .collect(java.util.stream.Collectors.joining(","));
  }
}
