package io.ctxbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctxbridge.internal.NativeLibrary;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the library is found, and that the jar installs the storage by itself: each case starts a JVM
 * of its own, since a JVM loads a library once.
 */
class NativeLibraryTest {
  /** Runs {@code main} in a new JVM with the test class path minus sdk-testing; its output. */
  private static String run(String main, String... jvmArgs)
      throws IOException, InterruptedException {
    return runWith(main, List.of(), jvmArgs);
  }

  /** {@link #run} with {@code args} after the main class. */
  private static String runWith(String main, List<String> args, String... jvmArgs)
      throws IOException, InterruptedException {
    String classPath =
        Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(entry -> !entry.contains("opentelemetry-sdk-testing"))
            .collect(Collectors.joining(File.pathSeparator));
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("java.home") + "/bin/java");
    command.addAll(List.of(jvmArgs));
    command.addAll(List.of("-cp", classPath, main));
    command.addAll(args);
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

  @Test
  void eachBuildIsCopiedOnceAndReusedAndOldCopiesOfOtherBuildsGo(@TempDir Path tmp)
      throws Exception {
    Path dir =
        tmp.resolve(
            "ctxbridge-" + System.getProperty("user.name").replaceAll("[^A-Za-z0-9._-]", "_"));
    Files.createDirectories(dir);
    Path stale =
        Files.write(
            dir.resolve("libctxbridge_jni-00000000000000000000000000000000.so"), new byte[] {1});
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
    Path recent =
        Files.write(
            dir.resolve("libctxbridge_jni-11111111111111111111111111111111.so"), new byte[] {1});
    String[] jvm = {"-Djava.library.path=/nonexistent", "-Djava.io.tmpdir=" + tmp};

    assertEquals("jar", run(NativeLibrary.class.getName(), jvm));
    List<Path> copies = copies(dir);
    assertEquals(2, copies.size(), copies.toString()); // this build's, and the recent other one
    assertTrue(copies.contains(recent));
    Path copy = copies.stream().filter(p -> !p.equals(recent)).findFirst().orElseThrow();
    FileTime written = Files.getLastModifiedTime(copy);

    assertEquals("jar", run(NativeLibrary.class.getName(), jvm));
    assertEquals(copies, copies(dir));
    assertEquals(written, Files.getLastModifiedTime(copy), "the second JVM reuses the copy");

    // A copy whose content is not this build's (truncated, replaced) is written again.
    Files.write(copy, new byte[] {0});
    assertEquals("jar", run(NativeLibrary.class.getName(), jvm));
    assertTrue(Files.size(copy) > 1);
  }

  @Test
  void withoutALoadableLibraryOpenTelemetrysOwnStorageAndPropagatorsKeepWorking(@TempDir Path tmp)
      throws Exception {
    // A temporary directory that cannot be created (its parent is a file), even as root.
    Path file = Files.write(tmp.resolve("not-a-directory"), new byte[] {0});
    String out =
        run(
            FallbackProbe.class.getName(),
            "-Djava.library.path=/nonexistent",
            "-Djava.io.tmpdir=" + file.resolve("tmp"));
    List<String> lines = out.lines().toList();
    assertTrue(lines.contains("installed=false"), out);
    assertTrue(lines.contains("current=value"), out);
    assertTrue(lines.contains("propagated=00f067aa0ba902b7"), out);
    long warnings = lines.stream().filter(l -> l.contains("ctxbridge is not active")).count();
    assertEquals(1, warnings, out);
    assertTrue(out.contains("cannot write the native library to"), out);
  }

  /**
   * JDK 24 and later warn when a class on the class path loads a native library, unless native
   * access is enabled for it: the README's flag silences exactly that warning (run with the
   * machine's JDK 25 when it has one).
   */
  @Test
  void onJdk25TheReadmesFlagEnablesNativeAccessWithoutAWarning() throws Exception {
    Path java25 =
        Stream.of("/usr/lib/jvm/temurin-25-jdk-amd64", System.getenv("JAVA25_HOME"))
            .filter(home -> home != null && Files.isExecutable(Path.of(home, "bin", "java")))
            .map(home -> Path.of(home, "bin", "java"))
            .findFirst()
            .orElse(null);
    Assumptions.assumeTrue(java25 != null, "no JDK 25 on this machine");
    String classPath = System.getProperty("java.class.path");
    String warned = runJava(java25, "-cp", classPath, NativeLibrary.class.getName());
    assertTrue(warned.contains("restricted method"), warned);
    String enabled =
        runJava(
            java25,
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            classPath,
            NativeLibrary.class.getName());
    assertEquals("jar", enabled.lines().reduce((a, b) -> b).orElse(""), enabled);
    assertTrue(!enabled.contains("WARNING"), enabled);
  }

  private static String runJava(Path java, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add("-Djava.library.path=/nonexistent");
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    process.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, process.exitValue(), out);
    return out;
  }

  /**
   * Under the Java agent, ctxbridge is loaded twice in one JVM (the application's class loader and
   * the agent's extension loader), and a JVM loads one library file in one loader only.
   */
  @Test
  void twoClassLoadersInOneJvmEachLoadTheLibrary(@TempDir Path tmp) throws Exception {
    String out =
        run(
            TwoLoaders.class.getName(),
            "-Djava.library.path=/nonexistent",
            "-Djava.io.tmpdir=" + tmp);
    assertEquals("jar,jar", out.lines().reduce((a, b) -> b).orElse(""), out);
  }

  /** Loads the library through this class path's loader and through an isolated one. */
  public static final class TwoLoaders {
    public static void main(String[] args) throws Exception {
      String first = NativeLibrary.source();
      java.net.URL[] urls =
          Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
              .map(
                  entry -> {
                    try {
                      return Path.of(entry).toUri().toURL();
                    } catch (java.net.MalformedURLException e) {
                      throw new IllegalStateException(e);
                    }
                  })
              .toArray(java.net.URL[]::new);
      try (java.net.URLClassLoader isolated =
          new java.net.URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
        Class<?> again = isolated.loadClass(NativeLibrary.class.getName());
        Object second = again.getMethod("source").invoke(null);
        System.out.println(first + "," + second);
      }
    }
  }

  /** Uses OpenTelemetry's context and ctxbridge's providers with no loadable library. */
  public static final class FallbackProbe {
    public static void main(String[] args) {
      ContextKey<String> key = ContextKey.named("probe");
      try (Scope scope = Context.root().with(key, "value").makeCurrent()) {
        System.out.println("current=" + Context.current().get(key));
      }
      System.out.println("installed=" + CtxbridgeContextStorage.isInstalled());
      TextMapPropagator propagator = new CtxbridgePropagatorProvider().getPropagator(null);
      Map<String, String> carrier =
          Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
      Context extracted =
          propagator.extract(
              Context.root(),
              carrier,
              new TextMapGetter<Map<String, String>>() {
                @Override
                public Iterable<String> keys(Map<String, String> c) {
                  return c.keySet();
                }

                @Override
                public String get(Map<String, String> c, String k) {
                  return c == null ? null : c.get(k);
                }
              });
      System.out.println("propagated=" + Span.fromContext(extracted).getSpanContext().getSpanId());
      System.out.flush();
    }
  }

  private static List<Path> copies(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.sorted().toList();
    }
  }

  /** Prints whether OpenTelemetry picked ctxbridge's storage from META-INF/services. */
  public static final class StorageProbe {
    public static void main(String[] args) {
      System.out.println(CtxbridgeContextStorage.isInstalled());
    }
  }
}
