package io.ctxbridge;

import io.opentelemetry.context.Scope;

/**
 * One attach, as the {@link Scope} {@code makeCurrent()} returns: the id of its native frame, its
 * depth on its thread's stack, and that stack. {@code close()} undoes the attach under the scope
 * rules (DESIGN section 4), which the core decides; the {@code Context}s themselves are in the
 * stack's array (see {@link ThreadStack}).
 */
final class ScopeFrame implements Scope {
  final long id;
  final int depth;
  final ThreadStack owner;

  ScopeFrame(long id, int depth, ThreadStack owner) {
    this.id = id;
    this.depth = depth;
    this.owner = owner;
  }

  @Override
  public void close() {
    CtxbridgeContextStorage.INSTANCE.close(this);
  }

  @Override
  public String toString() {
    return "ctxbridge scope " + Long.toHexString(id) + " on " + owner.thread.getName();
  }
}
