package io.beamconnectors.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM options {@code bin/launcher} starts the launcher with. The script runs for real; the
 * {@code java} it starts is a stand-in ({@code fake-java}) that prints its arguments, so the test
 * needs no built jar.
 */
class LauncherScriptTest {
  @TempDir
  Path dir;

  private List<String> javaArguments(String javaOpts) throws IOException, InterruptedException {
    Path fakeJava = dir.resolve("fake-java");
    Files.writeString(fakeJava, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\"\n");
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path jar = Files.writeString(dir.resolve("launcher.jar"), "not a jar");
    ProcessBuilder pb = new ProcessBuilder("bash", "bin/launcher", "--version").redirectErrorStream(true);
    pb.environment().put("JAVA", fakeJava.toString());
    pb.environment().put("BC_LAUNCHER_JAR", jar.toString());
    pb.environment().remove("BC_LAUNCHER_JAVA_OPTS");
    if (javaOpts != null) {
      pb.environment().put("BC_LAUNCHER_JAVA_OPTS", javaOpts);
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bin/launcher did not end");
    assertEquals(0, p.exitValue(), out);
    return out.lines().toList();
  }

  @Test
  void startsTheLauncherWithTheParallelCollector() throws Exception {
    List<String> args = javaArguments(null);
    assertTrue(args.contains("-XX:+UseParallelGC"), args::toString);
    assertEquals(List.of("-jar", dir.resolve("launcher.jar").toString(), "--version"),
        args.subList(args.size() - 3, args.size()));
  }

  @Test
  void keepsTheParallelCollectorBesideOtherOptions() throws Exception {
    List<String> args = javaArguments("-Xmx3g -XX:+UseStringDeduplication");
    assertTrue(args.contains("-XX:+UseParallelGC"), args::toString);
    assertTrue(args.contains("-Xmx3g"), args::toString);
  }

  @Test
  void aCollectorChosenInTheOptionsReplacesIt() throws Exception {
    for (String chosen : List.of("-XX:+UseG1GC", "-Xmx2g -XX:+UseZGC", "-XX:+UseSerialGC")) {
      List<String> args = javaArguments(chosen);
      assertFalse(args.contains("-XX:+UseParallelGC"), args::toString);
      assertTrue(args.contains(chosen.substring(chosen.lastIndexOf(' ') + 1)), args::toString);
    }
  }
}
