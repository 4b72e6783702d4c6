package io.ctxbridge;

import io.ctxbridge.internal.Fields;
import io.ctxbridge.internal.Native;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.TraceStateBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A {@link TraceState} validated by ctxbridge's core against W3C Trace Context Level 2, kept as its
 * canonical header. OpenTelemetry Java's own builder checks keys by Level 1 rules, so keys such as
 * {@code 1tenant@vendor} would be lost; the propagator hands this class over instead, and injects
 * it without re-encoding.
 *
 * <p>Members are parsed from the header the first time they are read.
 */
public final class W3cTraceState implements TraceState {
  /** The longest header the core sends whole (a canonical one this long goes as it is). */
  private static final int MAX_SENT = Native.readLimit(Native.TRACESTATE_SENT);

  private static final W3cTraceState EMPTY = new W3cTraceState("");

  private final String canonical;
  private volatile String[] pairs;

  /** The header to send when the canonical form is too long, asked of the core once. */
  private volatile String header;

  private W3cTraceState(String canonical) {
    this.canonical = canonical;
  }

  /** A tracestate from a header the core has already found canonical. */
  static W3cTraceState ofCanonical(String canonical) {
    return canonical.isEmpty() ? EMPTY : new W3cTraceState(canonical);
  }

  /**
   * The tracestate of a received header in the canonical form the core checked (members {@code
   * key=value} joined by {@code ,}, nothing else; see the core's {@code bridge::trace}):
   * OpenTelemetry's own {@link TraceState} when its builder keeps every member, so an extracted
   * span context equals one built with {@link TraceState#builder()}; this class only when a member
   * has a Level 2 key the SDK's builder would drop.
   */
  static TraceState received(String canonical) {
    if (canonical.isEmpty()) {
      return TraceState.getDefault();
    }
    // Where each member starts and where its '=' is. In the canonical form a key holds no '='
    // and a value no ',' or '=', so each comma ends a member and its first '=' splits it: no
    // rule is applied here, the core already did. A tracestate has at most 32 members.
    int[] starts = new int[33];
    int[] equals = new int[32];
    int members = 0;
    int start = 0;
    while (true) {
      starts[members] = start;
      equals[members] = canonical.indexOf('=', start);
      members++;
      int comma = canonical.indexOf(',', start);
      if (comma < 0 || members == 32) {
        break;
      }
      start = comma + 1;
    }
    starts[members] = canonical.length() + 1;
    TraceStateBuilder builder = TraceState.builder();
    // The SDK's builder puts each new member in front: add them from the last one.
    for (int i = members - 1; i >= 0; i--) {
      builder.put(
          canonical.substring(starts[i], equals[i]),
          canonical.substring(equals[i] + 1, starts[i + 1] - 1));
    }
    TraceState sdk = builder.build();
    return sdk.size() == members ? sdk : new W3cTraceState(canonical);
  }

  /** The last tracestate sent and its header: a service sends the same one on every call. */
  private record Sent(TraceState state, String header) {}

  private static volatile Sent lastSent;

  /** The {@code tracestate} header to send for any {@link TraceState} ("" for none). */
  static String outgoing(TraceState state) {
    if (state instanceof W3cTraceState own) {
      return own.header();
    }
    Sent last = lastSent;
    if (last != null && last.state == state) {
      return last.header;
    }
    byte[] packed = packMembers(state);
    String header = Fields.string(Native.tracestateHeaderOf(packed, packed.length));
    lastSent = new Sent(state, header);
    return header;
  }

  /** A builder for a tracestate of W3C Trace Context Level 2 members. */
  public static TraceStateBuilder builder() {
    return new Builder("");
  }

  /** The empty tracestate. */
  public static W3cTraceState empty() {
    return EMPTY;
  }

  /**
   * Parses tracestate header values (a repeated header is combined in order).
   *
   * @throws IllegalArgumentException naming the broken rule, e.g. {@code tracestate.key: ...}
   */
  public static W3cTraceState parse(String... headers) {
    Args.noNulls(headers, "W3cTraceState.parse", "headers");
    return edit(List.of(String.join(",", headers)), false);
  }

