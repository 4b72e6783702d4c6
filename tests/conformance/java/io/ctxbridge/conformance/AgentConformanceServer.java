package io.ctxbridge.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The W3C test-harness service with no tracing code at all, for the OpenTelemetry Java agent to
 * instrument: {@code tests/conformance/serve java-agent PORT} runs it under the agent with
 * ctxbridge as the agent's extension and {@code otel.propagators=ctxbridge}. The agent's JDK
 * HTTP-server instrumentation extracts the incoming headers and its HTTP-client instrumentation
 * injects them into each call, both through ctxbridge's propagator, and the context between them
 * lives in ctxbridge's storage.
 */
public final class AgentConformanceServer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private AgentConformanceServer() {}

  private static void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      boolean test = exchange.getRequestURI().getPath().equals("/test");
      JsonNode calls = null;
      if (test && exchange.getRequestMethod().equals("POST")) {
        try {
          calls = JSON.readTree(exchange.getRequestBody());
        } catch (IOException malformed) {
          calls = null;
        }
      }
      if (calls == null || !calls.isArray()) {
        exchange.sendResponseHeaders(test ? 400 : 404, -1);
        return;
      }
      for (JsonNode call : calls) {
        HttpRequest request =
            HttpRequest.newBuilder(URI.create(call.path("url").asText()))
                .timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        JSON.writeValueAsString(call.path("arguments"))))
                .build();
        try {
          CLIENT.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (IOException | IllegalArgumentException unreachable) {
          // The harness counts what arrives; a call that cannot be made is simply missing.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      exchange.sendResponseHeaders(200, -1);
    }
  }

  public static void main(String[] args) throws IOException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 7777;
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/", AgentConformanceServer::handle);
    server.start();
    System.err.println(
        "ctxbridge-conformance (java under the agent) listening on 127.0.0.1:" + port);
  }
}
