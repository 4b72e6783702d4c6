package io.ctxbridge;

/**
 * ctxbridge's counters and mode over JMX, as {@value #OBJECT_NAME}. Published by the Java agent
 * extension ({@link CtxbridgeAgentListener}), whose copy of ctxbridge runs the agent's context
 * storage: the platform MBean server is the one place both the agent's class loader and the
 * application's can reach. {@link Diagnostics} reads it when the agent holds the storage, and
 * JConsole or any JMX client can too.
 */
public interface DiagnosticsMXBean {
  /** The object name the counters are published under. */
  String OBJECT_NAME = "io.ctxbridge:type=Diagnostics";

  /**
   * Every counter at one instant, in the order of {@link Stats}: attached, detached, out-of-order,
   * double-detach, wrong-scope, leaked.
   */
  long[] getCounters();

  /** Scopes opened. */
  long getAttached();

  /** Scopes closed in a way that took effect. */
  long getDetached();

  /** Closes of a scope that was not the latest open one. */
  long getOutOfOrder();

  /** Closes of a scope already closed. */
  long getDoubleDetach();

  /** Closes on another thread than the opening one. */
  long getWrongScope();

  /** Scopes a task left open, closed by its wrapper or by a close below them. */
  long getLeaked();

  /** {@code OFF}, {@code WARN} or {@code STRICT}. */
  String getMode();

  /** Sets the mode by name ({@code OFF}, {@code WARN} or {@code STRICT}). */
  void setMode(String mode);

  /** Whether each scope's opening site is recorded, for reports that name a leaked scope. */
  boolean getAttachSites();

  /** Starts or stops recording where each scope is opened. */
  void setAttachSites(boolean on);

  /** Sets every counter to zero and forgets which call sites were warned about. */
  void resetStats();
}
