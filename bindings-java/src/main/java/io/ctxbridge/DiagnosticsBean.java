package io.ctxbridge;

import io.ctxbridge.internal.Native;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.logging.Level;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The {@link DiagnosticsMXBean} of this copy of ctxbridge, and the lookup of the one the Java agent
 * extension published.
 */
final class DiagnosticsBean implements DiagnosticsMXBean {
  private DiagnosticsBean() {}

  /** Publishes this copy's counters (the agent extension's copy does, at startup). */
  static void publish() {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try {
      server.registerMBean(new DiagnosticsBean(), new ObjectName(OBJECT_NAME));
    } catch (InstanceAlreadyExistsException published) {
      // Published already.
    } catch (JMException e) {
      Diagnostics.LOGGER.log(Level.WARNING, "ctxbridge: cannot publish " + OBJECT_NAME, e);
    }
  }

  /** The published bean, or null when no copy of ctxbridge published one. */
  static DiagnosticsMXBean published() {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try {
      ObjectName name = new ObjectName(OBJECT_NAME);
      return server.isRegistered(name)
          ? JMX.newMXBeanProxy(server, name, DiagnosticsMXBean.class)
          : null;
    } catch (JMException e) {
      return null;
    }
  }

  @Override
  public long[] getCounters() {
    return Native.stats();
  }

  @Override
  public long getAttached() {
    return Diagnostics.localStats().attached();
  }

  @Override
  public long getDetached() {
    return Diagnostics.localStats().detached();
  }

  @Override
  public long getOutOfOrder() {
    return Diagnostics.localStats().outOfOrder();
  }

  @Override
  public long getDoubleDetach() {
    return Diagnostics.localStats().doubleDetach();
  }

  @Override
  public long getWrongScope() {
    return Diagnostics.localStats().wrongScope();
  }

  @Override
  public long getLeaked() {
    return Diagnostics.localStats().leaked();
  }

  @Override
  public String getMode() {
    return Diagnostics.localMode().name();
  }

  @Override
  public void setMode(String mode) {
    Args.notNull(mode, "DiagnosticsMXBean.setMode", "mode");
    Mode parsed;
    try {
      parsed = Mode.valueOf(mode.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException unknown) {
      throw new IllegalArgumentException(
          "ctxbridge: DiagnosticsMXBean.setMode: mode must be OFF, WARN or STRICT, not " + mode);
    }
    Diagnostics.setLocalMode(parsed);
  }

  @Override
  public boolean getAttachSites() {
    return Diagnostics.recordSites;
  }

  @Override
  public void setAttachSites(boolean on) {
    Diagnostics.setLocalAttachSites(on);
  }

  @Override
  public void resetStats() {
    Diagnostics.resetLocalStats();
  }
}
