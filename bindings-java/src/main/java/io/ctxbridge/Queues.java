package io.ctxbridge;

import io.ctxbridge.internal.Fields;
import io.ctxbridge.internal.Native;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Carrying a trace through a message queue (DESIGN section 5): the producer {@link #inject}s the
 * current context into the message headers (Kafka or AMQP headers, SQS attributes, Redis stream
 * fields); the consumer {@link #resume}s it, as a child while the message is fresh and as a new,
 * linked trace once it is older than {@code maxAge}.
 */
public final class Queues {
  private static final TextMapSetter<Map<String, String>> MAP_SETTER =
      (carrier, key, value) -> {
        if (carrier != null) {
          carrier.put(key, value);
        }
      };
  private static final TextMapGetter<Map<String, String>> MAP_GETTER =
      new TextMapGetter<>() {

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  private Queues() {}

  /** Writes the current context's traceparent, tracestate and baggage into {@code headers}. */
  public static Map<String, String> inject(Map<String, String> headers) {
    Args.notNull(headers, "Queues.inject", "headers");
    inject(Context.current(), headers, MAP_SETTER);
    return headers;
  }

  /** Writes {@code context}'s traceparent, tracestate and baggage into any carrier. */
  public static <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
    Args.notNull(context, "Queues.inject", "context");
    Args.notNull(setter, "Queues.inject", "setter");
    CtxbridgePropagator.getInstance().inject(context, carrier, setter);
  }

  /** Decides how to continue the trace in {@code headers}, for a message enqueued at a time. */
  public static Resumed resume(Map<String, String> headers, Instant enqueuedAt, Duration maxAge) {
    Args.notNull(headers, "Queues.resume", "headers");
    return resume(headers, MAP_GETTER, enqueuedAt, maxAge, Instant.now());
  }

  /**
   * Decides how to continue the trace in any carrier, as of {@code now} (for tests, and for
   * consumers that process a batch as of one time).
   */
  public static <C> Resumed resume(
      C carrier, TextMapGetter<C> getter, Instant enqueuedAt, Duration maxAge, Instant now) {
    Args.notNull(getter, "Queues.resume", "getter");
    Args.notNull(enqueuedAt, "Queues.resume", "enqueuedAt");
    Args.notNull(maxAge, "Queues.resume", "maxAge");
    Args.notNull(now, "Queues.resume", "now");
    if (maxAge.isNegative()) {
      throw new IllegalArgumentException(
          "ctxbridge: Queues.resume: maxAge must not be negative, got " + maxAge);
    }
    List<String> headers = new ArrayList<>();
    for (String name : CtxbridgePropagator.getInstance().fields()) {
      Iterator<String> values = getter.getAll(carrier, name);
      while (values != null && values.hasNext()) {
        String value = values.next();
        if (value != null) {
          headers.add(name);
          headers.add(CtxbridgePropagator.cut(value, CtxbridgePropagator.readLimit(name)));
        }
      }
    }
    byte[] packed = Fields.pack(headers);
    String[] fields =
        Fields.unpack(
            Native.resume(
                packed,
                packed.length,
                enqueuedAt.toEpochMilli(),
                maxAge.toMillis(),
                now.toEpochMilli()));
    Diagnostics.reportPendingDrops();
    Resumed.Kind kind =
        switch (fields[0]) {
          case "child" -> Resumed.Kind.CHILD;
          case "root_with_link" -> Resumed.Kind.ROOT_WITH_LINK;
          default -> Resumed.Kind.ROOT;
        };
    SpanContext producer =
        kind == Resumed.Kind.ROOT
            ? SpanContext.getInvalid()
            : SpanContext.createFromRemoteParent(
                fields[1],
                fields[2],
                TraceFlags.fromHex(fields[3], 0),
                fields[4].isEmpty()
                    ? TraceState.getDefault()
                    : W3cTraceState.ofCanonical(fields[4]));
    return new Resumed(kind, producer, BaggageCodec.fromFields(fields, 5));
  }
}
