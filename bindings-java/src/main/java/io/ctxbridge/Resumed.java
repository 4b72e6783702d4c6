package io.ctxbridge;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;

/**
 * How a queue consumer continues the trace a message carries (DESIGN section 5): as a child of the
 * producer while the message is fresh, as a new trace linked to the producer once it is older than
 * the maximum age. Baggage survives either way.
 *
 * <pre>{@code
 * Resumed resumed = Queues.resume(message.headers(), message.enqueuedAt(), Duration.ofMinutes(5));
 * Span span = resumed.applyTo(tracer.spanBuilder("process order")).startSpan();
 * try (Scope s = resumed.context().with(span).makeCurrent()) { ... }
 * }</pre>
 */
public final class Resumed {
  /** What the consumer span's parent is. */
  public enum Kind {
    /** The message is fresh: start the consumer span as a child of the producer. */
    CHILD,
    /** The message is too old: start a new trace with a link to the producer. */
    ROOT_WITH_LINK,
    /** The message carried no valid traceparent: start a new trace. */
    ROOT
  }

  private final Kind kind;
  private final SpanContext producer;
  private final Baggage baggage;

  Resumed(Kind kind, SpanContext producer, Baggage baggage) {
    this.kind = kind;
    this.producer = producer;
    this.baggage = baggage;
  }

  public Kind kind() {
    return kind;
  }

  /** The producer's span context ({@link SpanContext#getInvalid()} for {@link Kind#ROOT}). */
  public SpanContext producer() {
    return producer;
  }

  /** The baggage the message carried (empty if none). */
  public Baggage baggage() {
    return baggage;
  }

  /**
   * The context to start the consumer span in: the producer as parent for {@link Kind#CHILD}, none
   * otherwise, and the baggage in both cases.
   */
  public Context context() {
    Context context = Context.root();
    if (kind == Kind.CHILD) {
      context = context.with(Span.wrap(producer));
    }
    return baggage.isEmpty() ? context : context.with(baggage);
  }

  /** Sets the parent (or no parent and a link to the producer) on a span builder. */
  public SpanBuilder applyTo(SpanBuilder builder) {
    builder.setParent(context());
    if (kind == Kind.ROOT_WITH_LINK) {
      builder.addLink(producer);
    }
    return builder;
  }

  @Override
  public String toString() {
    return "Resumed{" + kind + ", " + producer + ", " + baggage + "}";
  }
}