  /** The same members as {@code other}; members W3C cannot carry are left out. */
  public static W3cTraceState of(TraceState other) {
    if (other instanceof W3cTraceState own) {
      return own;
    }
    if (other.isEmpty()) {
      return EMPTY;
    }
    byte[] packed = packMembers(other);
    return ofCanonical(Fields.string(Native.canonicalOfMembers(packed, packed.length)));
  }

  /** A tracestate's members as packed key, value fields, in order. */
  private static byte[] packMembers(TraceState state) {
    List<String> members = new ArrayList<>(state.size() * 2);
    state.forEach(
        (key, value) -> {
          members.add(key);
          members.add(value);
        });
    return Fields.pack(members);
  }

  private static W3cTraceState edit(List<String> ops, boolean lenient) {
    byte[] packed = Fields.pack(ops);
    return ofCanonical(Fields.string(Native.editTracestate(packed, packed.length, lenient)));
  }

  /** Every member as {@code key=value}, joined by commas, in order: no truncation. */
  public String canonical() {
    return canonical;
  }

  /**
   * The {@code tracestate} header to send: at most 512 characters (members longer than 128
   * characters go first, then members from the right), as the core encodes it.
   */
  public String header() {
    if (canonical.length() <= MAX_SENT) {
      return canonical;
    }
    String h = header;
    if (h == null) {
      byte[] value = Fields.utf8(canonical);
      h = Fields.string(Native.tracestateHeader(value, value.length));
      header = h;
    }
    return h;
  }

  /**
   * This tracestate with {@code key} set to {@code value}, moved to the front (past 32 members the
   * right-most is dropped).
   *
   * @throws IllegalArgumentException naming the broken rule
   */
  public W3cTraceState with(String key, String value) {
    Args.notNull(key, "W3cTraceState.with", "key");
    Args.notNull(value, "W3cTraceState.with", "value");
    return edit(List.of(canonical, "set", key, value), false);
  }

  /** This tracestate without {@code key}. */
  public W3cTraceState without(String key) {
    Args.notNull(key, "W3cTraceState.without", "key");
    return edit(List.of(canonical, "delete", key), false);
  }

  private String[] pairs() {
    String[] p = pairs;
    if (p == null) {
      byte[] value = Fields.utf8(canonical);
      p =
          canonical.isEmpty()
              ? new String[0]
              : Fields.unpack(Native.parseTracestate(value, value.length));
      pairs = p;
    }
    return p;
  }

  @Override
  public String get(String key) {
    String[] p = pairs();
    for (int i = 0; i + 1 < p.length; i += 2) {
      if (p[i].equals(key)) {
        return p[i + 1];
      }
    }
    return null;
  }

  @Override
  public int size() {
    return pairs().length / 2;
  }

  @Override
  public boolean isEmpty() {
    return canonical.isEmpty();
  }

  @Override
  public void forEach(BiConsumer<String, String> consumer) {
    String[] p = pairs();
    for (int i = 0; i + 1 < p.length; i += 2) {
      consumer.accept(p[i], p[i + 1]);
    }
  }

  @Override
  public Map<String, String> asMap() {
    Map<String, String> map = new LinkedHashMap<>();
    forEach(map::put);
    return Collections.unmodifiableMap(map);
  }

  @Override
  public TraceStateBuilder toBuilder() {
    return new Builder(canonical);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof W3cTraceState state && state.canonical.equals(canonical);
  }

  @Override
  public int hashCode() {
    return canonical.hashCode();
  }

  @Override
  public String toString() {
    return "W3cTraceState{" + canonical + "}";
  }

  /**
   * Collects edits and applies them in {@link #build()}. As OpenTelemetry's builder does, an
   * invalid key or value is ignored.
   */
  private static final class Builder implements TraceStateBuilder {
    private final List<String> ops = new ArrayList<>();

    Builder(String start) {
      ops.add(start);
    }

    @Override
    public TraceStateBuilder put(String key, String value) {
      if (key != null && value != null) {
        ops.add("set");
        ops.add(key);
        ops.add(value);
      }
      return this;
    }

    @Override
    public TraceStateBuilder remove(String key) {
      if (key != null) {
        ops.add("delete");
        ops.add(key);
      }
      return this;
    }

    @Override
    public TraceState build() {
      return ops.size() == 1 ? ofCanonical(ops.get(0)) : edit(ops, true);
    }
  }
}
