package io.ctxbridge;

/** Whether the OpenTelemetry Java agent runs in this JVM. */
final class AgentPresence {
  /** A class of the agent's bootstrap part: present only when the agent runs. */
  private static final String AGENT_CLASS = "io.opentelemetry.javaagent.bootstrap.AgentInitializer";

  static final boolean RUNNING = isRunning();

  private AgentPresence() {}

  private static boolean isRunning() {
    try {
      Class.forName(AGENT_CLASS, false, null);
      return true;
    } catch (ClassNotFoundException | LinkageError absent) {
      return false;
    }
  }
}
