package io.beamconnectors.ftest.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static io.beamconnectors.ftest.launcher.LauncherFixture.JSON;
import static io.beamconnectors.ftest.launcher.LauncherFixture.ROLE;
import static io.beamconnectors.ftest.launcher.LauncherFixture.SECRET;
import static io.beamconnectors.ftest.launcher.LauncherFixture.SYNC_TIMEOUT;
import static io.beamconnectors.ftest.launcher.LauncherFixture.TABLE;
import static io.beamconnectors.ftest.launcher.LauncherFixture.claims;
import static io.beamconnectors.ftest.launcher.LauncherFixture.index;
import static io.beamconnectors.ftest.launcher.LauncherFixture.safeLog;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamconnectors.ftest.support.FixtureEnv;
import io.beamconnectors.ftest.support.IndexInspector;
import io.beamconnectors.launcher.protocol.ConnectorDocument;
import io.beamconnectors.launcher.protocol.DirectProtocol;
import io.beamconnectors.launcher.protocol.JobQuery;
import io.beamconnectors.launcher.protocol.JobStatus;
import io.beamconnectors.launcher.protocol.SyncJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * `make ftest NAME=launcher`: the launcher as real processes against the real Elasticsearch and
 * PostgreSQL fixtures. Connectors are created, configured, synced, scheduled and cancelled through
 * the CLI; signals go to real launcher JVMs. Sources are the table of a database of its own
 * ({@code bc_launcher}), read by a role whose password is a planted secret that must show up in no
 * log line, submitted argument or job error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherFtest {
  private static final String MAIN = "bc-launcher-main";
  private static final String BAD = "bc-launcher-bad";
  private static final String SIG = "bc-launcher-sigterm";
  private static final String KILL = "bc-launcher-sigkill";
  private static final String RACE = "bc-launcher-race";
  private static final String GONE = "bc-launcher-deleted";
  private static final String CRON = "bc-launcher-cron";
  private static final String KEYED = "bc-launcher-apikey";
  private static final List<String> ALL = List.of(MAIN, BAD, SIG, KILL, RACE, GONE, CRON, KEYED);

  private LauncherFixture fx;
  private Path badConfig;
  private LauncherProcess mainLauncher;
  private int rows;

  @BeforeAll
  void setUp() throws Exception {
    fx = LauncherFixture.create("launcher-ftest", "bc_launcher", ALL);
    rows = LauncherFixture.ROWS;
    badConfig = fx.writeConfiguration("bad.json", Map.of("host", FixtureEnv.require("BC_PG_HOST", "postgresql"),
        "port", "not-a-port", "username", ROLE, "password", SECRET, "database", fx.database));
  }

  @AfterAll
  void tearDown() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  @Order(1)
  void cancelWhilePendingNeverRuns() throws Exception {
    fx.createConnector(MAIN, fx.pgConfig);
    String jobId = fx.requestSync(MAIN);
    assertEquals(JobStatus.PENDING, fx.job(jobId).status());
    // A generated id can start with '-' and, rarely, read as a short option ("-c..."): `--` before it
    // always works (IdArgumentsTest covers the id without it).
    LauncherProcess.Result r = fx.cli(fx.cliConfig(), "job", "cancel", "--", jobId);
    assertEquals(0, r.exitCode(), r::stderr);
    SyncJob canceled = fx.job(jobId);
    assertEquals(JobStatus.CANCELED, canceled.status());
    assertNotNull(canceled.text("canceled_at"));
    assertNotNull(canceled.text("cancelation_requested_at"));
    // The launcher that serves the connector starts now: the canceled job must never run.
    mainLauncher = fx.launcher("launcher-main", fx.launcherConfig("launcher-main", List.of(MAIN, BAD), 30), "poll");
    Await.until("connector " + MAIN + " to be connected", Duration.ofMinutes(2), () -> fx.connector(MAIN).text("status"),
        "connected"::equals);
    assertEquals(JobStatus.CANCELED, fx.job(jobId).status());
    assertNull(fx.job(jobId).text("started_at"));
    assertEquals(0, claims(mainLauncher, jobId));
  }

  @Test
  @Order(2)
  void createConfigureSyncWaitWithExactCounters() throws Exception {
    LauncherProcess.Result r = fx.cli(fx.cliConfig(), "sync", MAIN, "--wait", "--timeout", Long.toString(SYNC_TIMEOUT.toSeconds()),
        "--json");
    assertEquals(0, r.exitCode(), () -> "sync --wait: " + r.stdout() + r.stderr() + "\n" + safeLog(mainLauncher));
    JsonNode printed = JSON.readTree(r.stdout());
    assertEquals("completed", printed.path("status").asText());
    assertEquals(rows, printed.path("indexed_document_count").asLong());
    assertEquals(rows, printed.path("total_document_count").asLong());
    SyncJob job = fx.job(printed.path("job_id").asText());
    assertEquals(rows, job.counter("indexed_document_count"));
    assertEquals(0, job.counter("deleted_document_count"));
    assertEquals(rows, job.counter("total_document_count"));
    assertEquals("full", job.text("job_type"));
    assertEquals("on_demand", job.triggerMethod());
    assertEquals("launcher-main", job.text("worker_hostname"));
    assertNotNull(job.text("started_at"));
    assertNotNull(job.text("completed_at"));
    assertNull(job.error());
    assertTrue(job.source().path("metadata").path("sync").path("clean").asBoolean(false));
    assertEquals(rows, fx.indexCount(MAIN));
    ConnectorDocument c = fx.connector(MAIN);
    assertEquals(JobStatus.COMPLETED, c.lastSyncStatus());
    assertEquals(rows, c.source().path("last_indexed_document_count").asLong());
    assertEquals(0, c.source().path("last_deleted_document_count").asLong());
    assertNotNull(c.text("last_synced"));
    assertEquals("connected", c.text("status"));
    assertEquals(1, claims(mainLauncher, job.id()));
    // The PostgreSQL reader logs on Beam's own worker threads: those lines carry the ids too.
    List<String> readerLines = mainLauncher.log().lines().filter(l -> l.contains("rows read by worker thread")).toList();
    assertTrue(readerLines.stream().anyMatch(l -> l.contains("[direct-runner-worker")
        && l.contains("[connector=" + MAIN + " job=" + job.id() + "]")), () -> "worker-thread lines: " + readerLines);
    assertTrue(readerLines.stream().noneMatch(l -> l.contains("job=-]")), () -> "a worker line without ids: " + readerLines);

    // Changes: two rows gone, one changed; the next sync reports exactly those.
    try (Statement s = fx.admin.createStatement()) {
      s.execute("DELETE FROM " + TABLE + " WHERE id IN (3, 4)");
      s.execute("UPDATE " + TABLE + " SET note = 'changed ü' WHERE id = 5");
    }
    rows -= 2;
    LauncherProcess.Result again = fx.cli(fx.cliConfig(), "sync", MAIN, "--wait", "--json");
    assertEquals(0, again.exitCode(), again::stderr);
    SyncJob second = fx.job(JSON.readTree(again.stdout()).path("job_id").asText());
    assertEquals(1, second.counter("indexed_document_count"));
    assertEquals(2, second.counter("deleted_document_count"));
    assertEquals(rows, second.counter("total_document_count"));
    assertEquals(rows, fx.indexCount(MAIN));
    // The connector is written right after the job, so `sync --wait` may return before it is.
    Await.until("connector " + MAIN + " to record the deletes", Duration.ofMinutes(1),
        () -> fx.connector(MAIN).source().path("last_deleted_document_count").asLong(), n -> n == 2);
  }

  @Test
  @Order(3)
  void badConfigurationSetsErrorNamingTheField() throws Exception {
    fx.createConnector(BAD, badConfig);
    ConnectorDocument c = Await.until("connector " + BAD + " to be in error", Duration.ofMinutes(2), () -> fx.connector(BAD),
        d -> "error".equals(d.text("status")));
    assertTrue(c.error().contains("port"), c.error());
    assertFalse(c.error().contains(SECRET), c.error());
  }

  @Test
  @Order(4)
  void cancelWhileRunning() throws Exception {
    try (Connection lock = fx.lockTable()) {
      String jobId = fx.requestSync(MAIN);
      fx.awaitJob(jobId, SYNC_TIMEOUT, JobStatus.IN_PROGRESS);
      LauncherProcess.Result r = fx.cli(fx.cliConfig(), "job", "cancel", "--", jobId);
      assertEquals(0, r.exitCode(), r::stderr);
      SyncJob canceled = fx.awaitJob(jobId, Duration.ofMinutes(2), JobStatus.CANCELED, JobStatus.ERROR, JobStatus.COMPLETED);
      assertEquals(JobStatus.CANCELED, canceled.status(), () -> "job error: " + canceled.error());
      assertNotNull(canceled.text("canceled_at"));
      assertNotNull(canceled.text("cancelation_requested_at"));
      // The connector is written right after the job.
      Await.until("connector " + MAIN + " to record the cancel", Duration.ofMinutes(1), () -> fx.connector(MAIN).lastSyncStatus(),
          s -> s == JobStatus.CANCELED);
      lock.rollback();
    }
    // The connector is free again: the next sync completes and the mirror is exact.
    LauncherProcess.Result r = fx.cli(fx.cliConfig(), "sync", MAIN, "--wait", "--json");
    assertEquals(0, r.exitCode(), r::stderr);
    assertEquals(rows, fx.indexCount(MAIN));
  }

  @Test
  @Order(5)
  void sigtermSuspendsThenTheNextLauncherResumesOnce() throws Exception {
    fx.createConnector(SIG, fx.pgConfig);
    Path config = fx.launcherConfig("launcher-sigterm", List.of(SIG), 60);
    String jobId;
    LauncherProcess first;
    try (Connection lock = fx.lockTable()) {
      first = fx.launcher("launcher-sigterm-1", config, "poll");
      jobId = fx.requestSync(SIG);
      fx.awaitJob(jobId, SYNC_TIMEOUT, JobStatus.IN_PROGRESS);
      first.term(Duration.ofMinutes(1));
      SyncJob suspended = fx.job(jobId);
      assertEquals(JobStatus.SUSPENDED, suspended.status(), () -> safeLog(first));
      assertNull(suspended.text("completed_at"));
      assertEquals(JobStatus.SUSPENDED, fx.connector(SIG).lastSyncStatus());
      lock.rollback();
    }
    LauncherProcess second = fx.launcher("launcher-sigterm-2", config, "poll");
    SyncJob done = fx.awaitJob(jobId, SYNC_TIMEOUT, JobStatus.COMPLETED, JobStatus.ERROR);
    assertEquals(JobStatus.COMPLETED, done.status(), done::error);
    assertEquals(rows, done.counter("indexed_document_count"));
    assertEquals(rows, fx.indexCount(SIG));
    assertEquals(1, claims(first, jobId));
    assertEquals(1, claims(second, jobId));
    assertTrue(second.log().contains("resuming it after a suspension"));
    second.term(Duration.ofMinutes(1));
  }

  @Test
  @Order(6)
  void sigkillMidJobThenRestartMarksItErrorAndTheNextSyncConverges() throws Exception {
    fx.createConnector(KILL, fx.pgConfig);
    Path config = fx.launcherConfig("launcher-sigkill", List.of(KILL), 8);
    String jobId;
    try (Connection lock = fx.lockTable()) {
      LauncherProcess first = fx.launcher("launcher-sigkill-1", config, "poll");
      jobId = fx.requestSync(KILL);
      fx.awaitJob(jobId, SYNC_TIMEOUT, JobStatus.IN_PROGRESS);
      first.kill();
      lock.rollback();
    }
    assertEquals(JobStatus.IN_PROGRESS, fx.job(jobId).status());
    LauncherProcess second = fx.launcher("launcher-sigkill-2", config, "poll");
    SyncJob dead = fx.awaitJob(jobId, Duration.ofMinutes(2), JobStatus.ERROR, JobStatus.COMPLETED);
    assertEquals(JobStatus.ERROR, dead.status());
    assertTrue(dead.error().contains("has not reported"), dead.error());
    assertEquals(0, claims(second, jobId));
    Await.until("connector " + KILL + " to record the error", Duration.ofMinutes(1), () -> fx.connector(KILL).lastSyncStatus(),
        s -> s == JobStatus.ERROR);
    LauncherProcess.Result r = fx.cli(fx.cliConfig(), "sync", KILL, "--wait", "--json");
    assertEquals(0, r.exitCode(), r::stderr);
    assertEquals(rows, fx.indexCount(KILL));
    second.term(Duration.ofMinutes(1));
  }

  @Test
  @Order(7)
  void twoLaunchersRacingOnOnePendingJobStartOneRunner() throws Exception {
    fx.createConnector(RACE, fx.pgConfig);
    String jobId = fx.requestSync(RACE);
    Path config = fx.launcherConfig("launcher-race", List.of(RACE), 60);
    LauncherProcess a = LauncherProcess.start("launcher-race-a", fx.dir, List.of("--config", config.toString(), "--action", "execute"));
    LauncherProcess b = LauncherProcess.start("launcher-race-b", fx.dir, List.of("--config", config.toString(), "--action", "execute"));
    fx.track(a);
    fx.track(b);
    SyncJob done = fx.awaitJob(jobId, SYNC_TIMEOUT, JobStatus.COMPLETED, JobStatus.ERROR);
    assertEquals(JobStatus.COMPLETED, done.status(), done::error);
    assertEquals(rows, done.counter("indexed_document_count"));
    assertEquals(1, claims(a, jobId) + claims(b, jobId), () -> safeLog(a) + safeLog(b));
    a.term(Duration.ofMinutes(1));
    b.term(Duration.ofMinutes(1));
  }

  @Test
  @Order(8)
  void pendingJobOfADeletedConnectorBecomesError() throws Exception {
    fx.createConnector(GONE, fx.pgConfig);
    String jobId = fx.requestSync(GONE);
    LauncherProcess.Result r = fx.cli(fx.cliConfig(), "connector", "delete", GONE);
    assertEquals(0, r.exitCode(), r::stderr);
    SyncJob j = fx.awaitJob(jobId, Duration.ofMinutes(1), JobStatus.ERROR);
    assertTrue(j.error().contains("was deleted"), j.error());
    assertNull(j.text("started_at"));
    assertTrue(fx.protocol.connector(GONE).orElseThrow().deleted(), "soft delete keeps the document");
  }

  @Test
  @Order(9)
  void secondsLevelCronFiresOncePerFireTimeWithTwoLaunchersRacing() throws Exception {
    fx.createConnector(CRON, fx.pgConfig);
    Path config = fx.launcherConfig("launcher-cron", List.of(CRON), 60);
    LauncherProcess a = fx.launcher("launcher-cron-a", config, "schedule");
    LauncherProcess b = fx.launcher("launcher-cron-b", config, "schedule");
    // Enable between fire times (every 15 s), watch three of them, stop between fire times.
    awaitSecondOfQuarter(2, 5);
    LauncherProcess.Result r = fx.cli(fx.cliConfig(), "connector", "schedule", CRON, "--cron", "0/15 * * * * ?");
    assertEquals(0, r.exitCode(), r::stderr);
    // Counted from when the schedule is surely written (a CLI JVM can take seconds on a busy
    // machine): a fire time before that may or may not have been seen by a launcher's wake-up.
    Instant enabled = Instant.now();
    List<Instant> fires = new ArrayList<>();
    Instant next = enabled.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusSeconds(15 - (enabled.atZone(ZoneOffset.UTC).getSecond() % 15)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    for (int i = 0; i < 3; i++) {
      fires.add(next.plusSeconds(15L * i));
    }
    Instant stopAt = fires.get(2).plusSeconds(9);
    List<String> seen = new ArrayList<>();
    // Nobody executes here: the test cancels each scheduled job once seen, so a pending job never
    // holds back the next fire time.
    while (Instant.now().isBefore(stopAt)) {
      // Search is near real time: a job cancelled a moment ago can still be listed as pending.
      for (SyncJob j : fx.protocol.jobs(JobQuery.withStatuses(Set.of(JobStatus.PENDING)).forConnectors(List.of(CRON)))) {
        if (!seen.contains(j.id())) {
          fx.protocol.updateJob(j.id(), Map.of("status", "canceled", "canceled_at", DirectProtocol.now()));
          seen.add(j.id());
        }
      }
      Thread.sleep(200);
    }
    a.term(Duration.ofMinutes(1));
    b.term(Duration.ofMinutes(1));
    // Newest first: the jobs index outlives a run where the fixture is reused, and the oldest
    // hundred jobs of this connector may all come from earlier runs.
    List<SyncJob> scheduled = fx.protocol.jobs(JobQuery.withStatuses(Set.of()).forConnectors(List.of(CRON)).sortedNewestFirst()).stream()
        .filter(j -> !j.createdAt().isBefore(fires.get(0)))
        .sorted(java.util.Comparator.comparing(SyncJob::createdAt)).toList();
    assertEquals(3, scheduled.size(), () -> "fire times " + fires + ", jobs " + scheduled.stream()
        .map(j -> j.text("created_at")).toList());
    for (int i = 0; i < 3; i++) {
      Instant created = scheduled.get(i).createdAt();
      assertEquals("scheduled", scheduled.get(i).triggerMethod());
      assertFalse(created.isBefore(fires.get(i)), "job " + i + " created " + created + " before its fire time " + fires.get(i));
      assertTrue(created.isBefore(fires.get(i).plusSeconds(15)), "job " + i + " created " + created + " too late");
    }
    assertEquals(fires.get(2), fx.connector(CRON).lastScheduledAt(io.beamconnectors.launcher.protocol.JobType.FULL));

    // Catch-up: no launcher while a fire time passes, then one launcher creates one job for it.
    Instant missed = fires.get(2).plusSeconds(15);
    Await.until("a fire time to pass with no launcher", Duration.ofSeconds(40), Instant::now, t -> t.isAfter(missed.plusSeconds(1)));
    LauncherProcess c = fx.launcher("launcher-cron-c", config, "schedule");
    SyncJob catchUp = Await.until("the catch-up job", Duration.ofMinutes(1),
        () -> fx.protocol.jobs(JobQuery.withStatuses(Set.of(JobStatus.PENDING)).forConnectors(List.of(CRON))),
        l -> !l.isEmpty()).get(0);
    assertEquals("scheduled", catchUp.triggerMethod());
    c.term(Duration.ofMinutes(1));
    List<SyncJob> pending = fx.protocol.jobs(JobQuery.withStatuses(Set.of(JobStatus.PENDING)).forConnectors(List.of(CRON)));
    assertEquals(1, pending.size(), "one catch-up job, and no second pending one");
    fx.protocol.updateJob(catchUp.id(), Map.of("status", "canceled"));
  }

  private static void awaitSecondOfQuarter(int from, int to) throws Exception {
    Await.until("a quiet moment between fire times", Duration.ofSeconds(30),
        () -> Instant.now().atZone(ZoneOffset.UTC).getSecond() % 15, s -> s >= from && s <= to);
  }

  @Test
  @Order(11)
  void plantedSecretAppearsInNoLogArgumentOrJobDocument() throws Exception {
    List<Path> files = fx.outputFiles();
    assertFalse(files.isEmpty());
    int submissions = 0;
    for (Path f : files) {
      String text = Files.readString(f, StandardCharsets.UTF_8);
      assertFalse(text.contains(SECRET), "the planted secret is in " + f);
      assertFalse(text.contains(FixtureEnv.require("BC_ES_PASSWORD", "elasticsearch") + ","),
          "the Elasticsearch password is in " + f);
      for (String line : text.split("\n")) {
        if (line.contains("with arguments [")) {
          submissions++;
          assertTrue(line.contains("--esCredentialEnv=BC_LAUNCHER_ES_CREDENTIAL"), line);
        }
      }
    }
    assertTrue(submissions >= 5, "submitted arguments are logged (found " + submissions + ")");
    for (SyncJob j : fx.protocol.jobs(JobQuery.withStatuses(Set.of()).forConnectors(ALL).limit(1000))) {
      String error = j.error() == null ? "" : j.error();
      assertFalse(error.contains(SECRET), "job " + j.id() + " error has the secret");
      assertFalse(j.source().path("metadata").toString().contains(SECRET), "job " + j.id() + " metadata has the secret");
    }
    for (ConnectorDocument c : fx.protocol.connectors(ALL)) {
      assertFalse(String.valueOf(c.error()).contains(SECRET));
      assertFalse(String.valueOf(c.text("last_sync_error")).contains(SECRET));
    }
    LauncherProcess.Result shown = fx.cli(fx.cliConfig(), "connector", "show", MAIN);
    assertEquals(0, shown.exitCode(), shown::stderr);
    assertFalse(shown.stdout().contains(SECRET), "connector show masks sensitive values");
    assertTrue(shown.stdout().contains("********"));
  }

  @Test
  @Order(13)
  void wrongElasticsearchPasswordIsOneLineNamingTheFix() throws Exception {
    Path config = fx.dir.resolve("wrong-password.yml");
    Files.writeString(config, "elasticsearch:\n  host: ${BC_ES_URL}\n  username: elastic\n  password: not-the-password\n",
        StandardCharsets.UTF_8);
    LauncherProcess.Result r = fx.cli(config, "connector", "list");
    assertEquals(3, r.exitCode());
    List<String> lines = r.stderr().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), r.stderr());
    assertTrue(lines.get(0).contains("401") && lines.get(0).contains("elasticsearch.password"), lines.get(0));
    assertFalse(r.stderr().contains("at io.beamconnectors"), "no stack trace");
    assertFalse(r.stderr().contains("Log4j"), r.stderr());
  }

  /** An encoded API key that may do everything on the given indices and nothing else. */
  private String apiKey(String name, String index) throws Exception {
    try (org.elasticsearch.client.RestClient client = IndexInspector.connection(index).createClient()) {
      org.elasticsearch.client.Request post = new org.elasticsearch.client.Request("POST", "/_security/api_key");
      post.setJsonEntity("{\"name\":\"" + name + "\",\"expiration\":\"1h\",\"role_descriptors\":{\"content\":"
          + "{\"indices\":[{\"names\":[\"" + index + "\"],\"privileges\":[\"all\"]}]}}}");
      return JSON.readTree(client.performRequest(post).getEntity().getContent()).path("encoded").asText();
    }
  }

  /**
   * connectors[].api_key: the content index is written with the connector's own key (a key for
   * another index makes the sync fail on the content index, a key for this one completes it), the
   * job documents with the launcher's credential; neither key reaches a log line or an argument.
   */
  @Test
  @Order(12)
  void perConnectorApiKeyWritesTheContentIndex() throws Exception {
    fx.createConnector(KEYED, fx.pgConfig);
    String wrongKey = apiKey("bc-launcher-ftest-wrong", "search-bc-launcher-not-this-one");
    String rightKey = apiKey("bc-launcher-ftest-right", index(KEYED));
    for (String key : List.of(wrongKey, rightKey)) {
      boolean right = key.equals(rightKey);
      Path base = fx.launcherConfig("launcher-apikey-" + (right ? "right" : "wrong"), List.of(KEYED), 60);
      Path config = fx.dir.resolve("launcher-apikey-" + (right ? "right" : "wrong") + "-key.yml");
      Files.writeString(config, Files.readString(base, StandardCharsets.UTF_8) + "    api_key: " + key + "\n",
          StandardCharsets.UTF_8);
      Files.delete(base);
      LauncherProcess p = fx.launcher("launcher-apikey-" + (right ? "right" : "wrong"), config, "execute");
      String jobId = fx.requestSync(KEYED);
      SyncJob done = fx.awaitJob(jobId, SYNC_TIMEOUT, JobStatus.COMPLETED, JobStatus.ERROR);
      p.term(Duration.ofMinutes(1));
      String log = p.log();
      assertTrue(log.contains("--esContentApiKeyEnv=BC_LAUNCHER_ES_CONTENT_API_KEY"), log);
      assertFalse(log.contains(key), "the connector's API key is in the launcher's log");
      assertFalse(String.valueOf(done.error()).contains(key), "the connector's API key is in the job error");
      if (right) {
        assertEquals(JobStatus.COMPLETED, done.status(), done::error);
        assertEquals(rows, done.counter("indexed_document_count"));
        assertEquals(rows, fx.indexCount(KEYED));
      } else {
        assertEquals(JobStatus.ERROR, done.status(), "a key without rights on the content index must fail the sync");
        // One line naming the index, the status and the fix; not the client's raw exception.
        assertTrue(done.error().startsWith("Elasticsearch refused the content index '" + index(KEYED) + "'")
            && done.error().contains("HTTP 403 Forbidden")
            && done.error().contains("index privilege"), done.error());
        assertFalse(done.error().contains("ResponseException") || done.error().contains("\n"), done.error());
      }
    }
  }

  /**
   * Elasticsearch restarted mid-job. Only on an Elasticsearch this test may restart: set
   * BC_LAUNCHER_ES_RUN_DIR to the BC_RUN_DIR it was started with (never the shared fixture).
   */
  @Test
  @Order(14)
  void elasticsearchRestartedMidJobEndsTheJobAndTheNextSyncConverges() throws Exception {
    String runDir = System.getenv("BC_LAUNCHER_ES_RUN_DIR");
    assumeTrue(runDir != null && !runDir.isBlank() && System.getenv("BC_ES_PORT") != null
        && System.getenv("BC_ES_TRANSPORT_PORT") != null, "restarting Elasticsearch needs an instance of this test's own:"
        + " set BC_LAUNCHER_ES_RUN_DIR to its BC_RUN_DIR and BC_ES_PORT/BC_ES_TRANSPORT_PORT to its ports (the shared"
        + " fixture is never restarted)");
    assertTrue(FixtureEnv.require("BC_ES_URL", "elasticsearch").endsWith(":" + System.getenv("BC_ES_PORT")),
        "BC_ES_PORT must be the port of BC_ES_URL");
    assertTrue(mainLauncher != null && mainLauncher.alive());
    String jobId;
    try (Connection lock = fx.lockTable()) {
      jobId = fx.requestSync(MAIN);
      fx.awaitJob(jobId, SYNC_TIMEOUT, JobStatus.IN_PROGRESS);
      fixture(runDir, "stop");
      lock.rollback();
      fixture(runDir, "start");
    }
    SyncJob ended = fx.awaitJob(jobId, Duration.ofMinutes(10), JobStatus.COMPLETED, JobStatus.ERROR);
    assertTrue(mainLauncher.alive(), "the launcher survives an Elasticsearch restart");
    LauncherProcess.Result r = fx.cli(fx.cliConfig(), "sync", MAIN, "--wait", "--json");
    assertEquals(0, r.exitCode(), () -> "after the restart (the interrupted job ended " + ended.status() + "): "
        + r.stdout() + r.stderr());
    assertEquals(rows, fx.indexCount(MAIN));
  }

  private static void fixture(String runDir, String action) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "fixtures/elasticsearch.sh", action).inheritIO();
    pb.environment().put("BC_RUN_DIR", runDir);
    Process p = pb.start();
    if (!p.waitFor(15, java.util.concurrent.TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new AssertionError("elasticsearch.sh " + action + " failed");
    }
  }
}
