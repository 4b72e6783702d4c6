package io.ctxbridge.bench;

import io.ctxbridge.CtxbridgeContextStorage;
import io.ctxbridge.Diagnostics;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.context.StorageAccess;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One attach and its close, on OpenTelemetry's default thread-local storage, on its {@code
 * StrictContextStorage} (which catches misuse by recording a stack trace per attach), and on
 * ctxbridge's storage (which catches it with the core's rules), in one run. DESIGN section 8:
 * ctxbridge at least 10x faster than strict. {@code ctxbridge+sites} is ctxbridge with attach sites
 * recorded (a stack walk per attach), the opt-in mode that names a leaked scope where it was
 * opened, as strict does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ScopeBenchmark {
  private static final ContextKey<String> KEY = ContextKey.named("bench");

  @Param({"default", "strict", "ctxbridge", "ctxbridge+sites"})
  public String storage;

  private ContextStorage contextStorage;
  private Context context;

  @Setup
  public void setUp() {
    contextStorage =
        switch (storage) {
          case "default" -> ContextStorage.defaultStorage();
          case "strict" -> StorageAccess.strict(ContextStorage.defaultStorage());
          default -> CtxbridgeContextStorage.get();
        };
    context = Context.root().with(KEY, "value");
    Diagnostics.setAttachSites(storage.equals("ctxbridge+sites"));
  }

  @Benchmark
  public Context attachAndClose() {
    try (io.opentelemetry.context.Scope ignored = contextStorage.attach(context)) {
      return contextStorage.current();
    }
  }
}
