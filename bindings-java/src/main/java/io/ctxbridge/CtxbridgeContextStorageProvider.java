package io.ctxbridge;

import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.context.ContextStorageProvider;
import java.util.logging.Level;

/**
 * Installs {@link CtxbridgeContextStorage} as OpenTelemetry's context storage. Registered in
 * {@code META-INF/services}: with this jar on the class path and no other provider, {@code
 * Context} uses it. With several providers, select it with {@code
 * -Dio.opentelemetry.context.contextStorageProvider=io.ctxbridge.CtxbridgeContextStorageProvider}.
 *
 * <p>Under the OpenTelemetry Java agent, the application's storage only forwards to the agent's,
 * which no provider can reach: ctxbridge gets there as an agent extension ({@code
 * -Dotel.javaagent.extensions=ctxbridge.jar}, see {@link CtxbridgeAgentListener}). When the agent
 * runs without it, this provider says so once.
 */
public final class CtxbridgeContextStorageProvider implements ContextStorageProvider {
  @Override
  public ContextStorage get() {
    if (AgentPresence.RUNNING && DiagnosticsBean.published() == null) {
      Diagnostics.LOGGER.log(
          Level.WARNING,
          "ctxbridge: the OpenTelemetry Java agent runs without ctxbridge as its extension,"
              + " so the agent's context storage holds the context and ctxbridge's scope rules,"
              + " task hygiene and counters do not apply; add ctxbridge's jar to the agent with"
              + " -Dotel.javaagent.extensions=<path to ctxbridge.jar>");
    }
    return CtxbridgeContextStorage.get();
  }
}
