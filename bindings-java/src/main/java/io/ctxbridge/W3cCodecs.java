package io.ctxbridge;

import io.ctxbridge.internal.Fields;
import io.ctxbridge.internal.Native;
import io.opentelemetry.api.trace.SpanContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Explicit parsing and formatting of W3C headers. A parse of invalid input throws {@link
 * IllegalArgumentException} whose message starts with the rule broken (e.g. {@code
 * traceparent.version_ff: version ff is forbidden}); use {@link CtxbridgePropagator} to read
 * untrusted carriers without exceptions.
 */
public final class W3cCodecs {
  private W3cCodecs() {}

  /**
   * Parses one {@code traceparent} value into a remote span context (flags: only sampled and random
   * are kept).
   *
   * @throws IllegalArgumentException naming the broken rule
   */
  public static SpanContext parseTraceparent(String value) {
    Args.notNull(value, "W3cCodecs.parseTraceparent", "value");
    byte[] bytes = Fields.utf8(value);
    int checked = Native.parseTraceparent(bytes, bytes.length);
    return CtxbridgePropagator.remote(value, checked, W3cTraceState.empty());
  }

  /**
   * The version-00 {@code traceparent} of a span context; unknown flag bits are zeroed.
   *
   * @throws IllegalArgumentException if the span context is not valid
   */
  public static String formatTraceparent(SpanContext spanContext) {
    Args.notNull(spanContext, "W3cCodecs.formatTraceparent", "spanContext");
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
    Args.noNulls(values, "W3cCodecs.parseTracestate", "values");
    return W3cTraceState.parse(values);
  }

  /**
   * The {@code tracestate} header of members in order (each moves to the front as it is set, so the
   * first stays first; at most 512 characters, whole members dropped past that).
   *
   * @throws IllegalArgumentException naming the rule a key or value breaks
   */
  public static String encodeTracestate(List<Map.Entry<String, String>> members) {
    Args.noNulls(members, "W3cCodecs.encodeTracestate", "members");
    List<String> fields = new ArrayList<>(members.size() * 2);
    for (Map.Entry<String, String> member : members) {
      fields.add(Args.notNull(member.getKey(), "W3cCodecs.encodeTracestate", "members' key"));
      fields.add(Args.notNull(member.getValue(), "W3cCodecs.encodeTracestate", "members' value"));
    }
    byte[] packed = Fields.pack(fields);
    return Fields.string(Native.encodeTracestate(packed, packed.length));
  }

  /**
   * Parses one {@code baggage} value strictly, keeping header order.
   *
   * @throws IllegalArgumentException naming the rule the first malformed member breaks
   */
  public static List<BaggageMember> parseBaggage(String value) {
    Args.notNull(value, "W3cCodecs.parseBaggage", "value");
    byte[] bytes = Fields.utf8(value);
    return members(Fields.unpack(Native.parseBaggageMembers(bytes, bytes.length, true)));
  }

  /**
   * Parses {@code baggage} values as a propagator does: combined in order, malformed members
   * dropped alone.
   */
  public static List<BaggageMember> extractBaggage(String... values) {
    Args.noNulls(values, "W3cCodecs.extractBaggage", "values");
    byte[] bytes = Fields.utf8(String.join(",", values));
    return members(Fields.unpack(Native.parseBaggageMembers(bytes, bytes.length, false)));
  }

  /**
   * The {@code baggage} header for members (values percent-encoded; 64 members and 8192 bytes at
   * most, whole members dropped from the right past that).
   *
   * @throws IllegalArgumentException naming the rule a key or property breaks
   */
  public static String encodeBaggage(List<BaggageMember> members) {
    Args.noNulls(members, "W3cCodecs.encodeBaggage", "members");
    List<String> fields = new ArrayList<>();
    for (BaggageMember member : members) {
      fields.add(member.key());
      fields.add(member.value());
      BaggageMember.packProperties(member.properties(), fields);
      fields.add(null);
    }
    byte[] packed = Fields.pack(fields);
    return Fields.string(Native.encodeBaggageMembers(packed, packed.length));
  }

  /**
   * Members as {@link Native#parseBaggageMembers} packs them: key, value, each property's key and
   * value (null for a bare key), then a null.
   */
  static List<BaggageMember> members(String[] fields) {
    List<BaggageMember> members = new ArrayList<>();
    int i = 0;
    while (i + 1 < fields.length) {
      String key = fields[i];
      String value = fields[i + 1];
      i += 2;
      List<List<String>> properties = new ArrayList<>();
      while (i < fields.length && fields[i] != null) {
        properties.add(Arrays.asList(fields[i], fields[i + 1]));
        i += 2;
      }
      i++; // the null that ends the member
      members.add(new BaggageMember(key, value, properties));
    }
    return members;
  }
}
