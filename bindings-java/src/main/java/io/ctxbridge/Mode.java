package io.ctxbridge;

/** What happens at a misuse besides counting it (DESIGN section 4, rule 8). */
public enum Mode {
  /** Count only. */
  OFF,
  /** Count, and log once per call site through {@code java.util.logging} (the default). */
  WARN,
  /** Count, and throw {@link MisuseException} at the misuse. */
  STRICT
}
