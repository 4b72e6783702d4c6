// The seed scenario in Java: validate_payment in the request thread, background_fulfillment
// on an ExecutorService (and a scheduled retry), without and with ctxbridge. Run with
// `make demo` (it compiles nothing: `java` runs this file with the jar's class path).
import io.ctxbridge.ContextExecutors;
import io.ctxbridge.Doctor;
import io.ctxbridge.CtxbridgeContextStorage;
import io.ctxbridge.Diagnostics;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

public class OrderService {
  static final InMemorySpanExporter EXPORTER = InMemorySpanExporter.create();
  static final Tracer TRACER =
      SdkTracerProvider.builder()
          .addSpanProcessor(SimpleSpanProcessor.create(EXPORTER))
          .build()
          .get("order-service");

  static void fulfill(String orderId) throws InterruptedException {
    Span ws = TRACER.spanBuilder("background_fulfillment").startSpan();
    try (Scope s = ws.makeCurrent()) {
      ws.setAttribute("order.id", orderId);
      ws.setAttribute("messaging.operation", "process");
      Thread.sleep(25);
    } finally {
      ws.end();
    }
  }

  static void processOrder(String orderId, ExecutorService executor, ScheduledExecutorService scheduler)
      throws Exception {
    Span request = TRACER.spanBuilder("POST /orders").startSpan();
    try (Scope r = request.makeCurrent()) {
      Span validate = TRACER.spanBuilder("validate_payment").startSpan();
      try (Scope v = validate.makeCurrent()) {
        validate.setAttribute("order.id", orderId);
        Thread.sleep(10);
        executor.submit(() -> { fulfill(orderId); return null; }).get();
        scheduler
            .schedule(() -> TRACER.spanBuilder("retry_notification").startSpan().end(), 5, TimeUnit.MILLISECONDS)
            .get();
      } finally {
        validate.end();
      }
    } finally {
      request.end();
    }
  }

  static void waterfall(String title) {
    System.out.println("\n== " + title + " ==");
    List<SpanData> spans =
        EXPORTER.getFinishedSpanItems().stream()
            .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
            .collect(Collectors.toList());
    Map<String, List<SpanData>> byTrace = new LinkedHashMap<>();
    spans.forEach(s -> byTrace.computeIfAbsent(s.getTraceId(), k -> new java.util.ArrayList<>()).add(s));
    byTrace.forEach(
        (traceId, members) -> {
          System.out.println("trace " + traceId);
          long start = members.stream().mapToLong(SpanData::getStartEpochNanos).min().orElse(0);
          long end = members.stream().mapToLong(SpanData::getEndEpochNanos).max().orElse(1);
          java.util.Set<String> ids = members.stream().map(SpanData::getSpanId).collect(Collectors.toSet());
          members.stream()
              .filter(s -> !ids.contains(s.getParentSpanId()))
              .forEach(root -> show(root, members, 0, start, Math.max(end - start, 1)));
        });
    if (title.startsWith("without")) {
      System.out.println("\n-- ctxbridge doctor, on the run without ctxbridge --");
      System.out.println(Doctor.diagnose(EXPORTER.getFinishedSpanItems()).report());
    } else {
      boolean clean = Doctor.diagnose(EXPORTER.getFinishedSpanItems()).findings().isEmpty();
      System.out.println("\ncheck: the doctor finds no broken hand-off here: " + (clean ? "yes" : "NO"));
      if (!clean) {
        System.exit(1);
      }
    }
    EXPORTER.reset();
  }

  static void show(SpanData span, List<SpanData> members, int depth, long start, long total) {
    int offset = (int) Math.round((span.getStartEpochNanos() - start) * 40.0 / total);
    int width = Math.max(1, (int) Math.round((span.getEndEpochNanos() - span.getStartEpochNanos()) * 40.0 / total));
    String bar = (" ".repeat(offset) + "█".repeat(width));
    bar = (bar.length() > 40 ? bar.substring(0, 40) : bar + " ".repeat(40 - bar.length()));
    String parent = span.getParentSpanContext().isValid() ? "parent " + span.getParentSpanId() : "root";
    System.out.printf(
        "  %-36s span %s %-24s |%s| %6.1f ms%n",
        "  ".repeat(depth) + span.getName(), span.getSpanId(), parent, bar,
        (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e6);
    members.stream()
        .filter(c -> c.getParentSpanId().equals(span.getSpanId()))
        .forEach(c -> show(c, members, depth + 1, start, total));
  }

  public static void main(String[] args) throws Exception {
    System.out.println("context storage: ctxbridge " + (CtxbridgeContextStorage.isInstalled() ? "installed" : "NOT installed"));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    processOrder("order-1", pool, timer);
    waterfall("without ctxbridge: plain executors (fulfillment and retry are orphan roots)");

    processOrder("order-2", ContextExecutors.wrap(pool), ContextExecutors.wrap(timer));
    waterfall("with ctxbridge: ContextExecutors.wrap (one trace; captured at submit)");

    // The seed's own Java pattern works unchanged on ctxbridge's storage.
    Span validate = TRACER.spanBuilder("validate_payment").startSpan();
    try (Scope v = validate.makeCurrent()) {
      pool.submit(Context.current().wrap(() -> { fulfill("order-3"); return null; })).get();
    } finally {
      validate.end();
    }
    waterfall("with ctxbridge: the seed's Context.current().wrap(...)");
    System.out.println("\ndiagnostics: " + Diagnostics.stats());
    pool.shutdown();
    timer.shutdown();
  }
}
