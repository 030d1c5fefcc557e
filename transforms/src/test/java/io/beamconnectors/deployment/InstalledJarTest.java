package io.beamconnectors.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link InstalledJar}: the marker a launcher stages instead of the jar, and the worker's check of
 * it. A worker is simulated as Flink makes one for a job whose jar is in {@code lib/}: this class
 * loaded from a jar by a loader of its own (the node's class path), with the thread's context class
 * loader (the job's) seeing only the marker.
 */
class InstalledJarTest {
  @TempDir
  Path dir;

  @Test
  void theMarkerHoldsTheJarsDigestAndIsWrittenOncePerDigest() throws Exception {
    Path jar = Files.writeString(dir.resolve("pipelines.jar"), "the pipelines");
    Path marker = InstalledJar.writeMarker(jar, dir.resolve("markers"));
    String digest = "e56b6d12d17aec09319d552d59197ebbe70ef81ce31e6b4ef274df6410cfeff7"; // printf 'the pipelines' | sha256sum
    try (JarFile j = new JarFile(marker.toFile())) {
      ZipEntry e = j.getEntry(InstalledJar.MARKER_RESOURCE);
      assertEquals(digest + "\n", new String(j.getInputStream(e).readAllBytes(), StandardCharsets.US_ASCII));
      assertEquals(2, j.stream().count(), "the manifest and the marker, nothing else");
    }
    assertTrue(marker.getFileName().toString().contains(digest.substring(0, 16)), marker.toString());
    assertEquals(marker, InstalledJar.writeMarker(jar, dir.resolve("markers")), "reused");
    try (var listing = Files.list(dir.resolve("markers"))) {
      assertEquals(1, listing.count(), "no partial file left behind");
    }
  }

  @Test
  void theDigestIsSha256AndFollowsTheFilesContent() throws Exception {
    Path f = Files.writeString(dir.resolve("a"), "abc");
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", InstalledJar.sha256(f));
    Files.writeString(f, "abcd");
    Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(1_000_000));
    assertEquals("88d4266fd4e6338d13b845fcf289579d209c897823b9217da3e161936f031589", InstalledJar.sha256(f),
        "a changed file is hashed again");
  }

  @Test
  void withoutAMarkerTheCheckDoesNothing() throws Exception {
    Path lib = installedJar();
    try (URLClassLoader node = new URLClassLoader(new URL[] {lib.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        URLClassLoader job = new URLClassLoader(new URL[0], node)) {
      verifyOn(node, job); // no exception
    }
  }

  @Test
  void aMarkerOfTheInstalledJarPasses() throws Exception {
    Path lib = installedJar();
    Path marker = InstalledJar.writeMarker(lib, dir.resolve("markers"));
    try (URLClassLoader node = new URLClassLoader(new URL[] {lib.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        URLClassLoader job = new URLClassLoader(new URL[] {marker.toUri().toURL()}, node)) {
      verifyOn(node, job);
    }
  }

  @Test
  void aMarkerOfAnotherBuildFailsTheWorkerNamingTheFix() throws Exception {
    Path lib = installedJar();
    Path other = Files.writeString(dir.resolve("launchers.jar"), "another build");
    Path marker = InstalledJar.writeMarker(other, dir.resolve("markers"));
    assertNotEquals(InstalledJar.sha256(lib), InstalledJar.sha256(other));
    try (URLClassLoader node = new URLClassLoader(new URL[] {lib.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        URLClassLoader job = new URLClassLoader(new URL[] {marker.toUri().toURL()}, node)) {
      InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> verifyOn(node, job));
      IllegalStateException cause = assertInstanceOf(IllegalStateException.class, e.getCause());
      String m = cause.getMessage();
      assertTrue(m.contains(lib.toString()), m);
      assertTrue(m.contains(InstalledJar.sha256(lib).substring(0, 12)), m);
      assertTrue(m.contains(InstalledJar.sha256(other).substring(0, 12)), m);
      assertTrue(m.contains("copy the launcher's runner.flink.jar into every Flink node's lib/"), m);
      assertTrue(m.contains("runner.flink.jar_installed: false"), m);
    }
  }

  @Test
  void aMarkerWhileTheClassesComeFromADirectoryFails() throws Exception {
    // This test's own InstalledJar comes from target/classes, as no installed jar would.
    Path marker = InstalledJar.writeMarker(Files.writeString(dir.resolve("x.jar"), "x"), dir);
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader job = new URLClassLoader(new URL[] {marker.toUri().toURL()}, before)) {
      Thread.currentThread().setContextClassLoader(job);
      IllegalStateException e = assertThrows(IllegalStateException.class, InstalledJar::verifyWorker);
      assertTrue(e.getMessage().contains("do not come from a jar"), e.getMessage());
      assertFalse(e.getMessage().contains("null"), e.getMessage());
    } finally {
      Thread.currentThread().setContextClassLoader(before);
    }
  }

  /** Calls the node's own InstalledJar.verifyWorker with the job's loader as the thread's context loader. */
  private static void verifyOn(ClassLoader node, ClassLoader job) throws Exception {
    Class<?> c = Class.forName(InstalledJar.class.getName(), true, node);
    assertEquals(node, c.getClassLoader(), "the check runs from the installed jar, not the test's class path");
    Method verify = c.getMethod("verifyWorker");
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(job);
    try {
      verify.invoke(null);
    } finally {
      Thread.currentThread().setContextClassLoader(before);
    }
  }

  /** A jar of this module's InstalledJar class, as a node's lib/ would hold it (among much else). */
  private Path installedJar() throws Exception {
    Path jar = dir.resolve("beam-connectors-pipelines-bundled.jar");
    String entry = InstalledJar.class.getName().replace('.', '/') + ".class";
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
      out.putNextEntry(new JarEntry(entry));
      try (var in = InstalledJar.class.getClassLoader().getResourceAsStream(entry)) {
        in.transferTo(out);
      }
      out.closeEntry();
    }
    return jar;
  }
}
