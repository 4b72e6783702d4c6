package io.ctxbridge;

import io.ctxbridge.internal.Fields;
import io.ctxbridge.internal.Native;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Explicit parsing and formatting of W3C headers. A parse of invalid input throws {@link
 * IllegalArgumentException} whose message starts with the rule broken (e.g. {@code
 * traceparent.version_ff: version ff is forbidden}); use {@link CtxbridgePropagator} to read
 * untrusted carriers without exceptions.
 */
public final class W3cCodecs {
  private W3cCodecs() {}

  /**
   * Parses one {@code traceparent} value into a remote span context (flags: only sampled and
   * random are kept).
   *
   * @throws IllegalArgumentException naming the broken rule
   */
  public static SpanContext parseTraceparent(String value) {
    value = CtxbridgePropagator.trimOws(value);
    byte[] bytes = Fields.utf8(value);
    int flags = Native.checkTraceparent(bytes, bytes.length, true);
    return SpanContext.createFromRemoteParent(
        value.substring(3, 35),
        value.substring(36, 52),
        TraceFlags.fromByte((byte) flags),
        W3cTraceState.empty());
  }

  /**
   * The version-00 {@code traceparent} of a span context; unknown flag bits are zeroed.
   *
   * @throws IllegalArgumentException if the span context is not valid
   */
  public static String formatTraceparent(SpanContext spanContext) {
    if (!spanContext.isValid()) {
      throw new IllegalArgumentException(
          "traceparent.ids: an invalid span context has no traceparent (all-zero or malformed ids)");
    }
    return CtxbridgePropagator.traceparent(spanContext);
  }

  /**
   * Parses {@code tracestate} values (a repeated header is combined in order).
   *
   * @throws IllegalArgumentException naming the broken rule
   */
  public static W3cTraceState parseTracestate(String... values) {
    return W3cTraceState.parse(values);
  }

  /**
   * Parses one {@code baggage} value strictly, keeping header order.
   *
   * @throws IllegalArgumentException naming the rule the first malformed member breaks
   */
  public static List<BaggageMember> parseBaggage(String value) {
    byte[] bytes = Fields.utf8(value);
    return members(Fields.unpack(Native.parseBaggage(bytes, bytes.length, true)));
  }

  /**
   * Parses {@code baggage} values as a propagator does: combined in order, malformed members
   * dropped alone.
   */
  public static List<BaggageMember> extractBaggage(String... values) {
    byte[] bytes = Fields.utf8(String.join(",", values));
    return members(Fields.unpack(Native.parseBaggage(bytes, bytes.length, false)));
  }

  /**
   * The {@code baggage} header for members (values percent-encoded; 64 members and 8192 bytes
   * at most, whole members dropped from the right past that).
   *
   * @throws IllegalArgumentException naming the rule a key or property breaks
   */
  public static String encodeBaggage(List<BaggageMember> members) {
    List<String> fields = new ArrayList<>(members.size() * 3);
    for (BaggageMember member : members) {
      fields.add(member.key());
      fields.add(member.value());
      StringBuilder metadata = new StringBuilder();
      for (List<String> property : member.properties()) {
        if (metadata.length() > 0) {
          metadata.append(';');
        }
        metadata.append(property.get(0));
        if (property.size() > 1 && property.get(1) != null) {
          metadata.append('=').append(property.get(1));
        }
      }
      fields.add(metadata.toString());
    }
    byte[] packed = Fields.pack(fields);
    return Fields.string(Native.encodeBaggage(packed, packed.length, true));
  }

  /** Members from packed key, value, metadata fields. */
  static List<BaggageMember> members(String[] fields) {
    List<BaggageMember> members = new ArrayList<>(fields.length / 3);
    for (int i = 0; i + 2 < fields.length; i += 3) {
      members.add(new BaggageMember(fields[i], fields[i + 1], properties(fields[i + 2])));
    }
    return members;
  }

  /** The properties of a metadata string the core wrote ({@code a=1;b}). */
  private static List<List<String>> properties(String metadata) {
    if (metadata.isEmpty()) {
      return List.of();
    }
    List<List<String>> properties = new ArrayList<>();
    for (String property : metadata.split(";")) {
      int eq = property.indexOf('=');
      properties.add(
          eq < 0
              ? Arrays.asList(property, null)
              : Arrays.asList(property.substring(0, eq), property.substring(eq + 1)));
    }
    return properties;
  }
}
