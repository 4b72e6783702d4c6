package io.ctxbridge;

import io.ctxbridge.internal.Fields;
import io.ctxbridge.internal.Native;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.context.Scope;
import java.util.concurrent.Callable;

/**
 * A {@link ContextStorage} whose scopes follow ctxbridge's rules (DESIGN section 4), decided by the
 * Rust core:
 *
 * <ul>
 *   <li>closing the latest scope restores what was current before it;
 *   <li>closing an earlier scope ({@link Misuse#OUT_OF_ORDER}) also restores what was current
 *       before it; the scopes opened after it end with it (each counted as {@link Misuse#LEAKED}),
 *       and closing one of those later changes nothing. This differs, on purpose, from
 *       OpenTelemetry's default {@code ThreadLocalContextStorage}, which ignores a close whose
 *       context is not current (attach A, attach B, close A: B stays current; close B: A comes
 *       back), leaving a leaked scope current on a pooled thread;
 *   <li>closing a scope twice ({@link Misuse#DOUBLE_DETACH}) or on another thread ({@link
 *       Misuse#WRONG_SCOPE}) changes nothing;
 *   <li>every misuse is counted ({@link Diagnostics#stats()}) and logged once per call site ({@link
 *       Mode#WARN}) or thrown ({@link Mode#STRICT}).
 * </ul>
 *
 * <p>It is installed by having the jar on the class path: {@link CtxbridgeContextStorageProvider}
 * is registered in {@code META-INF/services}. The {@code Context} objects stay in Java; each attach
 * and close is one JNI call with {@code long}s.
 */
public final class CtxbridgeContextStorage implements ContextStorage {
  static final CtxbridgeContextStorage INSTANCE = new CtxbridgeContextStorage();

  private static final ThreadLocal<ThreadStack> STACKS = ThreadLocal.withInitial(ThreadStack::new);

  private CtxbridgeContextStorage() {}

  /** The storage (one per process, like the thread-local stacks it manages). */
  public static CtxbridgeContextStorage get() {
    return INSTANCE;
  }

  @Override
  public Scope attach(Context toAttach) {
    if (toAttach == null) {
      return Scope.noop();
    }
    ThreadStack stack = STACKS.get();
    // As OpenTelemetry's storage: attaching what is already current is a no-op scope, with
    // nothing to undo and no call into the core.
    if (stack.current() == toAttach) {
      return Scope.noop();
    }
    return push(stack, toAttach);
  }

  /**
   * Opens a scope for a task wrapper even when {@code context} is already current, so that the task
   * still gets rule 6's hygiene; null when this storage does not hold {@code context} as current
   * (another storage is in use).
   */
  ScopeFrame attachForTask(Context context) {
    ThreadStack stack = STACKS.get();
    return stack.current() == context ? push(stack, context) : null;
  }

  /**
   * The root context. Under the Java agent without ctxbridge as its extension, the agent wraps this
   * storage in its own, which asks for the root once: {@link AgentPresence} says then, once, that
   * ctxbridge's rules do not apply.
   */
  @Override
  public Context root() {
    if (AgentPresence.RUNNING) {
      AgentPresence.checkWrapping();
    }
    return ContextStorage.super.root();
  }

  @Override
  public Context current() {
    return STACKS.get().current();
  }

  private static ScopeFrame push(ThreadStack stack, Context context) {
    long id = Native.attach(stack.handle());
    if (Diagnostics.recordSites) {
      byte[] site = Fields.utf8(Diagnostics.callerSite());
      Native.noteSite(stack.handle(), site, site.length);
    }
    // The core pushed the new frame on the one current: one deeper.
    int depth = stack.depth() + 1;
    stack.attached(context, depth);
    return new ScopeFrame(id, depth, stack);
  }

  /** Undoes {@code frame}'s attach, as its thread's rules decide. */
  void close(ScopeFrame frame) {
    Misuse misuse = closeQuietly(frame);
    if (misuse != null) {
      Diagnostics.reportAtCaller(misuse);
    }
  }

  /** Closes {@code frame}; returns the misuse (already counted) or null. */
  private static Misuse closeQuietly(ScopeFrame frame) {
    // A close on the owning thread (the usual case) needs no ThreadLocal lookup.
    ThreadStack caller = frame.owner.thread == Thread.currentThread() ? frame.owner : STACKS.get();
    long answer = Native.detach(caller.handle(), frame.id);
    // The core's answer: the code in the low byte, the depth now current above it.
    long outcome = (byte) answer;
    if (outcome == Native.IN_ORDER) {
      caller.restore((int) (answer >>> 8));
      return null;
    }
    if (outcome == Native.OUT_OF_ORDER) {
      caller.restore((int) (answer >>> 8));
      return Misuse.OUT_OF_ORDER;
    }
    if (outcome == Native.DOUBLE_DETACH) {
      return Misuse.DOUBLE_DETACH;
    }
    if (outcome == Native.WRONG_SCOPE) {
      return Misuse.WRONG_SCOPE;
    }
    return null;
  }

  /**
   * Runs {@code task} as a task (DESIGN rule 6) on top of {@code own}, the scope its wrapper opened
   * on this thread: whatever the task leaves attached is closed and counted as {@link
   * Misuse#LEAKED}, then {@code own} is closed and what was current before it restored, whatever
   * the task did, so a pooled thread never carries one task's context into the next.
   */
  <T> T call(ScopeFrame own, Callable<T> task, Object site) throws Exception {
    ThreadStack stack = own.owner;
    long handle = stack.handle();
    int depth = Native.enterTask(handle, own.id);
    boolean completed = false;
    try {
      T result = task.call();
      completed = true;
      return result;
    } finally {
      long answer = Native.exitTask(handle, depth);
      // The core's answer: how many leaked (high 32 bits), the depth now current (low 32).
      long leaked = answer < 0 ? 0 : answer >>> 32;
      stack.restore(answer < 0 ? own.depth - 1 : (int) answer);
      if (leaked > 0) {
        try {
          Diagnostics.report(Misuse.LEAKED, "task " + site.getClass().getName());
        } catch (MisuseException strict) {
          // Strict mode throws after the task, but never hides the task's own exception.
          if (completed) {
            throw strict;
          }
        }
      }
    }
  }

  /**
   * Whether OpenTelemetry's {@code Context} uses this storage now, directly or through a storage
   * that delegates to it (as {@code opentelemetry-sdk-testing}'s settable one does).
   */
  public static boolean isInstalled() {
    try (Scope probe = ContextStorage.get().attach(Context.root())) {
      return probe instanceof ScopeFrame;
    }
  }
}
