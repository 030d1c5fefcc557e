package io.beamconnectors.ftest.launcher;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The launcher as a real process (a JVM running the built classes of this reactor), its stdout
 * and stderr in files, stopped with SIGTERM ({@link #term}) or SIGKILL ({@link #kill}).
 */
final class LauncherProcess implements AutoCloseable {
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  final String name;
  final Path stdout;
  final Path stderr;
  private final Process process;

  private LauncherProcess(String name, Path stdout, Path stderr, Process process) {
    this.name = name;
    this.stdout = stdout;
    this.stderr = stderr;
    this.process = process;
  }

  /** The classpath of this test JVM (surefire's, which holds every module of the reactor). */
  static String classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isEmpty() ? cp : System.getProperty("java.class.path");
  }

  static List<String> command(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(JAVA);
    cmd.add("-Xmx768m");
    // Flink and Beam-on-Flink need Java 17's module flags, as bin/launcher gives them: this test
    // JVM's own (surefire's argLine, which runs embedded Flink too), and the Flink fixture's list.
    for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens=") || a.startsWith("--add-exports=")) {
        cmd.add(a);
      }
    }
    String flinkOpts = System.getenv("BC_FLINK_JAVA_OPTS");
    if (flinkOpts != null && !flinkOpts.isBlank()) {
      cmd.addAll(List.of(flinkOpts.trim().split("\\s+")));
    }
    cmd.add("-cp");
    cmd.add(classpath());
    cmd.add("io.beamconnectors.launcher.Launcher");
    cmd.addAll(args);
    return cmd;
  }

  static LauncherProcess start(String name, Path dir, List<String> args) throws IOException {
    Files.createDirectories(dir);
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    ProcessBuilder pb = new ProcessBuilder(command(args)).redirectOutput(out.toFile()).redirectError(err.toFile());
    return new LauncherProcess(name, out, err, pb.start());
  }

  /** A CLI run to its end. */
  record Result(int exitCode, String stdout, String stderr) {}

  static Result run(Path dir, String name, Duration timeout, List<String> args) throws Exception {
    Files.createDirectories(dir);
    File out = dir.resolve(name + ".out").toFile();
    File err = dir.resolve(name + ".err").toFile();
    Process p = new ProcessBuilder(command(args)).redirectOutput(out).redirectError(err).start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("launcher " + args + " did not end within " + timeout);
    }
    return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
        Files.readString(err.toPath(), StandardCharsets.UTF_8));
  }

  String log() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8) + Files.readString(stdout, StandardCharsets.UTF_8);
  }

  long count(Pattern p) throws IOException {
    return p.matcher(log()).results().count();
  }

  boolean alive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** SIGTERM, then waits for the exit. */
  int term(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("launcher " + name + " did not exit within " + timeout + " after SIGTERM");
    }
    return process.exitValue();
  }

  /** SIGKILL, then waits for the exit. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
