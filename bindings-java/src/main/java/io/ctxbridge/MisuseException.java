package io.ctxbridge;

/** Thrown at a misuse in {@link Mode#STRICT}. The misuse is counted either way. */
public final class MisuseException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final Misuse misuse;

  public MisuseException(Misuse misuse, String message) {
    super(message);
    this.misuse = misuse;
  }

  /** Which misuse this is. */
  public Misuse misuse() {
    return misuse;
  }
}
