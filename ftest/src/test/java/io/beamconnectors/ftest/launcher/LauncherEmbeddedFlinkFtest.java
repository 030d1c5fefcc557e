package io.beamconnectors.ftest.launcher;

import static io.beamconnectors.ftest.launcher.LauncherFixture.JSON;
import static io.beamconnectors.ftest.launcher.LauncherFixture.ROLE;
import static io.beamconnectors.ftest.launcher.LauncherFixture.ROWS;
import static io.beamconnectors.ftest.launcher.LauncherFixture.SECRET;
import static io.beamconnectors.ftest.launcher.LauncherFixture.SYNC_TIMEOUT;
import static io.beamconnectors.ftest.launcher.LauncherFixture.TABLE;
import static io.beamconnectors.ftest.launcher.LauncherFixture.safeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.ftest.support.FixtureEnv;
import io.beamconnectors.launcher.protocol.JobQuery;
import io.beamconnectors.launcher.protocol.JobStatus;
import io.beamconnectors.launcher.protocol.SyncJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * `make ftest NAME=launcher`, the {@code flink} runner with {@code master: "[local]"}: each sync
 * runs on Beam's FlinkRunner with an embedded Flink cluster inside one launcher process, against
 * the real Elasticsearch and PostgreSQL fixtures (no Flink cluster, no jar). Checked: exact
 * counters of a full sync and of a second sync in the same process after a change and a delete;
 * a cancel that reaches the running Flink job and deletes nothing; a sync whose read is denied
 * mid-run ends in error and deletes nothing; two syncs at once, one cancelled, each reaching its
 * own Flink job; SIGTERM while a Flink job runs suspends the sync
 * job and the next launcher resumes it once; the launcher's log carries none of Flink's per-task
 * noise; and the planted secret reaches no log line, argument or job document.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherEmbeddedFlinkFtest {
  private static final String CONNECTOR = "bc-launcher-embedded-flink";
  /** A second connector on the same table, for two syncs at once in one launcher. */
  private static final String SECOND = "bc-launcher-embedded-flink-2";

  private LauncherFixture fx;
  private Path config;
  private LauncherProcess launcher;
  private int rows = ROWS;
  private Instant started;

  @BeforeAll
  void setUp() throws Exception {
    started = Instant.now();
    fx = LauncherFixture.create("launcher-embedded-flink-ftest", "bc_launcher_embedded_flink", List.of(CONNECTOR, SECOND));
    Path base = fx.launcherConfig("launcher-embedded-flink", List.of(CONNECTOR, SECOND), 60);
    Files.writeString(base, Files.readString(base, StandardCharsets.UTF_8)
        + "runner:\n  type: flink\n  flink:\n    master: \"[local]\"\n    parallelism: 2\n", StandardCharsets.UTF_8);
    config = base;
    fx.createConnector(CONNECTOR, fx.pgConfig);
    fx.createConnector(SECOND, fx.pgConfig);
    launcher = fx.launcher("launcher-embedded-flink", config, "poll");
  }

  @AfterAll
  void tearDown() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  private SyncJob syncAndWait() throws Exception {
    LauncherProcess.Result r = fx.cli(fx.cliConfig(), "sync", CONNECTOR, "--wait", "--json");
    assertEquals(0, r.exitCode(), () -> r.stdout() + r.stderr() + safeLog(launcher));
    return fx.job(JSON.readTree(r.stdout()).path("job_id").asText());
  }

  @Test
  @Order(1)
  void syncRunsOnEmbeddedFlinkWithExactCounters() throws Exception {
    SyncJob done = syncAndWait();
    assertEquals(JobStatus.COMPLETED, done.status(), done::error);
    assertEquals(rows, done.counter("indexed_document_count"));
    assertEquals(0, done.counter("deleted_document_count"));
    assertEquals(rows, done.counter("total_document_count"));
    // In MiB, rounded (the protocol's unit): six rows of 100,000 characters and 34 small ones.
    assertEquals(1, done.counter("indexed_document_volume"));
    assertEquals(rows, fx.indexCount(CONNECTOR));
    String log = launcher.log();
    assertTrue(log.contains("Submitting sync job " + done.id() + " to the flink runner with arguments"), log);
    assertTrue(log.contains("--flinkMaster=[auto]"), "on the launcher's own embedded cluster, in this process");
    assertFalse(log.contains("--filesToStage"), "nothing is staged");
    assertFalse(log.contains("exceeded the 80 characters length limit"), "no per-operator metric warnings");
    assertFalse(log.contains("DelegationTokenManager") || log.contains("WebMonitorUtils"), "no mini-cluster start-up warnings");
  }

  @Test
  @Order(2)
  void aSecondSyncInTheSameProcessWritesOnlyTheDifference() throws Exception {
    fx.execute("UPDATE " + TABLE + " SET note = 'changed on embedded flink' WHERE id = 7",
        "DELETE FROM " + TABLE + " WHERE id = 8");
    rows -= 1;
    SyncJob done = syncAndWait();
    assertEquals(JobStatus.COMPLETED, done.status(), done::error);
    assertEquals(1, done.counter("indexed_document_count"));
    assertEquals(1, done.counter("deleted_document_count"));
    assertEquals(rows, done.counter("total_document_count"));
    assertEquals(rows, fx.indexCount(CONNECTOR));
  }

  @Test
  @Order(3)
  void cancelWhileRunningReachesTheFlinkJobAndDeletesNothing() throws Exception {
    fx.execute("DELETE FROM " + TABLE + " WHERE id = 9");
    String jobId;
    try (Connection lock = fx.lockTable()) {
      jobId = fx.requestSync(CONNECTOR);
      fx.awaitReaderWaitingOnLock(SYNC_TIMEOUT);
      assertEquals(0, fx.cli(fx.cliConfig(), "job", "cancel", "--", jobId).exitCode());
      // Flink cancels a task by interrupting it; a JDBC read blocked on a lock ends only when the
      // lock goes, so release it once the embedded cluster has accepted the cancel.
      Await.until("the launcher to cancel the Flink job", Duration.ofMinutes(1), launcher::log,
          l -> Pattern.compile("Cancelling Flink job \\w+ of sync job " + Pattern.quote(jobId)).matcher(l).find());
      lock.rollback();
    }
    SyncJob canceled = fx.awaitJob(jobId, Duration.ofMinutes(3), JobStatus.CANCELED, JobStatus.ERROR, JobStatus.COMPLETED);
    assertEquals(JobStatus.CANCELED, canceled.status(), canceled::error);
    assertEquals(rows, fx.indexCount(CONNECTOR), "a cancelled run deletes nothing (row 9 is still indexed)");
    Await.until("the connector to record the cancel", Duration.ofMinutes(1), () -> fx.connector(CONNECTOR).lastSyncStatus(),
        s -> s == JobStatus.CANCELED);
  }

  @Test
  @Order(4)
  void aReadDeniedMidSyncEndsInErrorAndDeletesNothing() throws Exception {
    String jobId;
    try (Connection lock = fx.lockTable()) {
      jobId = fx.requestSync(CONNECTOR);
      fx.awaitReaderWaitingOnLock(SYNC_TIMEOUT);
      // A real server failure inside the running Flink job, and one the reader does not retry (a
      // lost session it does): the connector's role loses its grant while its read waits.
      fx.execute("REVOKE SELECT ON " + TABLE + " FROM " + ROLE);
      lock.rollback();
    }
    SyncJob failed = fx.awaitJob(jobId, SYNC_TIMEOUT, JobStatus.ERROR, JobStatus.COMPLETED, JobStatus.CANCELED);
    assertEquals(JobStatus.ERROR, failed.status());
    String error = String.valueOf(failed.error());
    assertTrue(error.startsWith("The sync finished but was not clean: 1 listing failures"), error);
    assertFalse(error.contains("\n"), "one line: " + error);
    assertFalse(error.contains(SECRET), error);
    assertEquals(0, failed.counter("deleted_document_count"));
    assertEquals(rows, fx.indexCount(CONNECTOR), "a failed read deletes nothing (row 9 is still indexed)");

    // Granted again, the next sync converges: row 9's delete is its only write.
    fx.execute("GRANT SELECT ON " + TABLE + " TO " + ROLE);
    rows -= 1;
    SyncJob done = syncAndWait();
    assertEquals(JobStatus.COMPLETED, done.status(), done::error);
    assertEquals(0, done.counter("indexed_document_count"));
    assertEquals(1, done.counter("deleted_document_count"));
    assertEquals(rows, fx.indexCount(CONNECTOR));
  }

  /**
   * Two syncs run at once in the launcher (max_concurrent_content_syncs is 2), each on its own mini
   * cluster; cancelling one reaches its own Flink job only: each sync gets its own job's client.
   */
  @Test
  @Order(5)
  void twoSyncsAtOnceEachGetTheirOwnJobCancelAndCounters() throws Exception {
    String cancelled;
    String kept;
    try (Connection lock = fx.lockTable()) {
      cancelled = fx.requestSync(CONNECTOR);
      kept = fx.requestSync(SECOND);
      fx.awaitReadersWaitingOnLock(2, SYNC_TIMEOUT);
      assertEquals(0, fx.cli(fx.cliConfig(), "job", "cancel", "--", cancelled).exitCode());
      Await.until("the launcher to cancel the Flink job of " + cancelled, Duration.ofMinutes(1), launcher::log,
          l -> Pattern.compile("Cancelling Flink job \\w+ of sync job " + Pattern.quote(cancelled)).matcher(l).find());
      lock.rollback();
    }
    SyncJob c = fx.awaitJob(cancelled, Duration.ofMinutes(3), JobStatus.CANCELED, JobStatus.ERROR, JobStatus.COMPLETED);
    assertEquals(JobStatus.CANCELED, c.status(), c::error);
    SyncJob k = fx.awaitJob(kept, SYNC_TIMEOUT, JobStatus.COMPLETED, JobStatus.ERROR, JobStatus.CANCELED);
    assertEquals(JobStatus.COMPLETED, k.status(), k::error);
    assertEquals(rows, k.counter("indexed_document_count"), "the second connector's first sync, counted apart");
    assertEquals(0, k.counter("deleted_document_count"));
    assertEquals(rows, fx.indexCount(SECOND));
    assertEquals(rows, fx.indexCount(CONNECTOR));
    assertFalse(launcher.log().contains("of sync job " + kept), "only the cancelled sync's Flink job was cancelled");
  }

  @Test
  @Order(6)
  void sigtermSuspendsTheRunningFlinkJobAndTheNextLauncherResumesItOnce() throws Exception {
    fx.execute("UPDATE " + TABLE + " SET note = 'changed before a restart' WHERE id = 11");
    String jobId;
    LauncherProcess first = launcher;
    try (Connection lock = fx.lockTable()) {
      jobId = fx.requestSync(CONNECTOR);
      fx.awaitReaderWaitingOnLock(SYNC_TIMEOUT);
      // The embedded job dies with the launcher: SIGTERM cancels it and suspends the job, and the
      // process ends although its Flink task still waits in the database.
      first.term(Duration.ofMinutes(1));
      SyncJob suspended = fx.job(jobId);
      assertEquals(JobStatus.SUSPENDED, suspended.status(), () -> safeLog(first));
      lock.rollback();
    }
    launcher = fx.launcher("launcher-embedded-flink-2", config, "poll");
    SyncJob done = fx.awaitJob(jobId, SYNC_TIMEOUT, JobStatus.COMPLETED, JobStatus.ERROR);
    assertEquals(JobStatus.COMPLETED, done.status(), done::error);
    assertEquals(1, done.counter("indexed_document_count"));
    assertEquals(0, done.counter("deleted_document_count"));
    assertEquals(rows, fx.indexCount(CONNECTOR));
    assertEquals(1, LauncherFixture.claims(first, jobId));
    assertEquals(1, LauncherFixture.claims(launcher, jobId));
    assertTrue(launcher.log().contains("resuming it after a suspension"), () -> safeLog(launcher));
  }

  /** The planted secret reached no launcher log line, no submitted argument and no job document. */
  @Test
  @Order(7)
  void plantedSecretReachesNoLogArgumentOrJobDocument() throws Exception {
    String esPassword = FixtureEnv.require("BC_ES_PASSWORD", "elasticsearch");
    int submissions = 0;
    for (Path f : fx.outputFiles()) {
      String text = Files.readString(f, StandardCharsets.UTF_8);
      assertFalse(text.contains(SECRET), "the planted secret is in " + f);
      assertFalse(text.contains(esPassword), "the Elasticsearch password is in " + f);
      for (String line : text.split("\n")) {
        if (line.contains("with arguments [")) {
          submissions++;
          assertTrue(line.contains("--esCredentialEnv="), line);
        }
      }
    }
    assertEquals(9, submissions, "one logged submission per sync (eight), two for the suspended and resumed one");
    List<SyncJob> jobs = fx.protocol.jobs(JobQuery.withStatuses(Set.of()).forConnectors(List.of(CONNECTOR)).limit(1000))
        .stream().filter(j -> !j.createdAt().isBefore(started)).toList();
    assertEquals(7, jobs.size());
    for (SyncJob j : jobs) {
      assertFalse(String.valueOf(j.error()).contains(SECRET), "job " + j.id() + " error has the secret");
    }
  }
}
