package io.beamconnectors.ftest.launcher;

import static io.beamconnectors.ftest.launcher.LauncherFixture.JSON;
import static io.beamconnectors.ftest.launcher.LauncherFixture.ROWS;
import static io.beamconnectors.ftest.launcher.LauncherFixture.SECRET;
import static io.beamconnectors.ftest.launcher.LauncherFixture.SYNC_TIMEOUT;
import static io.beamconnectors.ftest.launcher.LauncherFixture.TABLE;
import static io.beamconnectors.ftest.launcher.LauncherFixture.claims;
import static io.beamconnectors.ftest.launcher.LauncherFixture.safeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.ftest.support.FixtureEnv;
import io.beamconnectors.ftest.support.FlinkRestApi;
import io.beamconnectors.launcher.protocol.JobQuery;
import io.beamconnectors.launcher.protocol.JobStatus;
import io.beamconnectors.launcher.protocol.SyncJob;
import io.beamconnectors.launcher.runner.FlinkRunnerAdapter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * `make ftest NAME=launcher`, the {@code flink} runner: the launcher builds each sync in its own JVM
 * and submits it detached to the real Flink session cluster of {@code ftest/fixtures/flink.sh}, the
 * shaded pipelines jar staged, the Flink job named after the sync job. What the cluster says (its
 * REST API) is checked next to what the job documents and the index say: a sync with exact
 * counters, a cancel that reaches the running Flink job, a SIGKILLed launcher whose successor
 * re-attaches to the running job, and one whose successor records the outcome of a job that ended
 * while no launcher watched it. Never skipped: without the cluster or the jar it fails, naming them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherFlinkFtest {
  private static final String FLINK = "bc-launcher-flink";

  private LauncherFixture fx;
  private FlinkRestApi flink;
  private Path config;
  private LauncherProcess current;
  private int rows = ROWS;
  private Instant started;

  @BeforeAll
  void setUp() throws Exception {
    String master = FixtureEnv.require("BC_FLINK_MASTER", "flink");
    Path jar = Path.of(FixtureEnv.require("BC_PIPELINES_JAR", "flink (the shaded pipelines jar: `make jar`, or run"
        + " `bash ftest/run.sh launcher`, which builds it)"));
    assertTrue(Files.isRegularFile(jar), "BC_PIPELINES_JAR=" + jar + " does not exist: build it with `make jar`");
    started = Instant.now();
    flink = new FlinkRestApi();
    fx = LauncherFixture.create("launcher-flink-ftest", "bc_launcher_flink", List.of(FLINK));
    Path base = fx.launcherConfig("launcher-flink", List.of(FLINK), 60);
    Files.writeString(base, Files.readString(base, StandardCharsets.UTF_8) + "runner:\n  type: flink\n  flink:\n"
        + "    master: " + master + "\n    parallelism: 1\n    jar: " + jar.toAbsolutePath() + "\n", StandardCharsets.UTF_8);
    config = base;
  }

  @AfterAll
  void tearDown() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  private static String flinkJobName(String syncJobId) {
    return FlinkRunnerAdapter.jobName(syncJobId);
  }

  /** Requests a sync under a table lock and waits until its Flink job runs and its reader waits on the lock. */
  private String syncHeldMidRun(LauncherProcess launcher) throws Exception {
    String jobId = fx.requestSync(FLINK);
    Await.until("the Flink job of " + jobId + " to run on the cluster", SYNC_TIMEOUT,
        () -> flink.stateOfJobNamed(flinkJobName(jobId)), "RUNNING"::equals);
    fx.awaitReaderWaitingOnLock(Duration.ofMinutes(2));
    assertTrue(launcher.log().contains("Submitting sync job " + jobId), () -> safeLog(launcher));
    return jobId;
  }

  @Test
  @Order(1)
  void syncRunsOnTheClusterWithExactCounters() throws Exception {
    fx.createConnector(FLINK, fx.pgConfig);
    current = fx.launcher("launcher-flink-1", config, "poll");
    LauncherProcess.Result r = fx.cli(fx.cliConfig(), "sync", FLINK, "--wait", "--json");
    assertEquals(0, r.exitCode(), () -> r.stdout() + r.stderr() + safeLog(current));
    SyncJob done = fx.job(JSON.readTree(r.stdout()).path("job_id").asText());
    assertEquals(rows, done.counter("indexed_document_count"));
    assertEquals(0, done.counter("deleted_document_count"));
    assertEquals(rows, done.counter("total_document_count"));
    // In MiB, rounded (the protocol's unit): six rows of 100,000 characters and 34 small ones.
    assertEquals(1, done.counter("indexed_document_volume"));
    assertEquals(rows, fx.indexCount(FLINK));
    assertEquals("FINISHED", flink.stateOfJobNamed(flinkJobName(done.id())), "the cluster ran it");
    assertTrue(current.log().contains("--jobName=" + flinkJobName(done.id())), "the Flink job is named after the sync job");
    assertTrue(current.log().contains("--filesToStage="), "the shaded jar is staged");
    Await.until("the connector to record the sync", Duration.ofMinutes(1),
        () -> fx.connector(FLINK).source().path("last_indexed_document_count").asLong(), n -> n == rows);
  }

  @Test
  @Order(2)
  void cancelWhileRunningCancelsTheFlinkJobAndDeletesNothing() throws Exception {
    try (Connection lock = fx.lockTable()) {
      String jobId = syncHeldMidRun(current);
      assertEquals(0, fx.cli(fx.cliConfig(), "job", "cancel", "--", jobId).exitCode());
      // Flink cancels a task by interrupting it; a JDBC read blocked on a lock ends only when the
      // lock goes, so release it once the cluster is cancelling the job.
      Await.until("Flink to cancel the job", Duration.ofMinutes(1), () -> flink.stateOfJobNamed(flinkJobName(jobId)),
          s -> s.equals("CANCELLING") || s.equals("CANCELED"));
      lock.rollback();
      SyncJob canceled = fx.awaitJob(jobId, Duration.ofMinutes(3), JobStatus.CANCELED, JobStatus.ERROR, JobStatus.COMPLETED);
      assertEquals(JobStatus.CANCELED, canceled.status(), canceled::error);
      assertEquals("CANCELED", flink.stateOfJobNamed(flinkJobName(jobId)));
      Await.until("the connector to record the cancel", Duration.ofMinutes(1), () -> fx.connector(FLINK).lastSyncStatus(),
          s -> s == JobStatus.CANCELED);
    }
    assertEquals(rows, fx.indexCount(FLINK), "a cancelled run deletes nothing");
  }

  @Test
  @Order(3)
  void sigkillWhileRunningThenTheNextLauncherReattachesToTheRunningJob() throws Exception {
    fx.execute("UPDATE " + TABLE + " SET note = 'changed on flink' WHERE id = 7", "DELETE FROM " + TABLE + " WHERE id = 8");
    rows -= 1;
    String jobId;
    LauncherProcess second;
    try (Connection lock = fx.lockTable()) {
      jobId = syncHeldMidRun(current);
      current.kill();
      second = fx.launcher("launcher-flink-2", config, "poll");
      Await.until("the re-attachment", Duration.ofMinutes(2), second::log, l -> l.contains("Re-attached to job " + jobId));
      assertEquals("RUNNING", flink.stateOfJobNamed(flinkJobName(jobId)), "re-attached while the job still runs");
      lock.rollback();
    }
    current = second;
    SyncJob after = fx.awaitJob(jobId, SYNC_TIMEOUT, JobStatus.COMPLETED, JobStatus.ERROR);
    assertEquals(JobStatus.COMPLETED, after.status(), after::error);
    // Counters of a job this launcher did not submit: read back from the cluster's accumulators.
    assertEquals(1, after.counter("indexed_document_count"));
    assertEquals(1, after.counter("deleted_document_count"));
    assertEquals(rows, after.counter("total_document_count"));
    assertEquals(0, claims(second, jobId), "re-attached, not run again");
    assertEquals(1, flink.jobsNamed(flinkJobName(jobId)).size(), "one Flink job for the sync job");
    assertEquals(rows, fx.indexCount(FLINK));
  }

  @Test
  @Order(4)
  void aJobThatEndedWhileNoLauncherRanGetsItsRealOutcome() throws Exception {
    fx.execute("UPDATE " + TABLE + " SET note = 'changed again' WHERE id IN (9, 10)");
    String jobId;
    try (Connection lock = fx.lockTable()) {
      jobId = syncHeldMidRun(current);
      current.kill();
      lock.rollback();
    }
    Await.until("the Flink job to finish with no launcher", SYNC_TIMEOUT, () -> flink.stateOfJobNamed(flinkJobName(jobId)),
        "FINISHED"::equals);
    assertEquals(JobStatus.IN_PROGRESS, fx.job(jobId).status(), "nobody recorded the end yet");
    LauncherProcess third = fx.launcher("launcher-flink-3", config, "poll");
    current = third;
    SyncJob after = fx.awaitJob(jobId, Duration.ofMinutes(2), JobStatus.COMPLETED, JobStatus.ERROR);
    assertEquals(JobStatus.COMPLETED, after.status(), after::error);
    assertEquals(2, after.counter("indexed_document_count"));
    assertEquals(0, after.counter("deleted_document_count"));
    assertEquals(rows, after.counter("total_document_count"));
    assertEquals(0, claims(third, jobId));
    assertTrue(third.log().contains("Re-attached to job " + jobId), () -> safeLog(third));
    Await.until("the connector to record the outcome", Duration.ofMinutes(1), () -> fx.connector(FLINK).lastSyncStatus(),
        s -> s == JobStatus.COMPLETED);
    assertEquals(rows, fx.indexCount(FLINK));
    third.term(Duration.ofMinutes(1));
  }

  /** The planted secret reached no launcher log, no submitted argument, no job document and no Flink job's configuration. */
  @Test
  @Order(5)
  void plantedSecretReachesNoLogArgumentJobDocumentOrFlinkJob() throws Exception {
    String esPassword = FixtureEnv.require("BC_ES_PASSWORD", "elasticsearch");
    int submissions = 0;
    for (Path f : fx.outputFiles()) {
      String text = Files.readString(f, StandardCharsets.UTF_8);
      assertFalse(text.contains(SECRET), "the planted secret is in " + f);
      for (String line : text.split("\n")) {
        if (line.contains("with arguments [")) {
          submissions++;
          assertTrue(line.contains("--esCredentialEnv="), line);
          assertFalse(line.contains(esPassword), line);
        }
      }
    }
    assertEquals(4, submissions, "one logged submission per Flink sync");
    List<SyncJob> jobs = fx.protocol.jobs(JobQuery.withStatuses(Set.of()).forConnectors(List.of(FLINK)).limit(1000))
        .stream().filter(j -> !j.createdAt().isBefore(started)).toList(); // not those of earlier runs
    assertEquals(4, jobs.size());
    for (SyncJob j : jobs) {
      assertFalse(String.valueOf(j.error()).contains(SECRET), "job " + j.id() + " error has the secret");
      for (FlinkRestApi.Job run : flink.jobsNamed(flinkJobName(j.id()))) {
        String held = flink.jobConfig(run.id());
        // The pipeline options as the cluster holds them: the sync job's id and the credential's name, never a value.
        assertTrue(held.contains("\"syncJobId\":\"" + j.id() + "\""), "the Flink job's options name its sync job: " + held);
        assertTrue(held.contains("\"esCredentialEnv\":\""), held);
        assertFalse(held.contains(SECRET), "the planted secret is in Flink job " + run.id() + "'s configuration");
        assertFalse(held.contains(esPassword), "the Elasticsearch password is in Flink job " + run.id() + "'s configuration");
      }
    }
  }
}
