package io.ctxbridge;

import java.util.ArrayList;
import java.util.Arrays;
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
    StringBuilder metadata = new StringBuilder();
    for (List<String> property : properties) {
      if (metadata.length() > 0) {
        metadata.append(';');
      }
      metadata.append(property.get(0));
      if (property.size() > 1 && property.get(1) != null) {
        metadata.append('=').append(property.get(1));
      }
    }
    return metadata.toString();
  }

  /** A member whose properties come as a metadata string the core wrote ({@code a=1;b}). */
  static BaggageMember withMetadata(String key, String value, String metadata) {
    List<List<String>> properties = new ArrayList<>();
    if (!metadata.isEmpty()) {
      for (String property : metadata.split(";")) {
        int eq = property.indexOf('=');
        properties.add(
            eq < 0
                ? Arrays.asList(property, null)
                : Arrays.asList(property.substring(0, eq), property.substring(eq + 1)));
      }
    }
    return new BaggageMember(key, value, properties);
  }
}
