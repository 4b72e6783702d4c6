package io.ctxbridge;

import io.ctxbridge.internal.Fields;
import io.ctxbridge.internal.Native;
import java.net.URL;
import java.security.CodeSource;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The misuse counters and the mode. The initial mode comes from the system property {@code
 * ctxbridge.mode} or the environment variable {@code CTXBRIDGE_MODE} ({@code off}, {@code warn} or
 * {@code strict}); the default is {@code warn}.
 */
public final class Diagnostics {
  static final Logger LOGGER = Logger.getLogger("io.ctxbridge");

  /** Where this library's classes come from (its jar, or its classes folder). */
  private static final URL HOME = locationOf(Diagnostics.class);

  static {
    String initial = System.getProperty("ctxbridge.mode", System.getenv("CTXBRIDGE_MODE"));
    if (initial != null && !initial.isBlank()) {
      // This copy's mode (an agent extension's copy reads the same property itself).
      setLocalMode(Mode.valueOf(initial.trim().toUpperCase(Locale.ROOT)));
    }
  }

  private Diagnostics() {}

  /**
   * The counters now. Under the OpenTelemetry Java agent with ctxbridge as its extension, the
   * agent's copy of ctxbridge runs the context storage, and these are its counters (read through
   * {@link DiagnosticsMXBean}).
   */
  public static Stats stats() {
    long[] s = counters();
    return new Stats(s[0], s[1], s[2], s[3], s[4], s[5]);
  }

  /** The counters in the core's order (the agent's, when the agent holds the storage). */
  static long[] counters() {
    DiagnosticsMXBean agent = agentBean();
    return agent != null ? agent.getCounters() : Native.stats();
  }

  /** Sets every counter to zero and forgets which call sites were warned about. */
  public static void resetStats() {
    DiagnosticsMXBean agent = agentBean();
    if (agent != null) {
      agent.resetStats();
    }
    resetLocalStats();
  }

  public static Mode mode() {
    DiagnosticsMXBean agent = agentBean();
    return agent != null ? Mode.valueOf(agent.getMode()) : localMode();
  }

  public static void setMode(Mode mode) {
    Args.notNull(mode, "Diagnostics.setMode", "mode");
    DiagnosticsMXBean agent = agentBean();
    if (agent != null) {
      agent.setMode(mode.name());
    }
    setLocalMode(mode);
  }

  static Stats localStats() {
    long[] s = Native.stats();
    return new Stats(s[0], s[1], s[2], s[3], s[4], s[5]);
  }

  static void resetLocalStats() {
    Native.resetStats();
  }

  static Mode localMode() {
    return Mode.values()[Native.mode()];
  }

  static void setLocalMode(Mode mode) {
    Native.setMode(mode.ordinal());
  }

  /**
   * The agent extension's bean when this copy of ctxbridge is the application's and the Java agent
   * runs (its copy holds the storage then), else null.
   */
  private static DiagnosticsMXBean agentBean() {
    DiagnosticsMXBean agent = agentBean;
    if (agent == null && !inAgentExtension && AgentPresence.RUNNING) {
      agent = DiagnosticsBean.published();
      agentBean = agent;
    }
    return agent;
  }

  /** Set by {@link CtxbridgeAgentListener} in the agent extension's copy of ctxbridge. */
  static volatile boolean inAgentExtension;

  private static volatile DiagnosticsMXBean agentBean;

  /**
   * Applies the mode to a misuse the rules already counted: logs it once per call site (warn) or
   * throws (strict).
   */
  static void report(Misuse misuse, String site) {
    byte[] site8 = Fields.utf8(site);
    byte[] message = Native.judge(misuse.code(), site8, site8.length);
    if (message == null) {
      return;
    }
    String text = Fields.string(message);
    if (Native.mode() == Mode.STRICT.ordinal()) {
      throw new MisuseException(misuse, text);
    }
    LOGGER.log(Level.WARNING, text);
  }

  /** {@link #report} at the first caller outside ctxbridge and OpenTelemetry's context. */
  static void reportAtCaller(Misuse misuse) {
    report(misuse, callerSite());
  }

  /** {@code Class.method(File.java:line)} of the code that called into ctxbridge. */
  static String callerSite() {
    return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
        .walk(
            frames ->
                frames
                    .filter(f -> !isLibrary(f.getDeclaringClass()))
                    .findFirst()
                    .map(StackWalker.StackFrame::toStackTraceElement)
                    .map(StackTraceElement::toString)
                    .orElse("<unknown>"));
  }

  /**
   * Frames of ctxbridge itself and of OpenTelemetry's context API (the app's, the Java agent's
   * shaded copy, and the agent's bridge between them) are not the caller. An instrumentation's
   * frames are (the agent's {@code io.opentelemetry.javaagent.instrumentation.*}, a library
   * instrumentation's): when one leaks a scope, it is the culprit to name.
   */
  private static boolean isLibrary(Class<?> type) {
    String name = type.getName();
    for (String prefix : CONTEXT_API) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return HOME != null && HOME.equals(locationOf(type));
  }

  private static final String[] CONTEXT_API = {
    "io.opentelemetry.context.",
    "io.opentelemetry.javaagent.shaded.io.opentelemetry.context.",
    "io.opentelemetry.javaagent.instrumentation.opentelemetryapi.context.",
  };

  private static URL locationOf(Class<?> type) {
    CodeSource source = type.getProtectionDomain().getCodeSource();
    return source == null ? null : source.getLocation();
  }
}
