package io.ctxbridge;

import io.ctxbridge.internal.Fields;
import io.ctxbridge.internal.Native;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

/**
 * W3C {@code traceparent}, {@code tracestate} and {@code baggage} in one propagator, on ctxbridge's
 * codecs (W3C Trace Context Level 2, W3C Baggage).
 *
 * <ul>
 *   <li>Repeated headers are read with {@link TextMapGetter#getAll}: a repeated {@code traceparent}
 *       is ambiguous and starts a new trace; repeated {@code tracestate} and {@code baggage} values
 *       are combined in order.
 *   <li>Bad input never throws: the context it was given comes back (an invalid tracestate is
 *       dropped and the traceparent kept; a malformed baggage member is dropped alone).
 *   <li>The tracestate is handed over as OpenTelemetry's own {@link TraceState} (so an extracted
 *       {@link SpanContext} equals one built with {@code TraceState.builder()}), or as a {@link
 *       W3cTraceState} when it has members only Level 2 allows, which the SDK's builder would drop.
 * </ul>
 *
 * <p>Each header crosses into the core once, as bytes; only the ids are sliced out as strings. Use
 * {@link #getInstance()}, or {@code otel.propagators=ctxbridge} with the SDK autoconfigure module.
 */
public final class CtxbridgePropagator implements TextMapPropagator {
  static final String TRACEPARENT = "traceparent";
  static final String TRACESTATE = "tracestate";
  static final String BAGGAGE = "baggage";
  private static final List<String> FIELDS = List.of(TRACEPARENT, TRACESTATE, BAGGAGE);
  private static final CtxbridgePropagator INSTANCE = new CtxbridgePropagator();
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** The flag bits a traceparent carries (sampled 01, random 02), from the core. */
  private static final int KNOWN_FLAGS = Native.readLimit(Native.KNOWN_FLAGS);

  private CtxbridgePropagator() {}

  public static CtxbridgePropagator getInstance() {
    return INSTANCE;
  }

  @Override
  public Collection<String> fields() {
    return FIELDS;
  }

