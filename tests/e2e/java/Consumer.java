import io.ctxbridge.ContextExecutors;
import io.ctxbridge.Queues;
import io.ctxbridge.Resumed;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The Java consumer of the end-to-end test, under the OpenTelemetry Java agent (with ctxbridge
 * as its extension, so {@code otel.propagators=ctxbridge} and ctxbridge's context storage).
 * It reads the Redis stream {@code orders} from its start, resumes each entry's trace with
 * {@link Queues#resume} (a child while the entry is younger than MAX_AGE_MS, else a new trace
 * linked to the producer), and hands the invoice to a wrapped pool, whose task runs the C
 * program with the current traceparent and baggage.
 *
 * <pre>java -javaagent:... Consumer REDIS_PORT OTLP_PORT REPORT_SPAN MAX_AGE_MS</pre>
 */
public final class Consumer {
  private static final Tracer TRACER = GlobalOpenTelemetry.getTracer("ctxbridge-e2e-java");
  private static final ExecutorService POOL = ContextExecutors.wrap(Executors.newFixedThreadPool(2));

  private static String otlpPort;
  private static String reportSpan;

  public static void main(String[] args) throws Exception {
    int redisPort = Integer.parseInt(args[0]);
    otlpPort = args[1];
    reportSpan = args[2];
    Duration maxAge = Duration.ofMillis(Long.parseLong(args[3]));
    StreamEntryID last = new StreamEntryID(0, 0);
    try (Jedis redis = new Jedis("127.0.0.1", redisPort)) {
      System.out.println("e2e-java consuming from 127.0.0.1:" + redisPort);
      while (true) {
        List<Map.Entry<String, List<StreamEntry>>> read =
            redis.xread(XReadParams.xReadParams().block(1000).count(10), Map.of("orders", last));
        if (read == null) {
          continue;
        }
        for (Map.Entry<String, List<StreamEntry>> stream : read) {
          for (StreamEntry entry : stream.getValue()) {
            last = entry.getID();
            consume(entry, maxAge);
          }
        }
      }
    }
  }

  private static void consume(StreamEntry entry, Duration maxAge) throws Exception {
    Map<String, String> fields = entry.getFields();
    // A stream entry's id starts with the time Redis added it.
    Resumed resumed = Queues.resume(fields, Instant.ofEpochMilli(entry.getID().getTime()), maxAge);
    Span span =
        resumed
            .applyTo(TRACER.spanBuilder("process order").setSpanKind(SpanKind.CONSUMER))
            .setAttribute("order.id", fields.get("order_id"))
            .setAttribute("tenant", String.valueOf(resumed.baggage().getEntryValue("tenant")))
            .setAttribute("ctxbridge.resumed", resumed.kind().name())
            .startSpan();
    try (Scope ignored = resumed.context().with(span).makeCurrent()) {
      String invoice = POOL.submit(() -> invoice(fields.get("order_id"))).get();
      System.out.println("consumed " + fields.get("order_id") + " " + resumed.kind() + " " + invoice);
    } finally {
      span.end();
    }
  }

  /** On a pooled thread, in the consumer span's context: runs the C program as a child. */
  private static String invoice(String orderId) throws IOException, InterruptedException {
    Span span = TRACER.spanBuilder("invoice").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      span.setAttribute("tenant", String.valueOf(Baggage.current().getEntryValue("tenant")));
      Map<String, String> headers = Queues.inject(new HashMap<>());
      Process c =
          new ProcessBuilder(
                  reportSpan,
                  "127.0.0.1",
                  otlpPort,
                  headers.get("traceparent"),
                  headers.getOrDefault("baggage", ""))
              .redirectErrorStream(true)
              .start();
      String out = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (c.waitFor() != 0) {
        throw new IOException("report_span failed for order " + orderId + ": " + out);
      }
      return out;
    } finally {
      span.end();
    }
  }
}
