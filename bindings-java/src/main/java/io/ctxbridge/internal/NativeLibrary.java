package io.ctxbridge.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Loads the JNI library: from {@code java.library.path} when it is there (a system package, or a
 * library you built yourself), else from inside the jar ({@code /native/<os>-<arch>/}).
 *
 * <p>The JVM can only load files, so the jar's copy is written once per library build into {@code
 * <java.io.tmpdir>/ctxbridge-<user>/}, under a name made of its SHA-256: every JVM of that build
 * reuses it (after checking its content), a copy is written whole or not at all (a temporary file
 * moved into place), and copies of other builds older than a day are removed. A second class loader
 * in one JVM (the agent's extension loader beside the application's) gets a second copy, since a
 * JVM loads a file in one loader only. When the library cannot load, {@link #available()} says so
 * and {@link #failure()} says why; ctxbridge's providers then leave OpenTelemetry's own storage and
 * propagators in place.
 */
public final class NativeLibrary {
  /** The library's name as {@link System#loadLibrary} takes it. */
  public static final String NAME = "ctxbridge_jni";

  /** How many class loaders of one JVM may each load their own copy. */
  private static final int MAX_LOADERS = 8;

  /** How old another build's copy must be before it is removed (a JVM may be loading it). */
  private static final Duration STALE = Duration.ofDays(1);

  private static String source;
  private static UnsatisfiedLinkError failure;

  private NativeLibrary() {}

  /**
   * Loads the library once; later calls do nothing, or throw the same error again when it could not
   * load.
   */
  public static synchronized void load() {
    if (source != null) {
      return;
    }
    if (failure != null) {
      throw failure;
    }
    try {
      source = loadNow();
    } catch (UnsatisfiedLinkError error) {
      failure = error;
      throw error;
    }
  }

  /** Whether the library is loaded (loading it if needed); never throws. */
  public static synchronized boolean available() {
    try {
      load();
      return true;
    } catch (UnsatisfiedLinkError error) {
      return false;
    }
  }

  /** Why the library could not load, or null when it is loaded or not tried yet. */
  public static synchronized UnsatisfiedLinkError failure() {
    return failure;
  }

  private static String loadNow() {
    try {
      System.loadLibrary(NAME);
      return "java.library.path";
    } catch (UnsatisfiedLinkError notOnPath) {
      // Not installed: use the copy inside the jar.
    }
    String resource = resourcePath();
    byte[] library;
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
      library = in.readAllBytes();
    } catch (IOException e) {
      throw linkError("cannot read " + resource + " from the jar", e);
    }
    // A JVM loads one file in one class loader only, and ctxbridge can be loaded by two (the
    // application's and, under the Java agent, the agent's extension loader): each takes the
    // first copy of this build no other loader holds.
    for (int slot = 0; ; slot++) {
      Path copy;
      try {
        copy = extracted(library, slot);
      } catch (IOException e) {
        throw linkError(
            "cannot write the native library to "
                + copyDirectory()
                + " (set java.io.tmpdir to a writable directory, or put "
                + System.mapLibraryName(NAME)
                + " on java.library.path)",
            e);
      }
      try {
        System.load(copy.toAbsolutePath().toString());
        break;
      } catch (UnsatisfiedLinkError e) {
        String message = String.valueOf(e.getMessage());
        if (slot >= MAX_LOADERS - 1 || !message.contains("another classloader")) {
          throw e;
        }
      }
    }
    return "jar";
  }

  /**
   * The copy of {@code library} for the {@code slot}th class loader that loads it: the one already
   * there when its content matches.
   */
  static Path extracted(byte[] library, int slot) throws IOException {
    String file = System.mapLibraryName(NAME);
    int dot = file.lastIndexOf('.');
    String prefix = file.substring(0, dot) + "-";
    String suffix = file.substring(dot);
    String digest = sha256(library);
    Path dir = copyDirectory();
    createPrivateDirectory(dir);
    String build = prefix + digest.substring(0, 32);
    Path copy = dir.resolve(build + (slot == 0 ? "" : "-" + slot) + suffix);
    if (!Files.isRegularFile(copy) || !Arrays.equals(library, Files.readAllBytes(copy))) {
      Path partial = Files.createTempFile(dir, prefix, ".partial");
      try {
        Files.write(partial, library);
        try {
          Files.move(
              partial, copy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(partial, copy, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(partial);
      }
    }
    removeStale(dir, prefix, suffix, build);
    return copy;
  }

  /**
   * {@code <java.io.tmpdir>/ctxbridge-<user>}: one directory per user, so no one else writes it.
   */
  static Path copyDirectory() {
    String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
    return Path.of(System.getProperty("java.io.tmpdir"), "ctxbridge-" + user);
  }

  private static void createPrivateDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    try {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException raced) {
      // Another JVM made it first.
    }
  }

  /** Removes copies of other builds (and abandoned partial files) older than {@link #STALE}. */
  private static void removeStale(Path dir, String prefix, String suffix, String build) {
    FileTime before = FileTime.from(Instant.now().minus(STALE));
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, prefix + "*")) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        boolean ours = name.endsWith(suffix) || name.endsWith(".partial");
        boolean thisBuild = name.startsWith(build) && name.endsWith(suffix);
        if (ours && !thisBuild && Files.getLastModifiedTime(entry).compareTo(before) < 0) {
          Files.deleteIfExists(entry);
        }
      }
    } catch (IOException e) {
      // Best effort: a copy left behind costs disk, not correctness.
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static UnsatisfiedLinkError linkError(String message, Exception cause) {
    UnsatisfiedLinkError error = new UnsatisfiedLinkError("ctxbridge: " + message + ": " + cause);
    error.initCause(cause);
    return error;
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
