package io.beamconnectors.deployment;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.CodeSource;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The shaded pipelines jar installed on a cluster's class path (a Flink node's {@code lib/}) instead
 * of staged with every job.
 *
 * <p>A job submitted that way carries only a marker jar: one entry, {@link #MARKER_RESOURCE}, the
 * SHA-256 of the jar the submitter built the job with. Workers load our classes from the installed
 * jar, so a job built by one build could run on another build's classes. Java serialization would
 * not say so: our classes fix their {@code serialVersionUID}, so a field added by a newer build is
 * silently dropped. {@link #verifyWorker} stops that: called before a worker opens Elasticsearch
 * (every read of the index state, lookup and write opens a client first), it compares the marker
 * with the jar its own classes came from and fails the job with a message naming the fix. Where
 * there is no marker (the DirectRunner, a staged jar, Dataflow) it does nothing.
 */
public final class InstalledJar {
  /** The marker's one entry: the hex SHA-256 of the jar the job was built with. */
  public static final String MARKER_RESOURCE = "META-INF/beam-connectors/installed-jar.sha256";

  /** Digests by path, size and modification time: a worker JVM hashes its jar once, not per client. */
  private static final Map<String, String> DIGESTS = new ConcurrentHashMap<>();

  private InstalledJar() {}

  /**
   * Fails when the current thread's class loader holds a marker whose digest is not that of the jar
   * this class was loaded from. A no-op without a marker.
   *
   * @throws IllegalStateException naming both digests and the fix
   */
  public static void verifyWorker() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    URL marker = loader == null ? null : loader.getResource(MARKER_RESOURCE);
    if (marker == null) {
      return;
    }
    String expected = readMarker(marker);
    Path own = ownJar();
    if (own == null) {
      throw new IllegalStateException("The job was submitted for a beam-connectors jar installed on the cluster"
          + " (runner.flink.jar_installed: true), but the worker's beam-connectors classes do not come from a jar: install"
          + " the shaded pipelines jar in every node's lib/ and restart them, or set runner.flink.jar_installed: false");
    }
    String actual = sha256(own);
    if (!actual.equals(expected)) {
      throw new IllegalStateException("The cluster's beam-connectors jar " + own + " (SHA-256 " + actual.substring(0, 12)
          + "...) is not the jar the launcher built this job with (runner.flink.jar, SHA-256 " + expected.substring(0, 12)
          + "...): copy the launcher's runner.flink.jar into every Flink node's lib/ and restart them, or set"
          + " runner.flink.jar_installed: false to stage the jar with each job");
    }
  }

  /**
   * The marker jar for {@code jar} in {@code directory}, written once per digest (named after it);
   * an existing one is reused.
   */
  public static Path writeMarker(Path jar, Path directory) throws IOException {
    String digest = sha256(jar);
    Path marker = directory.resolve("beam-connectors-installed-" + digest.substring(0, 16) + ".jar");
    if (Files.isRegularFile(marker)) {
      return marker;
    }
    Files.createDirectories(directory);
    Path partial = Files.createTempFile(directory, "marker", ".partial");
    try {
      Manifest manifest = new Manifest();
      manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
      try (OutputStream file = Files.newOutputStream(partial); JarOutputStream out = new JarOutputStream(file, manifest)) {
        out.putNextEntry(new JarEntry(MARKER_RESOURCE));
        out.write((digest + "\n").getBytes(StandardCharsets.US_ASCII));
        out.closeEntry();
      }
      Files.move(partial, marker, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
    return marker;
  }

  /** The hex SHA-256 of a file, remembered while its size and modification time stay the same. */
  public static String sha256(Path file) {
    String key;
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      key = file.toAbsolutePath().normalize() + "|" + a.size() + "|" + a.lastModifiedTime().toMillis();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
    }
    return DIGESTS.computeIfAbsent(key, k -> digest(file));
  }

  private static String digest(Path file) {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      byte[] buffer = new byte[1 << 16];
      while (in.read(buffer) >= 0) {
        // the digest sees every byte read
      }
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  private static String readMarker(URL marker) {
    try (InputStream in = marker.openStream()) {
      String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
      if (!text.matches("[0-9a-f]{64}")) {
        throw new IllegalStateException("The job's marker " + MARKER_RESOURCE + " holds no SHA-256: resubmit the job"
            + " from the launcher");
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the job's marker " + marker + ": " + e.getMessage(), e);
    }
  }

  /** The jar this class was loaded from, or null when it came from a directory or nowhere known. */
  static Path ownJar() {
    CodeSource source = InstalledJar.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return null;
    }
    try {
      Path p = Path.of(source.getLocation().toURI());
      return Files.isRegularFile(p) ? p : null;
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }
}
