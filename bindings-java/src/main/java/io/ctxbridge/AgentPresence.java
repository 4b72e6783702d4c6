package io.ctxbridge;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;

/**
 * Whether the OpenTelemetry Java agent runs in this JVM, and the warning for an agent that runs
 * without ctxbridge as its extension.
 */
final class AgentPresence {
  /** A class of the agent's bootstrap part: present only when the agent runs. */
  private static final String AGENT_CLASS = "io.opentelemetry.javaagent.bootstrap.AgentInitializer";

  /** The agent's storage in front of the application's (it does not delegate to it). */
  private static final String AGENT_STORAGE = ".AgentContextStorage";

  static final boolean RUNNING = isRunning();

  private static final AtomicBoolean CHECKED = new AtomicBoolean();

  private AgentPresence() {}

  private static boolean isRunning() {
    try {
      Class.forName(AGENT_CLASS, false, null);
      return true;
    } catch (ClassNotFoundException | LinkageError absent) {
      return false;
    }
  }

  /**
   * Called on the first {@link CtxbridgeContextStorage#root()} under the agent. When that call
   * comes from the agent's {@code AgentContextStorage} (it is wrapping this storage: the agent
   * started, and its storage holds the context) in the application's copy of ctxbridge and no
   * extension published its counters, says once which property to set. An agent that failed to
   * start wraps nothing, and ctxbridge's storage stays in use: nothing is said.
   */
  static void checkWrapping() {
    if (Diagnostics.inAgentExtension || !CHECKED.compareAndSet(false, true)) {
      return;
    }
    boolean wrapped =
        StackWalker.getInstance()
            .walk(frames -> frames.anyMatch(f -> f.getClassName().endsWith(AGENT_STORAGE)));
    if (wrapped && DiagnosticsBean.published() == null) {
      Diagnostics.LOGGER.log(
          Level.WARNING,
          "ctxbridge: the OpenTelemetry Java agent runs without ctxbridge as its extension,"
              + " so the agent's context storage holds the context and ctxbridge's scope rules,"
              + " task hygiene and counters do not apply; add ctxbridge's jar to the agent with"
              + " -Dotel.javaagent.extensions=<path to ctxbridge.jar>");
    }
  }
}
