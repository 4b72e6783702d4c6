package io.ctxbridge;

import java.util.Objects;

/**
 * Argument checks at the call, with ctxbridge's own message naming the method and the parameter
 * ({@code ctxbridge: W3cCodecs.parseTraceparent: value must not be null}), so a wrong argument
 * fails where it is passed rather than later on another thread or inside OpenTelemetry.
 */
final class Args {
  private Args() {}

  static <T> T notNull(T value, String method, String parameter) {
    return Objects.requireNonNull(
        value, () -> "ctxbridge: " + method + ": " + parameter + " must not be null");
  }

  /** The array and each of its elements. */
  static <T> T[] noNulls(T[] values, String method, String parameter) {
    notNull(values, method, parameter);
    for (T value : values) {
      notNull(value, method, "every element of " + parameter);
    }
    return values;
  }

  /** The list and each of its elements. */
  static <T, L extends Iterable<T>> L noNulls(L values, String method, String parameter) {
    notNull(values, method, parameter);
    for (T value : values) {
      notNull(value, method, "every element of " + parameter);
    }
    return values;
  }
}
