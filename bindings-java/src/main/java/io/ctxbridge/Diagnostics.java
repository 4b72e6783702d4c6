package io.ctxbridge;

import io.ctxbridge.internal.Fields;
import io.ctxbridge.internal.Native;
import io.ctxbridge.internal.NativeLibrary;
import io.opentelemetry.context.ContextStorage;
import java.net.URL;
import java.security.CodeSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The misuse counters, the mode and the attach-site switch. The initial mode comes from the system
 * property {@code ctxbridge.mode} or the environment variable {@code CTXBRIDGE_MODE} ({@code off},
 * {@code warn} or {@code strict}); the default is {@code warn}. Attach sites are recorded when
 * {@code ctxbridge.attachSites} or {@code CTXBRIDGE_ATTACH_SITES} is {@code true} (or {@code 1},
 * {@code on}, {@code yes}), or after {@link #setAttachSites(boolean)}. A bad value is logged and
 * changes nothing.
 *
 * <p>A report names the code that noticed the misuse: the first frame outside ctxbridge and
 * OpenTelemetry's context API. With attach sites recorded, an out-of-order close or a task's end
 * also names the {@code makeCurrent()} that was left open, at the line that made it, as
 * OpenTelemetry's {@code StrictContextStorage} does for a leaked scope. Recording walks the stack
 * at every attach, so it is off by default: turn it on to find a leak.
 */
public final class Diagnostics {
  static final Logger LOGGER = Logger.getLogger("io.ctxbridge");

  /** Where this library's classes come from (its jar, or its classes folder). */
  private static final URL HOME = locationOf(Diagnostics.class);

  /** Whether each attach notes its caller's site: this copy's view of the core's switch. */
  static volatile boolean recordSites;

  static {
    // This copy's settings (an agent extension's copy reads the same ones itself); the core
    // reads the values, as every binding's does. Without the library (LibraryCheck logs why,
    // through this class's logger) there is nothing to set.
    if (NativeLibrary.available()) {
      applySetting(0, System.getProperty("ctxbridge.mode", System.getenv("CTXBRIDGE_MODE")));
      applySetting(
          1, System.getProperty("ctxbridge.attachSites", System.getenv("CTXBRIDGE_ATTACH_SITES")));
      recordSites = Native.attachSites();
    }
  }

  private static void applySetting(int which, String text) {
    if (text == null) {
      return;
    }
    byte[] text8 = Fields.utf8(text);
    byte[] problem = Native.applySetting(which, text8, text8.length);
    if (problem != null) {
      LOGGER.log(Level.WARNING, "ctxbridge: " + Fields.string(problem));
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

  /**
   * Starts or stops recording where each scope is opened, so that reports of {@link
   * Misuse#OUT_OF_ORDER} and {@link Misuse#LEAKED} name the {@code makeCurrent()} left open. Under
   * the Java agent with ctxbridge as its extension, the agent's copy records them.
   */
  public static void setAttachSites(boolean on) {
    DiagnosticsMXBean agent = agentBean();
    if (agent != null) {
      agent.setAttachSites(on);
    }
    setLocalAttachSites(on);
  }

  /** Whether attach sites are being recorded. */
  public static boolean attachSites() {
    DiagnosticsMXBean agent = agentBean();
    return agent != null ? agent.getAttachSites() : recordSites;
  }

  static void setLocalAttachSites(boolean on) {
    Native.setAttachSites(on);
    recordSites = on;
  }

  /**
   * How many received headers the propagator dropped, by the rule they broke ({@code
   * tracestate.key}, {@code baggage.value}, {@code baggage.limits}, ...; only rules that counted
   * any). The first drop of each rule is logged as a warning naming the rule, never the value.
   * {@link #resetStats()} zeroes these too.
   */
  public static Map<String, Long> droppedStats() {
    String[] fields = Fields.unpack(Native.droppedCounts());
    Map<String, Long> counts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < fields.length; i += 2) {
      counts.put(fields[i], Long.parseLong(fields[i + 1]));
    }
    return counts;
  }

  /** Logs each rule a received header was dropped for the first time (the core's words). */
  static void reportDrops() {
    for (String report : Fields.unpack(Native.takeDropReports())) {
      LOGGER.log(Level.WARNING, report);
    }
  }

  /** {@link #reportDrops} after an extract whose answer carries no pending bit. */
  static void reportPendingDrops() {
    if (Native.dropsPending()) {
      reportDrops();
    }
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
   * Frames of ctxbridge itself, of OpenTelemetry's context API (the app's, the Java agent's shaded
   * copy, and the agent's bridge between them) and of any {@code ContextStorage} are not the
   * caller. An instrumentation's frames are (the agent's {@code
   * io.opentelemetry.javaagent.instrumentation.*}, a library instrumentation's): when one leaks a
   * scope, it is the culprit to name.
   */
  private static boolean isLibrary(Class<?> type) {
    // A storage that wraps or delegates to this one (ContextStorage.addWrapper's, the test
    // SDK's settable one) is a layer of the storage, not the code that opened the scope.
    if (ContextStorage.class.isAssignableFrom(type)) {
      return true;
    }
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
