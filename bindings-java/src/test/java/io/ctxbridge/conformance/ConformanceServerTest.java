package io.ctxbridge.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Java conformance service against the W3C test-harness contract (DESIGN section 7). */
class ConformanceServerTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

  private HttpServer service;
  private HttpServer receiver;
  private final List<Map<String, List<String>>> received = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    service = ConformanceServer.serve(0);
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/callback",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            Map<String, List<String>> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v));
            received.add(headers);
            exchange.sendResponseHeaders(200, -1);
          }
        });
    receiver.start();
  }

  @AfterEach
  void stop() {
    service.stop(0);
    receiver.stop(0);
  }

  private int postTest(List<String[]> headers, int calls) throws IOException {
    URL url = new URL("http://127.0.0.1:" + service.getAddress().getPort() + "/test");
    HttpURLConnection connection = (HttpURLConnection) url.openConnection();
    connection.setRequestMethod("POST");
    connection.setDoOutput(true);
    for (String[] header : headers) {
      connection.addRequestProperty(header[0], header[1]);
    }
    String callback = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/callback";
    StringBuilder body = new StringBuilder("[");
    for (int i = 0; i < calls; i++) {
      body.append(i > 0 ? "," : "")
          .append("{\"url\":\"")
          .append(callback)
          .append("\",\"arguments\":[]}");
    }
    body.append("]");
    try (OutputStream out = connection.getOutputStream()) {
      out.write(body.toString().getBytes(StandardCharsets.UTF_8));
    }
    return connection.getResponseCode();
  }

  @Test
  void continuesTheTraceUnderANewParentIdPerCall() throws IOException {
    int status =
        postTest(
            List.of(
                new String[] {"Traceparent", TRACEPARENT},
                new String[] {"tracestate", "foo=1"},
                new String[] {"TRACESTATE", "bar=2"}),
            2);
    assertEquals(200, status);
    assertEquals(2, received.size(), "every call is made before the response");
    String first = received.get(0).get("traceparent").get(0);
    String second = received.get(1).get("traceparent").get(0);
    assertEquals(TRACE_ID, first.substring(3, 35));
    assertEquals(TRACE_ID, second.substring(3, 35));
    assertNotEquals("00f067aa0ba902b7", first.substring(36, 52));
    assertNotEquals(first.substring(36, 52), second.substring(36, 52));
    assertEquals(List.of("foo=1,bar=2"), received.get(0).get("tracestate"));
  }

  @Test
  void aRepeatedTraceparentStartsANewTrace() throws IOException {
    assertEquals(
        200,
        postTest(
            List.of(
                new String[] {"traceparent", TRACEPARENT},
                new String[] {"traceparent", TRACEPARENT}),
            1));
    assertEquals(1, received.size());
    assertNotEquals(TRACE_ID, received.get(0).get("traceparent").get(0).substring(3, 35));
    assertNull(received.get(0).get("tracestate"));
  }
}
