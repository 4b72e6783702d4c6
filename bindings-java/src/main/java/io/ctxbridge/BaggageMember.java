package io.ctxbridge;

import io.ctxbridge.internal.Fields;
import io.ctxbridge.internal.Native;
import java.util.ArrayList;
import java.util.List;

/**
 * One member of a {@code baggage} header, in header order (OpenTelemetry's {@code Baggage} keeps
 * members sorted by key, so the explicit codec API uses this instead).
 *
 * @param key the member's key
 * @param value the percent-decoded value
 * @param properties the properties as written: {@code [key, value]}, value null for a bare key
 */
public record BaggageMember(String key, String value, List<List<String>> properties) {
  public BaggageMember {
    Args.notNull(key, "BaggageMember", "key");
    Args.notNull(value, "BaggageMember", "value");
    Args.noNulls(properties, "BaggageMember", "properties");
    for (List<String> property : properties) {
      if (property.isEmpty() || property.size() > 2) {
        throw new IllegalArgumentException(
            "ctxbridge: BaggageMember: each of properties must be [key] or [key, value], got "
                + property);
      }
      Args.notNull(property.get(0), "BaggageMember", "a property's key");
    }
    properties = List.copyOf(properties);
  }

  /** A member without properties. */
  public BaggageMember(String key, String value) {
    this(key, value, List.of());
  }

  /**
   * The properties as OpenTelemetry Java keeps them, one metadata string ({@code a=1;b}): the form
   * the core writes and reads for the JNI library.
   */
  public String metadata() {
    List<String> fields = new ArrayList<>(properties.size() * 2);
    packProperties(properties, fields);
    byte[] packed = Fields.pack(fields);
    return Fields.string(Native.metadataOf(packed, packed.length));
  }

  /** Adds each property's key and value ({@code null} for a bare key) to {@code fields}. */
  static void packProperties(List<List<String>> properties, List<String> fields) {
    for (List<String> property : properties) {
      fields.add(property.get(0));
      fields.add(property.size() > 1 ? property.get(1) : null);
    }
  }
}
