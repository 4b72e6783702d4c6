package io.ctxbridge;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.concurrent.Callable;

/**
 * Runs work in a captured context with task hygiene (DESIGN rule 6). With ctxbridge's storage
 * behind {@code Context}, what a task leaves attached is closed and counted as leaked (reported
 * under the task's class name); with another storage it runs as {@code Context.wrap} would.
 */
final class Tasks {
  private Tasks() {}

  static <T> T call(Context captured, Callable<T> task) throws Exception {
    return call(captured, task, task);
  }

  static void run(Context captured, Runnable task) {
    try {
      call(
          captured,
          () -> {
            task.run();
            return null;
          },
          task);
    } catch (RuntimeException | Error unchecked) {
      throw unchecked;
    } catch (Exception impossible) {
      // Runnable.run throws no checked exception.
      throw new IllegalStateException(impossible);
    }
  }

  private static <T> T call(Context captured, Callable<T> task, Object site) throws Exception {
    // Attached through whatever storage Context uses; when that is (or delegates to) ours,
    // the scope is our frame and the task gets the full hygiene.
    Scope own = captured.makeCurrent();
    if (own instanceof ScopeFrame frame && frame.owner.thread == Thread.currentThread()) {
      return CtxbridgeContextStorage.INSTANCE.call(frame, task, site);
    }
    if (own == Scope.noop()) {
      // Already current (a caller-runs or direct executor): the storage made no scope, but
      // the task must still not leave anything attached behind it.
      ScopeFrame frame = CtxbridgeContextStorage.INSTANCE.attachForTask(captured);
      if (frame != null) {
        return CtxbridgeContextStorage.INSTANCE.call(frame, task, site);
      }
    }
    try (own) {
      return task.call();
    }
  }
}