  @Override
  public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
    if (context == null || setter == null) {
      return;
    }
    SpanContext spanContext = Span.fromContext(context).getSpanContext();
    if (spanContext.isValid()) {
      setter.set(carrier, TRACEPARENT, traceparent(spanContext));
      TraceState traceState = spanContext.getTraceState();
      if (!traceState.isEmpty()) {
        String header = W3cTraceState.outgoing(traceState);
        if (!header.isEmpty()) {
          setter.set(carrier, TRACESTATE, header);
        }
      }
    }
    Baggage baggage = Baggage.fromContextOrNull(context);
    if (baggage != null && !baggage.isEmpty()) {
      String header = BaggageCodec.encode(baggage, false);
      if (!header.isEmpty()) {
        setter.set(carrier, BAGGAGE, header);
      }
    }
  }

  @Override
  public <C> Context extract(Context context, C carrier, TextMapGetter<C> getter) {
    if (context == null) {
      context = Context.root();
    }
    if (getter == null) {
      return context;
    }
    try {
      SpanContext parent = extractSpanContext(carrier, getter);
      if (parent != null) {
        context = context.with(Span.wrap(parent));
      }
      String baggageHeader = combined(getter.getAll(carrier, BAGGAGE), BAGGAGE_LIMIT);
      if (baggageHeader != null) {
        Baggage baggage = BaggageCodec.decode(baggageHeader, false);
        Diagnostics.reportPendingDrops();
        if (!baggage.isEmpty()) {
          context = context.with(baggage);
        }
      }
      return context;
    } catch (RuntimeException badCarrier) {
      // A getter that throws is the caller's bug, but extract must not fail a request.
      return context;
    }
  }

  // How much of each header can matter (the core's read limits): a longer value is cut
  // before it is copied, so a 16 MB header costs what a 16 kB one does. UTF-16 chars are
  // never more than the UTF-8 bytes they make, so the cut keeps all that matters.
  private static final int TRACEPARENT_LIMIT = Native.readLimit(Native.TRACEPARENT_READ);
  private static final int TRACESTATE_LIMIT = Native.readLimit(Native.TRACESTATE_READ);
  private static final int BAGGAGE_LIMIT = Native.readLimit(Native.BAGGAGE_READ);

  /** How much of the header {@code name} can matter. */
  static int readLimit(String name) {
    return switch (name) {
      case TRACEPARENT -> TRACEPARENT_LIMIT;
      case TRACESTATE -> TRACESTATE_LIMIT;
      default -> BAGGAGE_LIMIT;
    };
  }

  /** The remote parent a carrier holds, or null. */
  static <C> SpanContext extractSpanContext(C carrier, TextMapGetter<C> getter) {
    Iterator<String> traceparents = getter.getAll(carrier, TRACEPARENT);
    if (traceparents == null || !traceparents.hasNext()) {
      return null;
    }
    String traceparent = traceparents.next();
    if (traceparent == null || traceparents.hasNext()) {
      return null; // absent, or repeated: a new trace (trace-context-2 3.2)
    }
    String tracestate = combined(getter.getAll(carrier, TRACESTATE), TRACESTATE_LIMIT);
    return spanContext(cut(traceparent, TRACEPARENT_LIMIT), tracestate);
  }

  // Where a traceparent's ids start once it is trimmed, from the core.
  private static final int TRACE_ID_AT = Native.readLimit(Native.TRACE_ID_AT);
  private static final int SPAN_ID_AT = Native.readLimit(Native.SPAN_ID_AT);
  // In checkTrace's answer: a dropped header waits to be reported; the start's bits.
  private static final int DROP_PENDING = Native.readLimit(Native.DROP_PENDING);
  private static final int START_MASK = Native.readLimit(Native.START_MASK);

  /** A remote span context from a traceparent and its tracestate, or null if invalid. */
  static SpanContext spanContext(String traceparent, String tracestate) {
    byte[] parent = Fields.utf8(traceparent);
    byte[] state = tracestate == null ? null : Fields.utf8(tracestate);
    int checked = Native.checkTrace(parent, parent.length, state, state == null ? 0 : state.length);
    if (checked < 0) {
      return null;
    }
    if ((checked & DROP_PENDING) != 0) {
      Diagnostics.reportDrops();
    }
    // The core's verdict on the tracestate (bits 8-9): keep the string as it came (it is
    // canonical), keep the canonical form the core gives, or none.
    int verdict = (checked >>> 8) & 3;
    TraceState traceState;
    if (verdict == Native.TRACESTATE_CANONICAL) {
      traceState = W3cTraceState.received(tracestate);
    } else if (verdict == Native.TRACESTATE_REWRITE) {
      traceState =
          W3cTraceState.received(Fields.string(Native.canonicalTracestate(state, state.length)));
    } else {
      traceState = TraceState.getDefault();
    }
    return remote(traceparent, checked, traceState);
  }

  /**
   * The remote span context of a valid traceparent, given the core's packed check of it (flags in
   * bits 0-7, where the trimmed value starts from bit 10): the ids are sliced out of the caller's
   * own string, so only a number crossed back.
   */
  static SpanContext remote(String traceparent, int checked, TraceState traceState) {
    int start = (checked >>> 10) & START_MASK;
    return SpanContext.createFromRemoteParent(
        traceparent.substring(start + TRACE_ID_AT, start + TRACE_ID_AT + 32),
        traceparent.substring(start + SPAN_ID_AT, start + SPAN_ID_AT + 16),
        TraceFlags.fromByte((byte) (checked & 0xff)),
        traceState);
  }

  /**
   * Header values combined as W3C says repeated headers are (joined by commas), no longer than
   * {@code limit}: what lies past it cannot change the outcome.
   */
  static String combined(Iterator<String> values, int limit) {
    if (values == null || !values.hasNext()) {
      return null;
    }
    String first = values.next();
    if (!values.hasNext()) {
      return first == null ? null : cut(first, limit);
    }
    StringBuilder joined = new StringBuilder(first == null ? "" : cut(first, limit));
    while (values.hasNext() && joined.length() < limit) {
      String next = values.next();
      if (next != null) {
        joined.append(',').append(cut(next, limit));
      }
    }
    return cut(joined.toString(), limit);
  }

  /** {@code value}, no longer than {@code limit} chars. */
  static String cut(String value, int limit) {
    return value.length() > limit ? value.substring(0, limit) : value;
  }

  /** The version-00 traceparent of a valid span context; unknown flag bits are zeroed. */
  static String traceparent(SpanContext spanContext) {
    String traceId = spanContext.getTraceId();
    String spanId = spanContext.getSpanId();
    int flags = spanContext.getTraceFlags().asByte() & KNOWN_FLAGS;
    char[] out = new char[55];
    out[0] = '0';
    out[1] = '0';
    out[2] = '-';
    traceId.getChars(0, 32, out, 3);
    out[35] = '-';
    spanId.getChars(0, 16, out, 36);
    out[52] = '-';
    out[53] = HEX[flags >>> 4];
    out[54] = HEX[flags & 0xf];
    return new String(out);
  }

  @Override
  public String toString() {
    return "CtxbridgePropagator";
  }
}
