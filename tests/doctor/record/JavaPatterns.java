// Runs the seed's broken hand-offs for real under the OpenTelemetry Java agent, which
// records them with its OTLP JSON logging exporter (one ResourceSpans per line);
// tests/doctor/record/java_patterns.sh keeps those lines in tests/doctor/recorded/.
//
// The agent carries the context into every java.util.concurrent executor by itself, so
// the breaks shown here are the ones it cannot see: a hand-written work queue drained by
// a thread of its own, and a context made current and never closed.
//
// What each run should be diagnosed as is written by hand in tests/doctor/expected.json.

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.HashMap;
import java.util.Map;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

public class JavaPatterns {
  static final Tracer TRACER = GlobalOpenTelemetry.getTracer("doctor-recording");

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "work-queue" -> workQueue(false);
      case "leaked-scope" -> leakedScope();
      case "late-consumer" -> lateConsumer();
      case "lost-baggage" -> lostBaggage();
      case "orphan" -> orphan();
      case "correct" -> workQueue(true);
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  /** A request queues a job for a worker thread that drains the queue: the job's span is a
   * fresh trace unless the job carries the context (Context.current().wrap). */
  static void workQueue(boolean carry) throws Exception {
    BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    Thread worker = new Thread(() -> {
      try {
        while (true) {
          Runnable job = queue.take();
          job.run();
          if (job instanceof Stop) {
            return;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "order-worker-1");
    worker.setDaemon(true); // a failed run must not hang on it
    worker.start();
    Span server = TRACER.spanBuilder("POST /orders").setSpanKind(SpanKind.SERVER).startSpan();
    try (Scope s = server.makeCurrent()) {
      Span validate = TRACER.spanBuilder("validate_payment").setAttribute("order.id", "o-3001").startSpan();
      try (Scope v = validate.makeCurrent()) {
        CountDownLatch done = new CountDownLatch(1);
        Runnable job = () -> {
          Span span = TRACER.spanBuilder("background_fulfillment").setAttribute("order.id", "o-3001").startSpan();
          try (Scope j = span.makeCurrent()) {
            sleep(20);
          } finally {
            span.end();
            done.countDown();
          }
        };
        queue.put(carry ? Context.current().wrap(job) : job);
        done.await();
      } finally {
        validate.end();
      }
    } finally {
      server.end();
    }
    queue.put(new Stop());
    worker.join();
  }

  /** A handler makes its span current and never closes the scope: the next request on the
   * same thread starts under it. */
  static void leakedScope() throws Exception {
    Thread thread = new Thread(() -> {
      Span first = TRACER.spanBuilder("GET /a").setSpanKind(SpanKind.SERVER).startSpan();
      first.makeCurrent(); // never closed: the bug
      sleep(10);
      first.end();
      sleep(50);
      Span second = TRACER.spanBuilder("GET /b").setSpanKind(SpanKind.SERVER).startSpan();
      try (Scope s = second.makeCurrent()) {
        sleep(10);
      } finally {
        second.end();
      }
    }, "http-worker-1");
    thread.start();
    thread.join();
  }

  static final TextMapGetter<Map<String, String>> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  /** A span of {@code kind} with the current baggage copied into attributes, as a baggage
   * span processor does. */
  static Span start(String name, SpanKind kind, Context parent) {
    Span span = TRACER.spanBuilder(name).setSpanKind(kind).setParent(parent).startSpan();
    Baggage.fromContext(parent).forEach((key, entry) -> span.setAttribute(key, entry.getValue()));
    return span;
  }

  /** A message consumed 1.2 s after it was sent continues the producer's trace as a child
   * (tests/doctor/expected.json runs it with late_after 1s). */
  static void lateConsumer() throws Exception {
    Map<String, String> headers = new HashMap<>();
    Span producer = start("publish order.created", SpanKind.PRODUCER, Context.current());
    try (Scope s = producer.makeCurrent()) {
      W3CTraceContextPropagator.getInstance().inject(Context.current(), headers, Map::put);
    } finally {
      producer.end();
    }
    Thread consumer = new Thread(() -> {
      sleep(1200);
      Context parent =
          W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, GETTER);
      start("consume order.created", SpanKind.CONSUMER, parent).end();
    }, "consumer-1");
    consumer.start();
    consumer.join();
  }

  /** The producer injects the traceparent alone: the tenant in baggage does not arrive. A
   * second message sent with both headers shows the consumer records baggage when it comes. */
  static void lostBaggage() {
    TextMapPropagator traceOnly = W3CTraceContextPropagator.getInstance();
    TextMapPropagator both =
        TextMapPropagator.composite(
            W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());
    for (String name : new String[] {"order.created", "order.paid"}) {
      TextMapPropagator propagator = name.equals("order.created") ? traceOnly : both;
      Map<String, String> headers = new HashMap<>();
      Context withTenant = Baggage.builder().put("tenant.id", "acme").build().storeInContext(Context.root());
      Span producer = start("publish " + name, SpanKind.PRODUCER, withTenant);
      try (Scope s = withTenant.with(producer).makeCurrent()) {
        propagator.inject(Context.current(), headers, Map::put);
      } finally {
        producer.end();
      }
      Context parent = propagator.extract(Context.root(), headers, GETTER);
      start("consume " + name, SpanKind.CONSUMER, parent).end();
    }
  }

  /** A span that is never ended is never exported: its child's parent is absent. */
  static void orphan() {
    Span server = TRACER.spanBuilder("POST /cart").setSpanKind(SpanKind.SERVER).startSpan();
    try (Scope s = server.makeCurrent()) {
      Span load = TRACER.spanBuilder("load_cart").startSpan(); // never ended: the bug
      TRACER.spanBuilder("query_db").setParent(Context.current().with(load)).startSpan().end();
    } finally {
      server.end();
    }
  }

  static final class Stop implements Runnable {
    @Override
    public void run() {}
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
