package io.ctxbridge.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ctxbridge under the real OpenTelemetry Java agent ({@code ctxbridge.javaagent}, which Maven
 * downloads into {@code target/javaagent/}): {@link AgentApp} runs in a JVM of its own, once with
 * ctxbridge's jar as the agent's extension and {@code otel.propagators=ctxbridge}, once without.
 */
class AgentExtensionTest {
  private static Path extension;

  /** The jar the user passes to the agent: this build's classes (with the JNI library). */
  @BeforeAll
  static void packExtension() throws IOException {
    Path classes = Path.of(System.getProperty("ctxbridge.classes"));
    extension = classes.resolveSibling("agent-test").resolve("ctxbridge.jar");
    Files.createDirectories(extension.getParent());
    try (OutputStream file = Files.newOutputStream(extension);
        JarOutputStream jar = new JarOutputStream(file);
        Stream<Path> entries = Files.walk(classes)) {
      for (Path entry : (Iterable<Path>) entries.filter(Files::isRegularFile)::iterator) {
        String name = classes.relativize(entry).toString().replace(File.separatorChar, '/');
        jar.putNextEntry(new JarEntry(name));
        Files.copy(entry, jar);
        jar.closeEntry();
      }
    }
  }

  /** Runs {@link AgentApp} under the agent with {@code jvmArgs}; its output, line by line. */
  private static Run run(String... jvmArgs) throws IOException, InterruptedException {
    // The application's class path: ctxbridge and the OpenTelemetry API, nothing of the SDK.
    String classPath =
        Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(
                entry ->
                    !entry.endsWith(".jar")
                        || entry.contains("opentelemetry-api-")
                        || entry.contains("opentelemetry-context-")
                        || entry.contains("opentelemetry-common-"))
            .collect(Collectors.joining(File.pathSeparator));
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("java.home") + "/bin/java");
    command.add("-javaagent:" + System.getProperty("ctxbridge.javaagent"));
    command.addAll(
        List.of(
            "-Dotel.traces.exporter=none",
            "-Dotel.metrics.exporter=none",
            "-Dotel.logs.exporter=none"));
    command.addAll(List.of(jvmArgs));
    command.addAll(List.of("-cp", classPath, AgentApp.class.getName()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), out);
    assertEquals(0, process.exitValue(), out);
    Map<String, String> values = new HashMap<>();
    for (String line : out.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0 && !line.contains(" ")) {
        values.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return new Run(out, values);
  }

  private record Run(String output, Map<String, String> values) {
    String get(String key) {
      assertTrue(values.containsKey(key), "no " + key + " in:\n" + output);
      return values.get(key);
    }
  }

  @Test
  void withTheExtensionCtxbridgeRunsTheAgentsStorageAndPropagator() throws Exception {
    Run run = run("-Dotel.javaagent.extensions=" + extension, "-Dotel.propagators=ctxbridge");
    // The agent started with otel.propagators=ctxbridge (an unknown name stops it) and traces.
    String request = run.get("request");
    assertNotEquals("00000000000000000000000000000000-0000000000000000", request);
    // The pooled task ran in the submitter's context: the request span is current there.
    assertEquals(request, run.get("task.current"));
    // What the task left open did not reach the next task on the same thread...
    assertEquals("null", run.get("next.leaked"));
    assertEquals("false", run.get("next.span.valid"));
    // The same through ctxbridge's wrapper.
    assertEquals(run.get("second"), run.get("wrapped.current"));
    assertEquals("null", run.get("wrapped.next.leaked"));
    // ...and ctxbridge counted both: the task's scope was closed under the leaked one (out
    // of order), which ended the leaked scope (leaked).
    String[] stats = run.get("stats").split(",");
    assertEquals("2", stats[2], run.output());
    assertEquals("2", stats[3], run.output());
    assertTrue(run.output().contains("ctxbridge out_of_order"), run.output());
    // The global propagator (ctxbridge's, through the agent) continued a remote trace.
    assertTrue(run.get("server").startsWith("4bf92f3577b34da6a3ce929d0e0e4736-"), run.output());
    assertFalse(run.output().contains("without ctxbridge as its extension"), run.output());
  }

  @Test
  void withTheExtensionTheCountersReachTheAgentsMetricsPipeline() throws Exception {
    // The agent's logging exporter prints each metric when the SDK shuts down with the JVM.
    Run run =
        run(
            "-Dotel.javaagent.extensions=" + extension,
            "-Dotel.metrics.exporter=logging",
            "-Dotel.metric.export.interval=600000");
    String[] stats = run.get("stats").split(",");
    String out = run.output();
    assertTrue(out.contains("name=ctxbridge.context.misuse"), out);
    assertTrue(
        out.contains("attributes={ctxbridge.misuse.kind=\"out_of_order\"}, value=" + stats[2]),
        out);
    assertTrue(
        out.contains("attributes={ctxbridge.misuse.kind=\"leaked\"}, value=" + stats[3]), out);
  }

  @Test
  void withoutTheExtensionItSaysWhichPropertyToSet() throws Exception {
    Run run = run();
    assertTrue(
        run.output().contains("-Dotel.javaagent.extensions=<path to ctxbridge.jar>"), run.output());
    String warning = "without ctxbridge as its extension";
    assertEquals(1, run.output().split(warning, -1).length - 1, run.output());
    // The agent's own storage still propagates into the pool; nothing is counted.
    assertEquals(run.get("request"), run.get("task.current"));
    assertEquals(run.get("second"), run.get("wrapped.current"));
    assertEquals("0,0,0,0", run.get("stats"));
  }

  @Test
  void anAgentThatFailedToStartLeavesCtxbridgesStorageInUseAndSaysNothing() throws Exception {
    // Without the extension, ctxbridge is a propagator name the agent does not know: it
    // stops before installing anything, and the application runs on ctxbridge's storage.
    Run run = run("-Dotel.propagators=ctxbridge");
    String refused = "Unrecognized value for otel.propagators: ctxbridge";
    assertTrue(run.output().contains(refused), run.output());
    assertFalse(run.output().contains("without ctxbridge as its extension"), run.output());
    // No agent carries the context into the plain pool; ctxbridge's wrapper does, and cleans
    // up after the task that leaked (counted by this copy of ctxbridge).
    assertEquals("null", run.get("wrapped.next.leaked"));
    assertEquals("1", run.get("stats").split(",")[3], run.output());
  }
}
