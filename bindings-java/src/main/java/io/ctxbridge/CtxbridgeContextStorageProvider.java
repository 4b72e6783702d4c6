package io.ctxbridge;

import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.context.ContextStorageProvider;

/**
 * Installs {@link CtxbridgeContextStorage} as OpenTelemetry's context storage. Registered in
 * {@code META-INF/services}: with this jar on the class path and no other provider, {@code
 * Context} uses it. With several providers, select it with {@code
 * -Dio.opentelemetry.context.contextStorageProvider=io.ctxbridge.CtxbridgeContextStorageProvider}.
 */
public final class CtxbridgeContextStorageProvider implements ContextStorageProvider {
  @Override
  public ContextStorage get() {
    return CtxbridgeContextStorage.get();
  }
}
