package io.ctxbridge;

import io.opentelemetry.context.Context;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Executors that carry the submitter's context into their tasks: the context is captured when a
 * task is submitted (never inside the worker), the task runs in it, and whatever the task leaves
 * attached is closed and counted when it returns (DESIGN rule 6), so a pooled thread never carries
 * one task's context into the next.
 *
 * <pre>{@code
 * ExecutorService pool = ContextExecutors.wrap(Executors.newFixedThreadPool(4));
 * try (Scope s = span.makeCurrent()) {
 *   pool.submit(() -> fulfil(order));          // spans in fulfil are children of span
 * }
 * CompletableFuture.supplyAsync(this::load, pool)
 *     .thenApplyAsync(this::price, pool);      // each stage keeps the context
 * }</pre>
 */
public final class ContextExecutors {
  private ContextExecutors() {}

  /** An executor whose tasks run in the context current where they were submitted. */
  public static Executor wrap(Executor executor) {
    Args.notNull(executor, "ContextExecutors.wrap", "executor");
    if (executor instanceof ScheduledExecutorService scheduled) {
      return wrap(scheduled);
    }
    if (executor instanceof ExecutorService service) {
      return wrap(service);
    }
    return new ContextExecutor(executor);
  }

  /** An executor service whose tasks run in the context current where they were submitted. */
  public static ExecutorService wrap(ExecutorService executor) {
    Args.notNull(executor, "ContextExecutors.wrap", "executor");
    if (executor instanceof ScheduledExecutorService scheduled) {
      return wrap(scheduled);
    }
    return executor instanceof ContextExecutorService
        ? executor
        : new ContextExecutorService(executor);
  }

  /**
   * A scheduled executor whose tasks run in the context current where they were scheduled. Periodic
   * tasks run every time in the context captured when they were scheduled.
   */
  public static ScheduledExecutorService wrap(ScheduledExecutorService executor) {
    Args.notNull(executor, "ContextExecutors.wrap", "executor");
    return executor instanceof ContextScheduledExecutorService
        ? executor
        : new ContextScheduledExecutorService(executor);
  }

  /** Captures the current context now; the returned runnable runs {@code task} in it. */
  public static Runnable wrap(Runnable task) {
    Args.notNull(task, "ContextExecutors.wrap", "task");
    return wrap(Context.current(), task);
  }

  /** Captures the current context now; the returned callable runs {@code task} in it. */
  public static <T> Callable<T> wrap(Callable<T> task) {
    Args.notNull(task, "ContextExecutors.wrap", "task");
    return wrap(Context.current(), task);
  }

  /** A runnable that runs {@code task} in {@code context}, with task hygiene. */
  public static Runnable wrap(Context context, Runnable task) {
    Args.notNull(context, "ContextExecutors.wrap", "context");
    Args.notNull(task, "ContextExecutors.wrap", "task");
    return new ContextRunnable(context, task);
  }

  /** A callable that runs {@code task} in {@code context}, with task hygiene. */
  public static <T> Callable<T> wrap(Context context, Callable<T> task) {
    Args.notNull(context, "ContextExecutors.wrap", "context");
    Args.notNull(task, "ContextExecutors.wrap", "task");
    return new ContextCallable<>(context, task);
  }

  /** Runs {@code task} now, on this thread, in {@code context}, with task hygiene. */
  public static void runIn(Context context, Runnable task) {
    Args.notNull(context, "ContextExecutors.runIn", "context");
    Args.notNull(task, "ContextExecutors.runIn", "task");
    Tasks.run(context, task);
  }

  /** Calls {@code task} now, on this thread, in {@code context}, with task hygiene. */
  public static <T> T callIn(Context context, Callable<T> task) throws Exception {
    Args.notNull(context, "ContextExecutors.callIn", "context");
    Args.notNull(task, "ContextExecutors.callIn", "task");
    return Tasks.call(context, task);
  }

  private record ContextRunnable(Context context, Runnable task) implements Runnable {
    @Override
    public void run() {
      Tasks.run(context, task);
    }
  }

  private record ContextCallable<T>(Context context, Callable<T> task) implements Callable<T> {
    @Override
    public T call() throws Exception {
      return Tasks.call(context, task);
    }
  }

  private record ContextExecutor(Executor delegate) implements Executor {
    @Override
    public void execute(Runnable command) {
      delegate.execute(wrap(command));
    }
  }
}
