package io.beamconnectors.ftest.flinkcluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamconnectors.ftest.support.FixtureEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A full sync exactly as a user runs it: {@code java <add-opens> -cp <bundled jar>
 * io.beamconnectors.pipelines.FullSyncPipeline ...} in a JVM of its own, on the DirectRunner or
 * submitted to the Flink session cluster. The outcome is the exit code and the summary JSON the
 * command writes; the child's output goes to {@code target/flink-cluster/<label>.log}.
 */
final class BundledJarSync {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path LOG_DIR = Path.of("target", "flink-cluster");

  /** What a finished run left: its exit code, its summary counters (empty when it wrote none), its log. */
  record Outcome(String label, int exitCode, Map<String, Long> counters, boolean clean, Path log) {
    long get(String counter) {
      Long v = counters.get(counter);
      if (v == null) {
        throw new AssertionError(label + ": no counter '" + counter + "' in the summary " + counters + " (log " + log + ")");
      }
      return v;
    }

    /** The last lines of the child's output, for assertion messages. */
    String tail() {
      try {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
      } catch (IOException e) {
        return "(no log: " + e + ")";
      }
    }
  }

  /** A child JVM that is still running. */
  final class Running {
    private final Process process;
    private final Path configFile;
    private final Path summaryFile;
    private final Path log;

    private Running(Process process, Path configFile, Path summaryFile, Path log) {
      this.process = process;
      this.configFile = configFile;
      this.summaryFile = summaryFile;
      this.log = log;
    }

    boolean isAlive() {
      return process.isAlive();
    }

    Outcome await(Duration timeout) throws IOException, InterruptedException {
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor();
          throw new AssertionError(label + " did not finish within " + timeout + " (log " + log + ")");
        }
        Map<String, Long> counters = new TreeMap<>();
        boolean clean = false;
        if (Files.size(summaryFile) > 0) {
          JsonNode summary = JSON.readTree(summaryFile.toFile());
          summary.path("counters").fields().forEachRemaining(e -> counters.put(e.getKey(), e.getValue().asLong()));
          clean = summary.path("clean").asBoolean(false);
        }
        return new Outcome(label, process.exitValue(), counters, clean, log);
      } finally {
        Files.deleteIfExists(configFile);
        Files.deleteIfExists(summaryFile);
      }
    }
  }

  private final String serviceType;
  private final String index;
  private final Map<String, Object> config;
  private final List<String> jvmArgs;
  private final List<String> runnerArgs;
  private final String label;

  private BundledJarSync(String serviceType, String index, Map<String, Object> config, List<String> jvmArgs,
      List<String> runnerArgs, String label) {
    this.serviceType = serviceType;
    this.index = index;
    this.config = Map.copyOf(config);
    this.jvmArgs = List.copyOf(jvmArgs);
    this.runnerArgs = List.copyOf(runnerArgs);
    this.label = label;
  }

  /**
   * On the DirectRunner, in the child JVM, in another locale than the cluster's TaskManager (Turkish:
   * dotless i in case mappings, comma decimals): the two indices must still agree.
   */
  static BundledJarSync onDirectRunner(String serviceType, String index, Map<String, Object> config, String label) {
    return onDirectRunner(serviceType, index, config, label, List.of("-Duser.language=tr", "-Duser.country=TR"));
  }

  /** On the DirectRunner with extra JVM flags (a time zone, a locale). */
  static BundledJarSync onDirectRunner(String serviceType, String index, Map<String, Object> config, String label,
      List<String> jvmArgs) {
    return new BundledJarSync(serviceType, index, config, jvmArgs, List.of("--runner=DirectRunner"), label);
  }

  /** Submitted to the session cluster as job {@code label}: the child JVM only plans, stages and waits. */
  static BundledJarSync onCluster(String serviceType, String index, Map<String, Object> config, String label) {
    return new BundledJarSync(serviceType, index, config, List.of(), List.of("--runner=FlinkRunner",
        "--flinkMaster=" + FixtureEnv.require("BC_FLINK_MASTER", "flink"),
        "--parallelism=" + FixtureEnv.require("BC_FLINK_PARALLELISM", "flink"),
        "--jobName=" + label), label);
  }

  static Path bundledJar() {
    Path jar = Path.of(FixtureEnv.require("BC_PIPELINES_JAR", "flink (run `bash ftest/run.sh flink_cluster`, which builds the jar);"
        + " the fixture"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("BC_PIPELINES_JAR=" + jar + " does not exist: build it with"
          + " `mvn -q -B -ntp package -DskipTests -Pshade -pl pipelines -am`");
    }
    return jar;
  }

  Running start() throws IOException {
    Files.createDirectories(LOG_DIR);
    Path configFile = Files.createTempFile("bc-flink-connector", ".json",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    JSON.writeValue(configFile.toFile(), config);
    Path summaryFile = Files.createTempFile("bc-flink-summary", ".json");
    Path log = LOG_DIR.resolve(label + ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-Xmx1g");
    cmd.addAll(jvmArgs);
    cmd.addAll(Arrays.asList(FixtureEnv.require("BC_FLINK_JAVA_OPTS", "flink").trim().split("\\s+")));
    cmd.add("-cp");
    cmd.add(bundledJar().toString());
    cmd.add("io.beamconnectors.pipelines.FullSyncPipeline");
    cmd.add("--serviceType=" + serviceType);
    cmd.add("--connectorConfig=" + configFile);
    cmd.add("--esUrl=" + FixtureEnv.require("BC_ES_URL", "elasticsearch"));
    cmd.add("--esUsername=" + FixtureEnv.require("BC_ES_USERNAME", "elasticsearch"));
    cmd.add("--esIndex=" + index);
    cmd.add("--summaryJson=" + summaryFile);
    cmd.addAll(runnerArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("BC_ES_PASSWORD", FixtureEnv.require("BC_ES_PASSWORD", "elasticsearch"));
    return new Running(pb.start(), configFile, summaryFile, log);
  }

  /** Runs to the end (10 minutes at most). */
  Outcome run() throws IOException, InterruptedException {
    return runTogether(List.of(this)).get(0);
  }

  /**
   * Runs several syncs at the same time (each into its own index) and waits for all of them: a
   * DirectRunner run overlaps well with a cluster job, which mostly waits on staging and scheduling.
   */
  static List<Outcome> runTogether(List<BundledJarSync> syncs) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    List<Running> running = new ArrayList<>();
    for (BundledJarSync s : syncs) {
      running.add(s.start());
    }
    List<Outcome> out = new ArrayList<>();
    for (Running r : running) {
      Outcome o = r.await(Duration.ofMinutes(10));
      System.out.printf("[flink_cluster] %s: exit %d after %.1f s, %s%n", o.label(), o.exitCode(),
          (System.nanoTime() - t0) / 1e9, o.counters());
      out.add(o);
    }
    return out;
  }
}
