package io.ctxbridge;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.sdk.testing.context.SettableContextStorageProvider;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;
import org.junit.jupiter.api.function.Executable;

/**
 * The real OpenTelemetry SDK with an in-memory exporter, the shared vectors, and carriers.
 *
 * <p>{@code opentelemetry-sdk-testing} registers its own {@code ContextStorageProvider}, which
 * OpenTelemetry always prefers; it delegates to the only other provider on the class path, ours.
 * {@link #useCtxbridge()} makes that explicit, {@link #useDefaultStorage()} switches to
 * OpenTelemetry's thread-local storage to show what happens without ctxbridge.
 */
final class TestSupport {
  static final InMemorySpanExporter EXPORTER = InMemorySpanExporter.create();
  static final SdkTracerProvider PROVIDER =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(EXPORTER)).build();
  static final Tracer TRACER = PROVIDER.get("ctxbridge-test");
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestSupport() {}

  /** A clean slate: no spans, zeroed counters, warn mode, ctxbridge's storage. */
  static void reset() {
    useCtxbridge();
    EXPORTER.reset();
    Diagnostics.resetStats();
    Diagnostics.setMode(Mode.WARN);
  }

  static void useCtxbridge() {
    SettableContextStorageProvider.setContextStorage(CtxbridgeContextStorage.get());
  }

  static void useDefaultStorage() {
    SettableContextStorageProvider.setContextStorage(
        io.opentelemetry.context.ContextStorage.defaultStorage());
  }

  /** The one finished span called {@code name}. */
  static SpanData span(String name) {
    List<SpanData> found =
        EXPORTER.getFinishedSpanItems().stream()
            .filter(s -> s.getName().equals(name))
            .collect(Collectors.toList());
    if (found.size() != 1) {
      throw new AssertionError("expected one span " + name + ", got " + found);
    }
    return found.get(0);
  }

  /**
   * {@code parse} throws {@link IllegalArgumentException} whose message starts with {@code prefix}.
   */
  static void assertRule(String prefix, Executable parse) {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, parse);
    assertTrue(error.getMessage().startsWith(prefix), error.getMessage());
  }

  static JsonNode vectors(String file) {
    try {
      return JSON.readTree(Path.of(System.getProperty("ctxbridge.vectors"), file).toFile());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read tests/vectors/" + file, e);
    }
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.isNull() ? null : n.asText()));
    return out;
  }

  /** Counters now minus {@code before}, by vector name. */
  static Map<String, Long> delta(Stats before) {
    Stats now = Diagnostics.stats();
    Map<String, Long> delta = new LinkedHashMap<>();
    delta.put("attached", now.attached() - before.attached());
    delta.put("detached", now.detached() - before.detached());
    delta.put("out_of_order", now.outOfOrder() - before.outOfOrder());
    delta.put("double_detach", now.doubleDetach() - before.doubleDetach());
    delta.put("wrong_scope", now.wrongScope() - before.wrongScope());
    delta.put("leaked", now.leaked() - before.leaked());
    return delta;
  }

  /** A carrier of possibly repeated headers (lower-case names), read with getAll. */
  static final class Headers {
    final Map<String, List<String>> values = new LinkedHashMap<>();

    Headers add(String name, String value) {
      values.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
      return this;
    }

    Headers addAll(String name, List<String> list) {
      list.forEach(v -> add(name, v));
      return this;
    }

    String first(String name) {
      List<String> list = values.get(name);
      return list == null ? null : list.get(0);
    }
  }

  static final TextMapGetter<Headers> GETTER =
      new TextMapGetter<>() {

        @Override
        public String get(Headers carrier, String key) {
          return carrier == null ? null : carrier.first(key);
        }

        @Override
        public Iterator<String> getAll(Headers carrier, String key) {
          List<String> list = carrier == null ? null : carrier.values.get(key);
          return list == null ? Collections.emptyIterator() : list.iterator();
        }
      };

  static final TextMapSetter<Map<String, String>> MAP_SETTER = Map::put;

  /** Reads a plain map carrier. */
  static final TextMapGetter<Map<String, String>> MAP_GETTER =
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

  /** Collects what ctxbridge logs. */
  static final class LogCapture extends Handler implements AutoCloseable {
    final List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());

    LogCapture() {
      Diagnostics.LOGGER.addHandler(this);
    }

    List<String> messages() {
      synchronized (records) {
        return records.stream().map(LogRecord::getMessage).collect(Collectors.toList());
      }
    }

    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      Diagnostics.LOGGER.removeHandler(this);
    }
  }

  /** The used Java heap after garbage collection (the least of a few tries). */
  static long usedHeapAfterGc() throws InterruptedException {
    Runtime runtime = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(20);
      used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
    }
    return used;
  }
}
