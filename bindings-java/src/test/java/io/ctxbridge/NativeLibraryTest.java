package io.ctxbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ctxbridge.internal.NativeLibrary;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * How the library is found, and that the jar installs the storage by itself: each case starts a JVM
 * of its own, since a JVM loads a library once.
 */
class NativeLibraryTest {
  /** Runs {@code main} in a new JVM with the test class path minus sdk-testing; its output. */
  private static String run(String main, String... jvmArgs)
      throws IOException, InterruptedException {
    String classPath =
        Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(entry -> !entry.contains("opentelemetry-sdk-testing"))
            .collect(Collectors.joining(File.pathSeparator));
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("java.home") + "/bin/java");
    command.addAll(List.of(jvmArgs));
    command.addAll(List.of("-cp", classPath, main));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    process.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, process.exitValue(), out);
    return out;
  }

  @Test
  void loadsFromTheJarWhenNotOnTheLibraryPath() throws Exception {
    assertEquals("jar", run(NativeLibrary.class.getName(), "-Djava.library.path=/nonexistent"));
  }

  @Test
  void prefersTheLibraryPath() throws Exception {
    String dir = System.getProperty("ctxbridge.nativeDir");
    assertEquals(
        "java.library.path", run(NativeLibrary.class.getName(), "-Djava.library.path=" + dir));
  }

  @Test
  void theJarAloneInstallsCtxbridgesStorage() throws Exception {
    assertEquals("true", run(StorageProbe.class.getName()));
  }

  /** Prints whether OpenTelemetry picked ctxbridge's storage from META-INF/services. */
  public static final class StorageProbe {
    public static void main(String[] args) {
      System.out.println(CtxbridgeContextStorage.isInstalled());
    }
  }
}
