package io.ctxbridge;

import java.util.List;

/**
 * One member of a {@code baggage} header, in header order (OpenTelemetry's {@code Baggage}
 * keeps members sorted by key, so the explicit codec API uses this instead).
 *
 * @param key the member's key
 * @param value the percent-decoded value
 * @param properties the properties as written: {@code [key, value]}, value null for a bare key
 */
public record BaggageMember(String key, String value, List<List<String>> properties) {
  public BaggageMember {
    properties = List.copyOf(properties);
  }

  /** A member without properties. */
  public BaggageMember(String key, String value) {
    this(key, value, List.of());
  }
}
