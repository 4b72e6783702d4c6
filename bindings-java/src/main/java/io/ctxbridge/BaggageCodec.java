package io.ctxbridge;

import io.ctxbridge.internal.Fields;
import io.ctxbridge.internal.Native;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.BaggageBuilder;
import io.opentelemetry.api.baggage.BaggageEntryMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenTelemetry {@link Baggage} to and from the {@code baggage} header, through the core's codec. A
 * member's properties travel as OpenTelemetry's metadata string ({@code a=1;b}).
 */
final class BaggageCodec {
  private BaggageCodec() {}

  /** Decodes a header; {@code strict} throws naming the rule at the first bad member. */
  static Baggage decode(String header, boolean strict) {
    byte[] value = Fields.utf8(header);
    String[] fields = Fields.unpack(Native.parseBaggage(value, value.length, strict));
    return fromFields(fields, 0);
  }

  /** Baggage from packed key, value, metadata fields starting at {@code start}. */
  static Baggage fromFields(String[] fields, int start) {
    if (fields.length <= start) {
      return Baggage.empty();
    }
    BaggageBuilder builder = Baggage.builder();
    for (int i = start; i + 2 < fields.length; i += 3) {
      builder.put(fields[i], fields[i + 1], BaggageEntryMetadata.create(fields[i + 2]));
    }
    return builder.build();
  }

  /**
   * Encodes baggage (values percent-encoded, 64 members and 8192 bytes at most); {@code strict}
   * throws for a member W3C Baggage cannot carry, otherwise it is skipped.
   */
  static String encode(Baggage baggage, boolean strict) {
    List<String> fields = new ArrayList<>(baggage.size() * 3);
    baggage.forEach(
        (key, entry) -> {
          fields.add(key);
          fields.add(entry.getValue());
          fields.add(entry.getMetadata().getValue());
        });
    byte[] packed = Fields.pack(fields);
    return Fields.string(Native.encodeBaggage(packed, packed.length, strict));
  }
}
