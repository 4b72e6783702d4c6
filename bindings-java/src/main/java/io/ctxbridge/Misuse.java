package io.ctxbridge;

/** A way of getting capture, attach and close wrong; each has a counter in {@link Stats}. */
public enum Misuse {
  /** Closed a scope that was not the latest open one on its thread. */
  OUT_OF_ORDER,
  /** Closed a scope that was already closed. */
  DOUBLE_DETACH,
  /** Closed a scope on another thread than the one that opened it. */
  WRONG_SCOPE,
  /** A task returned with scopes still open; its wrapper closed them. */
  LEAKED;

  /** The code the JNI library uses (1-based, in this order). */
  int code() {
    return ordinal() + 1;
  }
}
