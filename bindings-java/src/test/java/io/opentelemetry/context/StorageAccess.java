package io.opentelemetry.context;

/**
 * For the benchmarks only: OpenTelemetry's {@code StrictContextStorage} is package-private, so this
 * class sits in its package (on the test class path) to build one.
 */
public final class StorageAccess {
  private StorageAccess() {}

  /** OpenTelemetry's strict storage (a stack trace per attach) over {@code delegate}. */
  public static ContextStorage strict(ContextStorage delegate) {
    return StrictContextStorage.create(delegate);
  }
}
