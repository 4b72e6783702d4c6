package io.ctxbridge;

import io.ctxbridge.internal.NativeLibrary;
import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.javaagent.extension.AgentListener;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Makes this jar an extension of the OpenTelemetry Java agent: {@code
 * -javaagent:opentelemetry-javaagent.jar -Dotel.javaagent.extensions=ctxbridge.jar}.
 *
 * <p>The agent keeps the application's context in its own, shaded context storage (the
 * application's {@code ContextStorage} only forwards to it), loads that storage's providers from
 * its own class loader, and reads the provider property under a shaded name. So neither the jar's
 * {@code ContextStorageProvider} nor {@code -Dio.opentelemetry.context.contextStorageProvider} can
 * reach it. What does reach it is {@code ContextStorage.addWrapper}, called before the storage's
 * first use: the agent creates its listeners before it installs the SDK or any instrumentation, and
 * this one installs {@link CtxbridgeContextStorage} there. The agent loads extensions with their
 * OpenTelemetry references remapped to its shaded classes, so here {@code ContextStorage} is the
 * agent's.
 *
 * <p>The agent's own executor instrumentation then opens and closes each task's scope in
 * ctxbridge's storage: a scope a task leaves open on a pooled thread is ended by the close and
 * counted as leaked (DESIGN rule 3). The counters are published as the MXBean {@value
 * DiagnosticsMXBean#OBJECT_NAME}, which {@link Diagnostics#stats()} in the application reads when
 * the agent holds the storage.
 */
public final class CtxbridgeAgentListener implements AgentListener {
  private static final Logger LOGGER = Logger.getLogger("io.ctxbridge");

  /** Called by the agent's service loader, before the context storage is first used. */
  public CtxbridgeAgentListener() {
    Diagnostics.inAgentExtension = true;
    ContextStorage.addWrapper(
        agentStorage ->
            LibraryCheck.usable("the agent's context storage")
                ? CtxbridgeContextStorage.get()
                : agentStorage);
  }

  @Override
  public void afterAgent(AutoConfiguredOpenTelemetrySdk sdk) {
    if (NativeLibrary.failure() != null) {
      return; // said once already, when the storage was wrapped
    }
    if (!CtxbridgeContextStorage.isInstalled()) {
      LOGGER.log(
          Level.WARNING,
          "ctxbridge: the agent's context storage was in use before ctxbridge's extension was"
              + " loaded, so ctxbridge's scope rules are not applied; load ctxbridge as the only"
              + " context-storage extension (-Dotel.javaagent.extensions) and unset"
              + " otel.javaagent.testing.strict-context-stressor-millis");
      return;
    }
    DiagnosticsBean.publish();
    Metrics.register(); // the agent has set its SDK as the global one by now
  }
}
