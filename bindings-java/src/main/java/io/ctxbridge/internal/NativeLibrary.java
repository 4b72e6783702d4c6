package io.ctxbridge.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Loads the JNI library: from {@code java.library.path} when it is there (a system package, or a
 * library you built yourself), else from inside the jar ({@code /native/<os>-<arch>/}), copied to a
 * temporary file first because the JVM can only load files.
 */
public final class NativeLibrary {
  /** The library's name as {@link System#loadLibrary} takes it. */
  public static final String NAME = "ctxbridge_jni";

  private static String source;

  private NativeLibrary() {}

  /** Loads the library once; later calls do nothing. */
  public static synchronized void load() {
    if (source != null) {
      return;
    }
    try {
      System.loadLibrary(NAME);
      source = "java.library.path";
      return;
    } catch (UnsatisfiedLinkError notOnPath) {
      // Not installed: use the copy inside the jar.
    }
    String resource = resourcePath();
    try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new UnsatisfiedLinkError(
            "ctxbridge: no native library for "
                + platform()
                + ": neither "
                + System.mapLibraryName(NAME)
                + " on java.library.path nor "
                + resource
                + " in the jar");
      }
      String file = System.mapLibraryName(NAME);
      int dot = file.lastIndexOf('.');
      Path copy = Files.createTempFile(file.substring(0, dot) + "-", file.substring(dot));
      copy.toFile().deleteOnExit();
      Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
      System.load(copy.toAbsolutePath().toString());
      source = "jar";
    } catch (IOException e) {
      UnsatisfiedLinkError error =
          new UnsatisfiedLinkError("ctxbridge: cannot extract " + resource + ": " + e);
      error.initCause(e);
      throw error;
    }
  }

  /** Where the library was loaded from: {@code "java.library.path"} or {@code "jar"}. */
  public static synchronized String source() {
    load();
    return source;
  }

  /** The resource the jar holds the library at, for this platform. */
  static String resourcePath() {
    return "/native/" + platform() + "/" + System.mapLibraryName(NAME);
  }

  /** {@code linux-x86_64}, {@code macos-aarch64}, ...: the jar's folder for this platform. */
  static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String osName =
        os.startsWith("mac") || os.startsWith("darwin")
            ? "macos"
            : os.startsWith("windows") ? "windows" : os.replace(' ', '_');
    String archName =
        switch (arch) {
          case "amd64", "x86_64", "x64" -> "x86_64";
          case "aarch64", "arm64" -> "aarch64";
          default -> arch;
        };
    return osName + "-" + archName;
  }

  /** Prints where the library was loaded from (used by a test that starts its own JVM). */
  public static void main(String[] args) {
    System.out.println(source());
  }
}
