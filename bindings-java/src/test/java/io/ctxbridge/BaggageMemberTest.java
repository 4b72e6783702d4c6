package io.ctxbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link BaggageMember}: properties in and out through the core, and refused shapes. */
class BaggageMemberTest {
  @Test
  void metadataIsThePropertiesAsTheCoreWritesThem() {
    BaggageMember member =
        new BaggageMember(
            "user", "alice", List.of(List.of("ttl", "60"), Arrays.asList("shared", null)));
    assertEquals("ttl=60;shared", member.metadata());
    assertEquals("", new BaggageMember("k", "v").metadata());
  }

  @Test
  void propertiesSurviveParseAndEncodeInOrder() {
    List<BaggageMember> parsed = W3cCodecs.parseBaggage("user=alice%20b;ttl=60;shared;x=a=b");
    assertEquals(
        List.of(Arrays.asList("ttl", "60"), Arrays.asList("shared", null), List.of("x", "a=b")),
        parsed.get(0).properties());
    assertEquals("user=alice%20b;ttl=60;shared;x=a=b", W3cCodecs.encodeBaggage(parsed));
  }

  @Test
  void aPropertyWithoutAKeyOrWithMoreThanAValueIsRefused() {
    assertThrows(
        NullPointerException.class,
        () -> new BaggageMember("k", "v", List.of(Arrays.asList(null, "x"))));
    assertThrows(
        IllegalArgumentException.class, () -> new BaggageMember("k", "v", List.of(List.of())));
    assertThrows(
        IllegalArgumentException.class,
        () -> new BaggageMember("k", "v", List.of(List.of("a", "b", "c"))));
    TestSupport.assertRule(
        "baggage.property:",
        () ->
            W3cCodecs.encodeBaggage(
                List.of(new BaggageMember("k", "v", List.of(List.of("bad key"))))));
  }
}
