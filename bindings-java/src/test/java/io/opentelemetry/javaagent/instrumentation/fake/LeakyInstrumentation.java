package io.opentelemetry.javaagent.instrumentation.fake;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;

/**
 * Stands in for an agent instrumentation (its package is where the agent's live) that leaks a scope
 * and then closes the one around it: the misuse report must name this class.
 */
public final class LeakyInstrumentation {
  private static final ContextKey<String> KEY = ContextKey.named("fake-instrumentation");

  private LeakyInstrumentation() {}

  /** Opens a scope, leaks an inner one, and closes the outer one out of order. */
  public static void handle() {
    Scope outer = Context.root().with(KEY, "request").makeCurrent();
    Context.current().with(KEY, "leaked").makeCurrent(); // LEAKY-ATTACH-LINE: never closed
    outer.close();
  }

  /** A task's body that opens a scope and returns without closing it. */
  public static void leakInTask() {
    Context.current().with(KEY, "leaked-in-task").makeCurrent(); // LEAKY-TASK-ATTACH-LINE
  }
}
