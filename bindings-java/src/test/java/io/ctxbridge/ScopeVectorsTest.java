package io.ctxbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * tests/vectors/scopes.json through OpenTelemetry's own API: {@code makeCurrent()} attaches, {@code
 * Scope.close()} detaches, {@link ContextExecutors#runIn} is the task wrapper. Each script runs on
 * a fresh thread (its execution scope).
 */
class ScopeVectorsTest {
  private static final ContextKey<String> LABEL = ContextKey.named("label");

  private static String label() {
    return Context.current().get(LABEL);
  }

  private static Context labelled(String value) {
    return Context.root().with(LABEL, value);
  }

  /** Leaks the steps of nested run_in steps report themselves. */
  private static long nestedLeaks(JsonNode steps) {
    long total = 0;
    for (JsonNode step : steps) {
      if (step.get("op").asText().equals("run_in")) {
        total += step.get("leaked").asLong() + nestedLeaks(step.get("steps"));
      }
    }
    return total;
  }

  private static void runSteps(String script, JsonNode steps, Map<String, Scope> tokens) {
    for (JsonNode step : steps) {
      Stats before = Diagnostics.stats();
      MisuseException raised = null;
      try {
        switch (step.get("op").asText()) {
          case "attach" ->
              tokens.put(
                  step.get("token").asText(), labelled(step.get("value").asText()).makeCurrent());
          case "detach" -> tokens.get(step.get("token").asText()).close();
          case "detach_elsewhere" -> {
            AtomicReference<MisuseException> error = new AtomicReference<>();
            Thread other =
                new Thread(
                    () -> {
                      try {
                        tokens.get(step.get("token").asText()).close();
                      } catch (MisuseException e) {
                        error.set(e);
                      }
                    });
            other.start();
            other.join();
            if (error.get() != null) {
              throw error.get();
            }
          }
          case "run_in" -> {
            long leakedBefore = Diagnostics.stats().leaked();
            ContextExecutors.runIn(
                labelled(step.get("value").asText()),
                () -> runSteps(script, step.get("steps"), tokens));
            long leaked =
                Diagnostics.stats().leaked() - leakedBefore - nestedLeaks(step.get("steps"));
            assertEquals(step.get("leaked").asLong(), leaked, script + ": leaked");
          }
          case "current" -> {}
          default -> throw new AssertionError("unknown op " + step);
        }
      } catch (MisuseException e) {
        raised = e;
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      if (step.has("misuse")) {
        Misuse misuse = Misuse.valueOf(step.get("misuse").asText().toUpperCase(Locale.ROOT));
        assertEquals(
            1, Diagnostics.stats().count(misuse) - before.count(misuse), script + ": " + step);
      }
      if (step.path("raises").asBoolean(false)) {
        assertNotNull(raised, script + ": " + step + " should raise");
        assertTrue(raised.getMessage().contains(step.get("misuse").asText()), raised.getMessage());
      } else {
        assertNull(raised, script + ": unexpected " + raised);
      }
      JsonNode current = step.get("current");
      assertEquals(current.isNull() ? null : current.asText(), label(), script + ": after " + step);
    }
  }

  @TestFactory
  Stream<DynamicTest> scripts() {
    JsonNode file = TestSupport.vectors("scopes.json");
    return StreamSupport.stream(file.get("scripts").spliterator(), false)
        .map(
            script ->
                dynamicTest(
                    script.get("name").asText(),
                    () -> {
                      TestSupport.reset();
                      Diagnostics.setMode(
                          Mode.valueOf(script.get("mode").asText().toUpperCase(Locale.ROOT)));
                      Stats before = Diagnostics.stats();
                      AtomicReference<Throwable> failure = new AtomicReference<>();
                      Thread scope =
                          new Thread(
                              () -> {
                                try {
                                  runSteps(
                                      script.get("name").asText(),
                                      script.get("steps"),
                                      new HashMap<>());
                                  assertNull(label(), "the script ends at the base");
                                } catch (Throwable t) {
                                  failure.set(t);
                                }
                              });
                      scope.start();
                      scope.join();
                      Diagnostics.setMode(Mode.WARN);
                      if (failure.get() != null) {
                        throw failure.get();
                      }
                      Map<String, Long> expected = new HashMap<>();
                      script
                          .get("diagnostics")
                          .properties()
                          .forEach(e -> expected.put(e.getKey(), e.getValue().asLong()));
                      assertEquals(expected, new HashMap<>(TestSupport.delta(before)));
                    }));
  }
}
