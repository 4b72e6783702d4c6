package io.ctxbridge;

import static io.ctxbridge.TestSupport.TRACER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real {@code com.sun.net.httpserver} server on 127.0.0.1 with one reused handler thread. Its
 * handler does what opentelemetry-instrumentation-flask does on a reused WSGI thread: attaches the
 * extracted context, opens a SERVER span, attaches an inner context it never closes, hands work to
 * a wrapped executor, then closes the span's scope and the request's (out of order, because of the
 * leak). Each request must still get its own trace (DESIGN section 4, rule 3).
 */
class HttpServerTest {
  private static final ContextKey<String> COMMENT = ContextKey.named("sqlcommenter");
  private static final String TRACE_A = "a".repeat(32);
  private static final String PARENT_A = "1".repeat(16);
  private static final String TRACE_B = "b".repeat(32);
  private static final String PARENT_B = "2".repeat(16);

  private static final TextMapGetter<HttpExchange> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpExchange exchange) {
          return exchange.getRequestHeaders().keySet();
        }

        @Override
        public String get(HttpExchange exchange, String key) {
          return exchange == null ? null : exchange.getRequestHeaders().getFirst(key);
        }
      };

  private HttpServer server;
  private ExecutorService pool;
  private final Set<String> handlerThreads = new HashSet<>();
  private final List<String> staleAtEntry = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    TestSupport.reset();
    pool = ContextExecutors.wrap(Executors.newFixedThreadPool(2));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newSingleThreadExecutor()); // one reused handler thread
    server.createContext("/order", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    pool.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    handlerThreads.add(Thread.currentThread().getName());
    if (Span.current().getSpanContext().isValid() || Context.current().get(COMMENT) != null) {
      staleAtEntry.add(exchange.getRequestURI().getPath());
    }
    Context extracted =
        CtxbridgePropagator.getInstance().extract(Context.current(), exchange, HEADERS);
    Scope request = extracted.makeCurrent();
    Span span = TRACER.spanBuilder("GET /order").setSpanKind(SpanKind.SERVER).startSpan();
    Scope spanScope = span.makeCurrent();
    Context.current().with(COMMENT, "route=order").makeCurrent(); // never closed
    try {
      pool.submit(() -> TRACER.spanBuilder("fulfil").startSpan().end()).get(10, TimeUnit.SECONDS);
      byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } catch (Exception e) {
      exchange.sendResponseHeaders(500, -1);
    } finally {
      span.end();
      spanScope.close(); // out of order: the leaked scope ends with it
      request.close();
      synchronized (completed) {
        completed[0]++;
        completed.notifyAll();
      }
    }
  }

  /** Handlers that have ended their span and closed their scopes (after answering). */
  private final int[] completed = new int[1];

  /** Waits until {@code requests} handlers are done, however loaded the machine. */
  private void awaitCompleted(int requests) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    synchronized (completed) {
      while (completed[0] < requests && System.nanoTime() < deadline) {
        completed.wait(100);
      }
    }
  }

  private void get(HttpClient client, int number, String traceparent) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/order/" + number));
    if (traceparent != null) {
      request.header("traceparent", traceparent);
    }
    HttpResponse<String> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
  }

  @Test
  void consecutiveRequestsOnOneReusedThreadEachGetTheirOwnTrace() throws Exception {
    Diagnostics.setMode(Mode.OFF); // the handler's leak is on purpose
    HttpClient client = HttpClient.newHttpClient();
    String[] incoming = {
      "00-" + TRACE_A + "-" + PARENT_A + "-01", "00-" + TRACE_B + "-" + PARENT_B + "-01", null, null
    };
    for (int i = 0; i < incoming.length; i++) {
      get(client, i, incoming[i]);
    }
    int more = 100;
    for (int i = 0; i < more; i++) {
      get(client, incoming.length + i, null);
    }
    int requests = incoming.length + more;
    // The client has its answer before the handler ends its span and closes its scopes.
    awaitCompleted(requests);

    List<SpanData> servers =
        TestSupport.EXPORTER.getFinishedSpanItems().stream()
            .filter(s -> s.getKind() == SpanKind.SERVER)
            .collect(Collectors.toList());
    List<SpanData> fulfils =
        TestSupport.EXPORTER.getFinishedSpanItems().stream()
            .filter(s -> s.getName().equals("fulfil"))
            .collect(Collectors.toList());
    assertEquals(requests, servers.size());
    assertEquals(1, handlerThreads.size(), "one reused handler thread");
    assertEquals(List.of(), staleAtEntry, "a request saw the previous one's context");

    assertEquals(TRACE_A, servers.get(0).getTraceId());
    assertEquals(PARENT_A, servers.get(0).getParentSpanId());
    assertEquals(TRACE_B, servers.get(1).getTraceId());
    assertEquals(PARENT_B, servers.get(1).getParentSpanId());
    for (SpanData root : servers.subList(2, servers.size())) {
      assertFalse(root.getParentSpanContext().isValid(), "a request without traceparent is a root");
    }
    assertEquals(
        requests,
        servers.stream().map(SpanData::getTraceId).distinct().count(),
        "one trace per request");
    for (SpanData server : servers) {
      List<SpanData> mine =
          fulfils.stream()
              .filter(f -> f.getTraceId().equals(server.getTraceId()))
              .collect(Collectors.toList());
      assertEquals(1, mine.size());
      assertEquals(server.getSpanId(), mine.get(0).getParentSpanId());
    }
    Stats stats = Diagnostics.stats();
    assertEquals(requests, stats.outOfOrder(), "one out-of-order close per request");
    assertEquals(requests, stats.leaked(), "one leaked scope per request, ended with it");
    assertEquals(0, stats.doubleDetach());
    assertNull(Context.current().get(COMMENT));
  }
}
