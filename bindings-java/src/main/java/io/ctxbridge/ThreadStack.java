package io.ctxbridge;

import io.ctxbridge.internal.Native;
import java.lang.ref.Cleaner;

/**
 * One thread's stack of scopes: the Java frames (which hold the {@code Context}s) and the native
 * stack the rules run on. Only its own thread touches it, through {@link CtxbridgeContextStorage}'s
 * {@code ThreadLocal}; the native stack is freed once the thread is gone and this object is
 * unreachable.
 */
final class ThreadStack {
  private static final Cleaner CLEANER = Cleaner.create();

  /** The thread this stack belongs to (virtual threads have their own). */
  final Thread thread = Thread.currentThread();

  /** The top frame, or null when nothing is attached. Mirrors the native stack's top. */
  ScopeFrame head;

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
