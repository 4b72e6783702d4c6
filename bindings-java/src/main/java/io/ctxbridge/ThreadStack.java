package io.ctxbridge;

import io.ctxbridge.internal.Native;
import io.opentelemetry.context.Context;
import java.lang.ref.Cleaner;
import java.util.Arrays;

/**
 * One thread's scopes: the native stack the rules run on, and the {@code Context}s attached on it,
 * by depth. Java keeps no stack of its own: the core answers each attach, close and task exit with
 * the depth of the frame now current, and {@link #current()} is {@code contexts[depth - 1]}, read
 * without crossing into Rust. Only its own thread touches it, through {@link
 * CtxbridgeContextStorage}'s {@code ThreadLocal}; the native stack is freed once the thread is gone
 * and this object is unreachable.
 */
final class ThreadStack {
  private static final Cleaner CLEANER = Cleaner.create();

  /** The thread this stack belongs to (virtual threads have their own). */
  final Thread thread = Thread.currentThread();

  /** The context attached at each depth (index depth - 1), up to {@link #depth}. */
  private Context[] contexts = new Context[8];

  /** The depth of the frame current now, as the core last said; 0 when nothing is attached. */
  private int depth;

  /** The native stack; created at the first attach so that reading current() costs no JNI. */
  private long handle;

  long handle() {
    long h = handle;
    if (h == 0) {
      h = Native.newScope();
      handle = h;
      CLEANER.register(this, new Free(h));
    }
    return h;
  }

  /** The context current on this thread, or null when nothing is attached. */
  Context current() {
    int d = depth;
    return d == 0 ? null : contexts[d - 1];
  }

  int depth() {
    return depth;
  }

  /** Records the context of a frame the core has just attached at {@code frameDepth}. */
  void attached(Context context, int frameDepth) {
    if (frameDepth > contexts.length) {
      contexts = Arrays.copyOf(contexts, Math.max(frameDepth, contexts.length * 2));
    }
    contexts[frameDepth - 1] = context;
    depth = frameDepth;
  }

  /**
   * Makes the frame at {@code frameDepth} current, as the core said after a close or a task's exit;
   * the contexts above it are let go.
   */
  void restore(int frameDepth) {
    int d = Math.max(0, Math.min(frameDepth, depth));
    Arrays.fill(contexts, d, depth, null);
    depth = d;
  }

  /** Frees a native stack; must not refer to the ThreadStack, or it would never run. */
  private static final class Free implements Runnable {
    private final long handle;

    Free(long handle) {
      this.handle = handle;
    }

    @Override
    public void run() {
      Native.freeScope(handle);
    }
  }
}
