package io.ctxbridge.agent;

import io.ctxbridge.ContextExecutors;
import io.ctxbridge.Diagnostics;
import io.ctxbridge.Stats;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An application written only against the OpenTelemetry API, as apps under the Java agent are: a
 * plain fixed pool (the agent's executor instrumentation carries the context into it) and a pool
 * wrapped by ctxbridge, each with a task that leaks a scope, and an extract through the global
 * propagator. {@link AgentExtensionTest} runs it under the real agent and reads the {@code
 * key=value} lines it prints.
 */
public final class AgentApp {
  private static final ContextKey<String> LEAKED = ContextKey.named("leaked-by-a-task");
  static final String REMOTE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private AgentApp() {}

  public static void main(String[] args) throws Exception {
    Tracer tracer = GlobalOpenTelemetry.getTracer("ctxbridge-agent-test");
    ExecutorService pool = Executors.newFixedThreadPool(1);

    Span request = tracer.spanBuilder("request").startSpan();
    print("request", request.getSpanContext());
    try (Scope ignored = request.makeCurrent()) {
      pool.submit(
              () -> {
                print("task.current", Span.current().getSpanContext());
                // Left open: the pooled thread must not carry it into the next task.
                Context.current().with(LEAKED, "yes").makeCurrent();
              })
          .get();
    }
    request.end();
    pool.submit(
            () -> {
              System.out.println("next.leaked=" + Context.current().get(LEAKED));
              System.out.println("next.span.valid=" + Span.current().getSpanContext().isValid());
            })
        .get();
    pool.shutdown();

    // The same through ctxbridge's wrapper, whose own scope is now the agent's storage's.
    ExecutorService wrapped = ContextExecutors.wrap(Executors.newFixedThreadPool(1));
    Span second = tracer.spanBuilder("second request").startSpan();
    try (Scope ignored = second.makeCurrent()) {
      wrapped
          .submit(
              () -> {
                print("wrapped.current", Span.current().getSpanContext());
                Context.current().with(LEAKED, "yes").makeCurrent();
              })
          .get();
    }
    second.end();
    print("second", second.getSpanContext());
    wrapped
        .submit(() -> System.out.println("wrapped.next.leaked=" + Context.current().get(LEAKED)))
        .get();
    wrapped.shutdown();

    Map<String, String> carrier = new HashMap<>();
    carrier.put("traceparent", REMOTE);
    Context remote =
        GlobalOpenTelemetry.getPropagators()
            .getTextMapPropagator()
            .extract(Context.root(), carrier, MapGetter.INSTANCE);
    Span server = tracer.spanBuilder("server").setParent(remote).startSpan();
    print("server", server.getSpanContext());
    server.end();

    Stats stats = Diagnostics.stats();
    System.out.println(
        "stats="
            + stats.attached()
            + ","
            + stats.detached()
            + ","
            + stats.outOfOrder()
            + ","
            + stats.leaked());
  }

  private static void print(String name, SpanContext context) {
    System.out.println(name + "=" + context.getTraceId() + "-" + context.getSpanId());
  }

  private enum MapGetter implements TextMapGetter<Map<String, String>> {
    INSTANCE;

    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  }
}
