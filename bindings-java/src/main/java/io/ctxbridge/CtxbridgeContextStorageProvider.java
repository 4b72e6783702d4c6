package io.ctxbridge;

import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.context.ContextStorageProvider;

/**
 * Installs {@link CtxbridgeContextStorage} as OpenTelemetry's context storage. Registered in {@code
 * META-INF/services}: with this jar on the class path and no other provider, {@code Context} uses
 * it. With several providers, select it with {@code
 * -Dio.opentelemetry.context.contextStorageProvider=io.ctxbridge.CtxbridgeContextStorageProvider}.
 *
 * <p>Under the OpenTelemetry Java agent, the application's storage only forwards to the agent's,
 * which no provider can reach: ctxbridge gets there as an agent extension ({@code
 * -Dotel.javaagent.extensions=ctxbridge.jar}, see {@link CtxbridgeAgentListener}). When the agent
 * runs without it, ctxbridge says so once, as the agent wraps this storage.
 *
 * <p>When the native library cannot load (no copy for this platform, no writable temporary
 * directory), OpenTelemetry's default storage is used and the cause is logged once.
 */
public final class CtxbridgeContextStorageProvider implements ContextStorageProvider {
  @Override
  public ContextStorage get() {
    return LibraryCheck.usable("OpenTelemetry's default context storage")
        ? CtxbridgeContextStorage.get()
        : ContextStorage.defaultStorage();
  }
}
