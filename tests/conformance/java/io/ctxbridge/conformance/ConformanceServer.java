package io.ctxbridge.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ctxbridge.CtxbridgePropagator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The W3C trace-context test-harness service (DESIGN section 7) on ctxbridge's Java propagator:
 * {@code tests/conformance/serve java PORT}. On {@code POST /test} with a JSON array of {@code
 * {url, arguments}}, POSTs each {@code arguments} to its {@code url} with a traceparent (and
 * tracestate) continuing the incoming trace under a new parent-id, then answers 200.
 */
public final class ConformanceServer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CtxbridgePropagator PROPAGATOR = CtxbridgePropagator.getInstance();

  /** The SDK hands out no-op tracers when no processor is registered; this one exports nowhere. */
  private static final SdkTracerProvider PROVIDER =
      SdkTracerProvider.builder()
          .addSpanProcessor(SimpleSpanProcessor.create(SpanExporter.composite()))
          .build();

  private static final Tracer TRACER = PROVIDER.get("ctxbridge-conformance");
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** Every value of a header, repeated ones included; names are matched case-insensitively. */
  private static final TextMapGetter<Map<String, List<String>>> ALL_VALUES =
      new TextMapGetter<>() {

        @Override
        public String get(Map<String, List<String>> carrier, String key) {
          List<String> values = carrier.get(key);
          return values == null || values.isEmpty() ? null : values.get(0);
        }

        @Override
        public Iterator<String> getAll(Map<String, List<String>> carrier, String key) {
          List<String> values = carrier.get(key);
          return values == null ? Collections.emptyIterator() : values.iterator();
        }
      };

  private ConformanceServer() {}

  /** Starts the service on 127.0.0.1:{@code port} (0: any free port). */
  public static HttpServer serve(int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/", ConformanceServer::handle);
    server.start();
    return server;
  }

  private static void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      JsonNode calls = null;
      if (exchange.getRequestMethod().equals("POST")
          && exchange.getRequestURI().getPath().equals("/test")) {
        try {
          calls = JSON.readTree(exchange.getRequestBody());
        } catch (IOException malformed) {
          calls = null;
        }
      }
      if (calls == null || !calls.isArray()) {
        exchange.sendResponseHeaders(
            exchange.getRequestURI().getPath().equals("/test") ? 400 : 404, -1);
        return;
      }
      Map<String, List<String>> headers = new HashMap<>();
      exchange
          .getRequestHeaders()
          .forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), values));
      Context parent = PROPAGATOR.extract(Context.root(), headers, ALL_VALUES);
      for (JsonNode call : calls) {
        Span span = TRACER.spanBuilder("conformance call").setParent(parent).startSpan();
        HttpRequest.Builder request =
            HttpRequest.newBuilder(URI.create(call.path("url").asText()))
                .timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        JSON.writeValueAsString(call.path("arguments"))));
        PROPAGATOR.inject(parent.with(span), request, HttpRequest.Builder::header);
        try {
          CLIENT.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException | IllegalArgumentException unreachable) {
          // The harness counts what arrives; a call that cannot be made is simply missing.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          span.end();
        }
      }
      exchange.sendResponseHeaders(200, -1);
    }
  }

  public static void main(String[] args) throws IOException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 7777;
    serve(port);
    System.err.println("ctxbridge-conformance (java) listening on 127.0.0.1:" + port);
  }
}
