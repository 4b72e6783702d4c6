package io.ctxbridge;

/**
 * The diagnostics counters, process-wide and shared with every ctxbridge binding loaded in the
 * process.
 *
 * @param attached scopes opened
 * @param detached scopes closed in a way that took effect (in order, or out of order)
 * @param outOfOrder closes of a scope that was not the latest open one
 * @param doubleDetach closes of a scope already closed
 * @param wrongScope closes on another thread than the opening one
 * @param leaked scopes a task left open, closed by its wrapper
 */
public record Stats(
    long attached,
    long detached,
    long outOfOrder,
    long doubleDetach,
    long wrongScope,
    long leaked) {

  /** The counter for {@code misuse}. */
  public long count(Misuse misuse) {
    return switch (misuse) {
      case OUT_OF_ORDER -> outOfOrder;
      case DOUBLE_DETACH -> doubleDetach;
      case WRONG_SCOPE -> wrongScope;
      case LEAKED -> leaked;
    };
  }
}
