package io.ctxbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.javaagent.instrumentation.fake.LeakyInstrumentation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attach sites (issue 19): a report names the code that noticed the misuse; with attach sites
 * recorded it also names the {@code makeCurrent()} that was left open, at the line that made it.
 */
class AttachSitesTest {
  private static final Path LEAKY =
      Path.of(
          "src/test/java/io/opentelemetry/javaagent/instrumentation/fake/LeakyInstrumentation.java");
  private static final String LEAKY_CLASS = LeakyInstrumentation.class.getName();

  @BeforeEach
  void setUp() {
    TestSupport.reset();
  }

  @AfterEach
  void tearDown() {
    Diagnostics.setAttachSites(false);
    Diagnostics.setMode(Mode.WARN);
  }

  /** {@code Class.method(File.java:line)} of the line of the leaky instrumentation marked so. */
  private static String siteOf(String method, String marker) throws IOException {
    List<String> lines = Files.readAllLines(LEAKY);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(marker)) {
        return LEAKY_CLASS + "." + method + "(LeakyInstrumentation.java:" + (i + 1) + ")";
      }
    }
    throw new AssertionError("no line marked " + marker);
  }

  private static List<String> warningsOf(String misuse, Runnable work) {
    try (TestSupport.LogCapture log = new TestSupport.LogCapture()) {
      work.run();
      return log.messages().stream().filter(m -> m.contains(misuse)).toList();
    }
  }

  @Test
  void offByDefaultAndAReportNamesOnlyWhereTheMisuseWasNoticed() {
    assertFalse(Diagnostics.attachSites());
    List<String> warnings = warningsOf("out_of_order", LeakyInstrumentation::handle);
    assertEquals(1, warnings.size(), String.valueOf(warnings));
    assertTrue(warnings.get(0).contains("(at " + LEAKY_CLASS + ".handle("), warnings.get(0));
    assertFalse(warnings.get(0).contains("left open by"), warnings.get(0));
  }

  @Test
  void anOutOfOrderCloseNamesTheScopeLeftOpen() throws IOException {
    Diagnostics.setAttachSites(true);
    assertTrue(Diagnostics.attachSites());
    List<String> warnings = warningsOf("out_of_order", LeakyInstrumentation::handle);
    assertEquals(1, warnings.size(), String.valueOf(warnings));
    String attachSite = siteOf("handle", "LEAKY-ATTACH-LINE");
    assertTrue(
        warnings.get(0).endsWith("; left open by the attach at " + attachSite + ")"),
        warnings.get(0));
    assertEquals(1, Diagnostics.stats().leaked());
  }

  @Test
  void aTaskThatLeaksIsReportedWithTheScopeItOpened() throws IOException {
    Diagnostics.setAttachSites(true);
    List<String> warnings =
        warningsOf("leaked", ContextExecutors.wrap(LeakyInstrumentation::leakInTask));
    assertEquals(1, warnings.size(), String.valueOf(warnings));
    String attachSite = siteOf("leakInTask", "LEAKY-TASK-ATTACH-LINE");
    assertTrue(
        warnings.get(0).endsWith("left open by the attach at " + attachSite + ")"),
        warnings.get(0));
  }

  @Test
  void strictModeCarriesTheAttachSiteInTheException() throws IOException {
    Diagnostics.setAttachSites(true);
    Diagnostics.setMode(Mode.STRICT);
    MisuseException thrown = assertThrows(MisuseException.class, LeakyInstrumentation::handle);
    assertEquals(Misuse.OUT_OF_ORDER, thrown.misuse());
    assertTrue(
        thrown.getMessage().contains(siteOf("handle", "LEAKY-ATTACH-LINE")), thrown.getMessage());
  }

  /** Prints what the settings are once ctxbridge has read them (run in a JVM of its own). */
  public static final class SettingsProbe {
    public static void main(String[] args) {
      System.out.println(Diagnostics.attachSites() + " " + Diagnostics.mode());
    }
  }

  private static String probe(List<String> jvmArgs, String... env)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("java.home") + "/bin/java");
    command.addAll(jvmArgs);
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), SettingsProbe.class.getName()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(key -> key.startsWith("CTXBRIDGE_"));
    for (int i = 0; i < env.length; i += 2) {
      builder.environment().put(env[i], env[i + 1]);
    }
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), out);
    assertEquals(0, process.exitValue(), out);
    return out;
  }

  @Test
  void theSettingsComeFromPropertiesOrTheEnvironmentAndABadValueIsLogged() throws Exception {
    assertTrue(
        probe(List.of(), "CTXBRIDGE_ATTACH_SITES", "1", "CTXBRIDGE_MODE", "strict")
            .endsWith("true STRICT"));
    assertTrue(
        probe(List.of("-Dctxbridge.attachSites=true", "-Dctxbridge.mode=off"))
            .endsWith("true OFF"));
    String bad = probe(List.of("-Dctxbridge.attachSites=maybe", "-Dctxbridge.mode=loud"));
    assertTrue(bad.endsWith("false WARN"), bad);
    assertTrue(bad.contains("CTXBRIDGE_ATTACH_SITES=\"maybe\" is not a switch"), bad);
    assertTrue(bad.contains("CTXBRIDGE_MODE=\"loud\" is not a mode"), bad);
  }
}
