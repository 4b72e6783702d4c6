import io.ctxbridge.ContextExecutors;
import io.ctxbridge.CtxbridgeContextStorage;
import io.ctxbridge.CtxbridgePropagator;
import io.ctxbridge.Diagnostics;
import io.ctxbridge.Mode;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Smoke program for the jar: the seed's hand-off, one extract/inject, one misuse counted. */
public class Smoke {
  static void check(boolean ok, String what) {
    if (!ok) throw new AssertionError(what);
  }

  public static void main(String[] args) throws Exception {
    check(CtxbridgeContextStorage.isInstalled(), "ctxbridge's ContextStorage is installed");
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    Tracer tracer =
        SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build().get("smoke");
    ExecutorService pool = ContextExecutors.wrap(Executors.newFixedThreadPool(2));
    Span parent = tracer.spanBuilder("validate_payment").startSpan();
    try (Scope ignored = parent.makeCurrent()) {
      pool.submit(() -> tracer.spanBuilder("background_fulfillment").startSpan().end()).get();
    } finally {
      parent.end();
      pool.shutdown();
    }
    SpanData child = exporter.getFinishedSpanItems().get(0);
    check(child.getName().equals("background_fulfillment"), "the child ended first");
    check(child.getTraceId().equals(parent.getSpanContext().getTraceId()), "same trace");
    check(child.getParentSpanId().equals(parent.getSpanContext().getSpanId()), "parent span id");

    Map<String, String> carrier = new HashMap<>();
    carrier.put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    TextMapGetter<Map<String, String>> getter =
        new TextMapGetter<>() {
          public Iterable<String> keys(Map<String, String> c) {
            return c.keySet();
          }

          public String get(Map<String, String> c, String key) {
            return c == null ? null : c.get(key);
          }
        };
    Context extracted = CtxbridgePropagator.getInstance().extract(Context.root(), carrier, getter);
    Map<String, String> out = new HashMap<>();
    CtxbridgePropagator.getInstance().inject(extracted, out, Map::put);
    check(carrier.get("traceparent").equals(out.get("traceparent")), "extract/inject: " + out);

    Diagnostics.setMode(Mode.OFF);
    long before = Diagnostics.stats().doubleDetach();
    Scope scope = Context.root().makeCurrent();
    scope.close();
    scope.close();
    check(Diagnostics.stats().doubleDetach() - before == 1, "the double close is counted");
    System.out.println("java: hand-off, extract/inject, misuse counted");
  }
}
