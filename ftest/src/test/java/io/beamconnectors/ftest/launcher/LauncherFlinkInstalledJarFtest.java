package io.beamconnectors.ftest.launcher;

import static io.beamconnectors.ftest.launcher.LauncherFixture.JSON;
import static io.beamconnectors.ftest.launcher.LauncherFixture.ROWS;
import static io.beamconnectors.ftest.launcher.LauncherFixture.SECRET;
import static io.beamconnectors.ftest.launcher.LauncherFixture.SYNC_TIMEOUT;
import static io.beamconnectors.ftest.launcher.LauncherFixture.TABLE;
import static io.beamconnectors.ftest.launcher.LauncherFixture.safeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.deployment.InstalledJar;
import io.beamconnectors.ftest.support.FixtureEnv;
import io.beamconnectors.ftest.support.FlinkRestApi;
import io.beamconnectors.launcher.protocol.JobStatus;
import io.beamconnectors.launcher.protocol.SyncJob;
import io.beamconnectors.launcher.runner.FlinkRunnerAdapter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * `make ftest NAME=launcher`, the {@code flink} runner with {@code runner.flink.jar_installed: true}:
 * the shaded pipelines jar is on the class path of the real session cluster's JobManager and
 * TaskManager (as a jar in a Flink distribution's {@code lib/}; {@code flink.sh} restarts the cluster
 * so), and each job stages only a marker of it. A sync runs with exact counters and stages the
 * marker, not the jar; on a cluster holding another build's jar, and on one without the jar, the
 * next sync fails with a message that names the fix, and deletes nothing. The cluster is left
 * without the jar, as the other suites expect it. Never skipped: without the cluster or the jar it
 * fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherFlinkInstalledJarFtest {
  private static final String CONNECTOR = "bc-launcher-flink-installed";
  private static final Pattern STAGED = Pattern.compile("--filesToStage=([^,\\]]+)");

  private LauncherFixture fx;
  private FlinkRestApi flink;
  private Path config;
  private Path jar;
  private Path anotherBuild;
  /** False only while the cluster is known to run as the other suites expect it: without our jar. */
  private boolean clusterChanged;

  @BeforeAll
  void setUp() throws Exception {
    String master = FixtureEnv.require("BC_FLINK_MASTER", "flink");
    jar = Path.of(FixtureEnv.require("BC_PIPELINES_JAR", "flink (the shaded pipelines jar: `make jar`, or run"
        + " `bash ftest/run.sh launcher`, which builds it)")).toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), "BC_PIPELINES_JAR=" + jar + " does not exist: build it with `make jar`");
    flink = new FlinkRestApi();
    fx = LauncherFixture.create("launcher-flink-installed-ftest", "bc_launcher_flink_installed", List.of(CONNECTOR));
    config = fx.launcherConfig("launcher-flink-installed", List.of(CONNECTOR), 60);
    Files.writeString(config, Files.readString(config, StandardCharsets.UTF_8) + "runner:\n  type: flink\n  flink:\n"
        + "    master: " + master + "\n    parallelism: 1\n    jar: " + jar + "\n    jar_installed: true\n",
        StandardCharsets.UTF_8);
    // Another build: the same classes plus one entry, so a different SHA-256.
    Path dir = Files.createDirectories(Path.of("target", "flink-installed-jars"));
    anotherBuild = dir.resolve("another-build.jar");
    Files.copy(jar, anotherBuild, StandardCopyOption.REPLACE_EXISTING);
    try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + anotherBuild.toUri()), Map.of())) {
      Files.writeString(zip.getPath("another-build.txt"), "not the launcher's build\n");
    }
  }

  @AfterAll
  void tearDown() throws Exception {
    try {
      if (clusterChanged) {
        restartCluster(null); // as the other suites expect it: no jar of ours on its class path
      }
    } finally {
      if (fx != null) {
        fx.close();
      }
      if (anotherBuild != null) {
        Files.deleteIfExists(anotherBuild);
      }
    }
  }

  @Test
  @Order(1)
  void aSyncStagesOnlyAMarkerOfTheInstalledJarAndCountsExactly() throws Exception {
    restartCluster(jar);
    fx.createConnector(CONNECTOR, fx.pgConfig);
    LauncherProcess launcher = fx.launcher("launcher-flink-installed-1", config, "poll");
    LauncherProcess.Result r = fx.cli(fx.cliConfig(), "sync", CONNECTOR, "--wait", "--json");
    assertEquals(0, r.exitCode(), () -> r.stdout() + r.stderr() + safeLog(launcher));
    SyncJob done = fx.job(JSON.readTree(r.stdout()).path("job_id").asText());
    assertEquals(JobStatus.COMPLETED, done.status(), done::error);
    assertEquals(ROWS, done.counter("indexed_document_count"));
    assertEquals(0, done.counter("deleted_document_count"));
    assertEquals(ROWS, done.counter("total_document_count"));
    assertEquals(ROWS, fx.indexCount(CONNECTOR));
    assertEquals("FINISHED", flink.stateOfJobNamed(FlinkRunnerAdapter.jobName(done.id())), "the cluster ran it");

    Matcher staged = STAGED.matcher(launcher.log());
    assertTrue(staged.find(), () -> "no --filesToStage in the submission: " + safeLog(launcher));
    Path marker = Path.of(staged.group(1).trim());
    assertTrue(marker.getFileName().toString().startsWith("beam-connectors-installed-"), marker.toString());
    assertTrue(Files.size(marker) < 4096, "a marker of " + Files.size(marker) + " bytes, not the 250 MB jar");
    try (FileSystem zip = FileSystems.newFileSystem(marker)) {
      assertEquals(InstalledJar.sha256(jar), Files.readString(zip.getPath(InstalledJar.MARKER_RESOURCE)).trim(),
          "the marker names the jar at runner.flink.jar");
    }
    launcher.term(Duration.ofMinutes(1));
  }

  @Test
  @Order(2)
  void onAClusterWithAnotherBuildTheSyncFailsNamingTheFixAndDeletesNothing() throws Exception {
    restartCluster(anotherBuild);
    try (Statement s = fx.admin.createStatement()) {
      s.execute("DELETE FROM " + TABLE + " WHERE id IN (1, 2)"); // a sync that ran would delete these two
    }
    String error = syncThatFails("launcher-flink-installed-2", "a job built for another jar must not run");
    assertTrue(error.contains("is not the jar the launcher built this job with"), error);
    assertTrue(error.contains("copy the launcher's runner.flink.jar into every Flink node's lib/"), error);
    assertTrue(error.contains(anotherBuild.toAbsolutePath().toString()), "names the cluster's jar: " + error);
  }

  @Test
  @Order(3)
  void onAClusterWithoutTheJarTheSyncFailsNamingTheFixAndDeletesNothing() throws Exception {
    restartCluster(null);
    String error = syncThatFails("launcher-flink-installed-3", "nothing to run the job's classes with");
    assertTrue(error.contains("the cluster cannot load org.apache.beam."), error);
    assertTrue(error.contains("every Flink node's lib/ must hold runner.flink.jar"), error);
  }

  /**
   * Starts a launcher, requests a sync and waits for it to end: it must end {@code error} with a
   * one-line message and no secret, its Flink job FAILED, nothing counted and the index untouched
   * (two rows are gone from the table, so a sync that ran would have deleted them).
   *
   * @return the job document's error
   */
  private String syncThatFails(String launcherName, String why) throws Exception {
    LauncherProcess launcher = fx.launcher(launcherName, config, "poll");
    String jobId = fx.requestSync(CONNECTOR);
    SyncJob failed = fx.awaitJob(jobId, SYNC_TIMEOUT, JobStatus.ERROR, JobStatus.COMPLETED);
    assertEquals(JobStatus.ERROR, failed.status(), why);
    String error = String.valueOf(failed.error());
    assertFalse(error.contains("\n"), "one line: " + error);
    assertFalse(error.contains(SECRET), error);
    assertEquals("FAILED", flink.stateOfJobNamed(FlinkRunnerAdapter.jobName(jobId)));
    assertEquals(0, failed.counter("indexed_document_count"));
    assertEquals(0, failed.counter("deleted_document_count"));
    assertEquals(ROWS, fx.indexCount(CONNECTOR), "the failed sync deleted nothing and wrote nothing");
    launcher.term(Duration.ofMinutes(1));
    return error;
  }

  /** Stops the fixture's cluster and starts it again with {@code userLib} on its class path (none if null). */
  private void restartCluster(Path userLib) throws Exception {
    clusterChanged = true; // until the start below succeeds without a jar
    fixture("stop", null);
    fixture("start", userLib);
    clusterChanged = userLib != null;
  }

  private static void fixture(String command, Path userLib) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", FixtureEnv.require("BC_FLINK_SCRIPT", "flink"), command).inheritIO();
    pb.environment().put("BC_RUN_DIR", FixtureEnv.require("BC_FLINK_RUN_DIR", "flink"));
    pb.environment().put("BC_FLINK_USER_LIB", userLib == null ? "" : userLib.toAbsolutePath().toString());
    Process p = pb.start();
    assertTrue(p.waitFor(3, TimeUnit.MINUTES), "flink.sh " + command + " did not finish in 3 minutes");
    assertEquals(0, p.exitValue(), "flink.sh " + command);
  }
}
