package io.ctxbridge;

import io.ctxbridge.internal.NativeLibrary;
import java.util.logging.Level;

/**
 * Whether ctxbridge's native library loads, asked by each provider before it hands out anything
 * that needs it. When it cannot load, the provider leaves OpenTelemetry's own storage or
 * propagators in place and the application keeps working; the cause is logged once, as a warning.
 */
final class LibraryCheck {
  private static boolean warned;

  private LibraryCheck() {}

  /** True when the library is loaded; otherwise logs why (once) and returns false. */
  static synchronized boolean usable(String fallback) {
    if (NativeLibrary.available()) {
      return true;
    }
    if (!warned) {
      warned = true;
      Diagnostics.LOGGER.log(
          Level.WARNING,
          "ctxbridge is not active, "
              + fallback
              + " is used instead: "
              + NativeLibrary.failure().getMessage(),
          NativeLibrary.failure());
    }
    return false;
  }
}
