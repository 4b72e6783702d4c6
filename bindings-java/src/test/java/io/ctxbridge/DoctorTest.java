package io.ctxbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The doctor through Java: recordings, options, bad input and the command line. */
class DoctorTest {
  private static final Path RECORDED =
      Path.of(System.getProperty("ctxbridge.vectors")).resolve("../doctor/recorded").normalize();

  @Test
  void recordingsAreReadAndOptionsReachTheRules() throws Exception {
    String text = Files.readString(RECORDED.resolve("java-work-queue.json"));
    List<Doctor.Finding> findings = Doctor.diagnose(text).findings();
    assertEquals(1, findings.size());
    Doctor.Finding finding = findings.get(0);
    assertEquals("broken-handoff", finding.shape());
    assertEquals("background_fulfillment", finding.span().name());
    assertEquals("validate_payment", finding.related().name());
    assertTrue(finding.fix().contains("ContextExecutors.wrap"), finding.fix());
    assertTrue(String.join("\n", finding.evidence()).contains("order.id=o-3001"));

    String late = Files.readString(RECORDED.resolve("python-late-consumer.json"));
    assertEquals(List.of(), Doctor.diagnose(late).findings());
    Doctor.Finding lateWork = Doctor.diagnose(late, "--late-after", "1s").findings().get(0);
    assertEquals("late-work", lateWork.shape());
    Doctor.Finding orphan =
        Doctor.diagnose(Files.readString(RECORDED.resolve("python-orphan.json"))).findings().get(0);
    assertNull(orphan.related());
  }

  @Test
  void badInputIsNamed() {
    IllegalArgumentException notJson =
        assertThrows(IllegalArgumentException.class, () -> Doctor.diagnose("{"));
    assertTrue(notJson.getMessage().startsWith("doctor: "), notJson.getMessage());
    IllegalArgumentException badOption =
        assertThrows(
            IllegalArgumentException.class, () -> Doctor.diagnose("", "--late-after", "x"));
    assertTrue(badOption.getMessage().contains("--late-after"), badOption.getMessage());
    NullPointerException nul =
        assertThrows(NullPointerException.class, () -> Doctor.diagnose((String) null));
    assertTrue(nul.getMessage().contains("Doctor.diagnose: json must not be null"));
    assertEquals(List.of(), Doctor.diagnose("").findings());
  }

  @Test
  void theCommandLineReportsAndGates() throws Exception {
    assertEquals(1, cli(RECORDED.resolve("java-work-queue.json").toString()));
    assertEquals(0, cli(RECORDED.resolve("java-correct.json").toString()));
    assertEquals(2, cli("--nope"));
  }

  private static int cli(String... args) throws Exception {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.ctxbridge.Doctor"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    if (process.exitValue() == 1) {
      assertTrue(output.contains("broken hand-off"), output);
    }
    return process.exitValue();
  }
}
