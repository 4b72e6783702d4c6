package io.ctxbridge;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * One attach: the {@code Context} made current, the frame below it, and the id of its native frame.
 * It is the {@link Scope} {@code makeCurrent()} returns; {@code close()} undoes the attach under
 * the scope rules (DESIGN section 4).
 */
final class ScopeFrame implements Scope {
  final Context context;
  final ScopeFrame parent;
  final long id;
  final ThreadStack owner;

  ScopeFrame(Context context, ScopeFrame parent, long id, ThreadStack owner) {
    this.context = context;
    this.parent = parent;
    this.id = id;
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
