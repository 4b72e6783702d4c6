package io.ctxbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every public entry point refuses null at the call with a NullPointerException whose message is
 * ctxbridge's own and names the method and the parameter, instead of a bare NPE later (or, as
 * {@code parseTracestate(null)} once did, parsing the text "null").
 */
class NullArgumentsTest {
  private static final Runnable TASK = () -> {};
  private static final Callable<String> CALL = () -> "";

  static Stream<Arguments> nullCalls() {
    return Stream.of(
        call("W3cCodecs.parseTraceparent", "value", () -> W3cCodecs.parseTraceparent(null)),
        call("W3cCodecs.formatTraceparent", "spanContext", () -> W3cCodecs.formatTraceparent(null)),
        call(
            "W3cCodecs.parseTracestate",
            "values",
            () -> W3cCodecs.parseTracestate((String[]) null)),
        call(
            "W3cCodecs.parseTracestate",
            "every element of values",
            () -> W3cCodecs.parseTracestate((String) null)),
        call("W3cCodecs.parseBaggage", "value", () -> W3cCodecs.parseBaggage(null)),
        call(
            "W3cCodecs.extractBaggage",
            "every element of values",
            () -> W3cCodecs.extractBaggage("a=1", null)),
        call("W3cCodecs.encodeBaggage", "members", () -> W3cCodecs.encodeBaggage(null)),
        call(
            "W3cCodecs.encodeBaggage",
            "every element of members",
            () -> W3cCodecs.encodeBaggage(Arrays.asList((BaggageMember) null))),
        call("W3cTraceState.parse", "headers", () -> W3cTraceState.parse((String[]) null)),
        call("W3cTraceState.with", "key", () -> W3cTraceState.empty().with(null, "v")),
        call("W3cTraceState.with", "value", () -> W3cTraceState.empty().with("k", null)),
        call("W3cTraceState.without", "key", () -> W3cTraceState.empty().without(null)),
        call("BaggageMember", "key", () -> new BaggageMember(null, "v")),
        call("BaggageMember", "properties", () -> new BaggageMember("k", "v", null)),
        call("ContextExecutors.wrap", "executor", () -> ContextExecutors.wrap((Executor) null)),
        call(
            "ContextExecutors.wrap",
            "executor",
            () -> ContextExecutors.wrap((ExecutorService) null)),
        call(
            "ContextExecutors.wrap",
            "executor",
            () -> ContextExecutors.wrap((ScheduledExecutorService) null)),
        call("ContextExecutors.wrap", "task", () -> ContextExecutors.wrap((Runnable) null)),
        call("ContextExecutors.wrap", "task", () -> ContextExecutors.wrap((Callable<String>) null)),
        call("ContextExecutors.wrap", "context", () -> ContextExecutors.wrap(null, TASK)),
        call("ContextExecutors.wrap", "context", () -> ContextExecutors.wrap(null, CALL)),
        call("ContextExecutors.runIn", "context", () -> ContextExecutors.runIn(null, TASK)),
        call("ContextExecutors.runIn", "task", () -> ContextExecutors.runIn(Context.root(), null)),
        call(
            "ContextExecutors.callIn", "task", () -> ContextExecutors.callIn(Context.root(), null)),
        call("Queues.inject", "headers", () -> Queues.inject(null)),
        call(
            "Queues.inject",
            "context",
            () -> Queues.inject(null, new HashMap<String, String>(), HashMap::put)),
        call("Queues.resume", "headers", () -> Queues.resume(null, Instant.now(), Duration.ZERO)),
        call(
            "Queues.resume",
            "enqueuedAt",
            () -> Queues.resume(new HashMap<>(), null, Duration.ZERO)),
        call("Queues.resume", "maxAge", () -> Queues.resume(new HashMap<>(), Instant.now(), null)),
        call("Diagnostics.setMode", "mode", () -> Diagnostics.setMode(null)));
  }

  private static Arguments call(String method, String parameter, Executable call) {
    return Arguments.of(method, parameter, call);
  }

  @ParameterizedTest(name = "{0}({1} = null)")
  @MethodSource("nullCalls")
  void nullIsRefusedNamingTheParameter(String method, String parameter, Executable call) {
    NullPointerException error = assertThrows(NullPointerException.class, call);
    assertEquals(
        "ctxbridge: " + method + ": " + parameter + " must not be null", error.getMessage());
  }

  @Test
  void aNegativeMaxAgeIsAnIllegalArgument() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> Queues.resume(new HashMap<>(), Instant.now(), Duration.ofSeconds(-1)));
    assertEquals(
        "ctxbridge: Queues.resume: maxAge must not be negative, got PT-1S", error.getMessage());
  }

  @Test
  void anInvalidSpanContextIsAnIllegalArgument() {
    assertThrows(
        IllegalArgumentException.class,
        () -> W3cCodecs.formatTraceparent(SpanContext.getInvalid()));
    assertEquals(List.of(), W3cCodecs.extractBaggage());
  }
}
