package io.beamconnectors.ftest.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamconnectors.elasticsearch.ElasticsearchConnection;
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
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DATABASE = "bc_launcher";
  private static final String TABLE = "launcher_items";
  private static final String ROLE = "bc_launcher_reader";
  private static final String SECRET = "Pl4nted-Secret-ß-7319-launcher";
  private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration CLI_TIMEOUT = Duration.ofMinutes(2);
  private static final String MAIN = "bc-launcher-main";
  private static final String BAD = "bc-launcher-bad";
  private static final String SIG = "bc-launcher-sigterm";
  private static final String KILL = "bc-launcher-sigkill";
  private static final String RACE = "bc-launcher-race";
  private static final String GONE = "bc-launcher-deleted";
  private static final String CRON = "bc-launcher-cron";
  private static final String FLINK = "bc-launcher-flink";
  private static final String KEYED = "bc-launcher-apikey";
  private static final List<String> ALL = List.of(MAIN, BAD, SIG, KILL, RACE, GONE, CRON, FLINK, KEYED);

  private final Path dir = Path.of("target", "launcher-ftest");
  private final List<LauncherProcess> processes = new ArrayList<>();
  private Connection admin;
  private DirectProtocol protocol;
  private Path pgConfig;
  private Path badConfig;
  private LauncherProcess mainLauncher;
  private int rows;
  private int cliRuns;
  private String esVersion;

  @BeforeAll
  void setUp() throws Exception {
    Files.createDirectories(dir);
    try (Stream<Path> old = Files.list(dir)) {
      for (Path p : old.toList()) {
        Files.delete(p);
      }
    }
    String server = "jdbc:postgresql://" + FixtureEnv.require("BC_PG_HOST", "postgresql") + ":"
        + FixtureEnv.require("BC_PG_PORT", "postgresql") + "/";
    String user = FixtureEnv.require("BC_PG_USER", "postgresql");
    String password = FixtureEnv.require("BC_PG_PASSWORD", "postgresql");
    try (Connection c = DriverManager.getConnection(server + FixtureEnv.require("BC_PG_DATABASE", "postgresql"), user, password);
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + DATABASE);
      s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ROLE + "') THEN CREATE ROLE "
          + ROLE + " LOGIN; END IF; END $$");
      s.execute("ALTER ROLE " + ROLE + " PASSWORD '" + SECRET + "'");
    }
    admin = DriverManager.getConnection(server + DATABASE, user, password);
    try (Statement s = admin.createStatement()) {
      s.execute("CREATE TABLE " + TABLE + " (id integer PRIMARY KEY, name text, note text)");
      s.execute("GRANT CONNECT ON DATABASE " + DATABASE + " TO " + ROLE);
      s.execute("GRANT USAGE ON SCHEMA public TO " + ROLE);
      s.execute("GRANT SELECT ON " + TABLE + " TO " + ROLE);
    }
    // Awkward values: unicode, separators, case twins, empty strings, a large text.
    String[] names = {"Zürich 東京 🙂", "a,b;c|d/e\\f", "Alpha", "alpha", "", "x".repeat(100_000), "tab\tand\nnewline"};
    try (PreparedStatement ps = admin.prepareStatement("INSERT INTO " + TABLE + " VALUES (?, ?, ?)")) {
      for (int i = 1; i <= 40; i++) {
        ps.setInt(1, i);
        ps.setString(2, names[i % names.length]);
        ps.setString(3, "note " + i);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    rows = 40;

    ElasticsearchConnection es = ElasticsearchConnection.of(FixtureEnv.require("BC_ES_URL", "elasticsearch"), null)
        .withBasicAuth(FixtureEnv.get("BC_ES_USERNAME", "elastic"), FixtureEnv.require("BC_ES_PASSWORD", "elasticsearch"));
    esVersion = elasticsearchVersion(es);
    // Printed (surefire keeps it in the suite's output) and checked: run.sh runs this suite against
    // two Elasticsearch versions and names each pass after the version it expects.
    System.out.println("LauncherFtest runs against Elasticsearch " + esVersion + " at " + es.urls());
    String expected = System.getenv("BC_ES_EXPECTED_VERSION");
    if (expected != null && !expected.isBlank()) {
      assertEquals(expected, esVersion, "BC_ES_EXPECTED_VERSION names another Elasticsearch than BC_ES_URL's");
    }
    protocol = new DirectProtocol(es);
    protocol.ensureIndices();
    for (String id : ALL) {
      protocol.deleteConnectorDocument(id); // left by an earlier run
      try (IndexInspector index = new IndexInspector(IndexInspector.connection(index(id)))) {
        index.deleteIndex();
      }
    }
    // Jobs of earlier runs must not be picked up: their connectors are re-created, so end them.
    for (SyncJob j : protocol.jobs(JobQuery.withStatuses(Set.of(JobStatus.PENDING, JobStatus.SUSPENDED,
        JobStatus.IN_PROGRESS, JobStatus.CANCELING)).forConnectors(ALL).limit(1000))) {
      protocol.updateJob(j.id(), Map.of("status", "error", "error", "left over by an earlier ftest run"));
    }
    pgConfig = writeConfiguration("pg.json", Map.of("host", FixtureEnv.require("BC_PG_HOST", "postgresql"),
        "port", Integer.parseInt(FixtureEnv.require("BC_PG_PORT", "postgresql")), "username", ROLE,
        "password", SECRET, "database", DATABASE, "tables", TABLE));
    badConfig = writeConfiguration("bad.json", Map.of("host", FixtureEnv.require("BC_PG_HOST", "postgresql"),
        "port", "not-a-port", "username", ROLE, "password", SECRET, "database", DATABASE));
  }

  @AfterAll
  void tearDown() throws Exception {
    for (LauncherProcess p : processes) {
      p.close();
    }
    if (protocol != null) {
      protocol.close();
    }
    if (admin != null) {
      admin.close();
    }
  }

  /** {@code version.number} of {@code GET /}. */
  private static String elasticsearchVersion(ElasticsearchConnection es) throws Exception {
    try (org.elasticsearch.client.RestClient client = es.createClient()) {
      org.elasticsearch.client.Response r = client.performRequest(new org.elasticsearch.client.Request("GET", "/"));
      return JSON.readTree(r.getEntity().getContent()).path("version").path("number").asText("?");
    }
  }

  private static String index(String connectorId) {
    return "search-" + connectorId;
  }

  private Path writeConfiguration(String name, Map<String, Object> values) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, JSON.writeValueAsString(values), StandardCharsets.UTF_8);
    return p;
  }

  /** A launcher config.yml serving {@code connectors}, with thresholds in seconds. */
  private Path launcherConfig(String name, List<String> connectors, double idleThreshold) throws Exception {
    StringBuilder y = new StringBuilder();
    y.append("elasticsearch:\n  host: ${BC_ES_URL}\n  username: ${BC_ES_USERNAME:-elastic}\n  password: ${BC_ES_PASSWORD}\n");
    y.append("service:\n  idling: 1\n  heartbeat: 5\n  job_cleanup_interval: 2\n  idle_job_threshold: ")
        .append(idleThreshold).append("\n  job_reporting_interval: 1\n  job_check_interval: 1\n")
        .append("  max_concurrent_content_syncs: 2\n  worker_hostname: ").append(name).append("\n");
    y.append("connectors:\n");
    for (String c : connectors) {
      y.append("  - connector_id: ").append(c).append("\n    service_type: postgresql\n");
    }
    Path p = dir.resolve(name + ".yml");
    Files.writeString(p, y.toString(), StandardCharsets.UTF_8);
    return p;
  }

  /** A config for the flink runner: the session cluster of ftest/fixtures/flink.sh and the shaded pipelines jar. */
  private Path flinkConfig(String name, List<String> connectors) throws Exception {
    Path base = launcherConfig(name, connectors, 60);
    String y = Files.readString(base, StandardCharsets.UTF_8) + "runner:\n  type: flink\n  flink:\n    master: "
        + System.getenv("BC_FLINK_MASTER") + "\n    parallelism: 1\n    jar: " + System.getenv("BC_FLINK_PIPELINES_JAR") + "\n";
    Files.writeString(base, y, StandardCharsets.UTF_8);
    return base;
  }

  /** The state of the newest Flink job with this name, from the cluster's REST API, or null. */
  private static String flinkJobState(String name) throws Exception {
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + System.getenv("BC_FLINK_MASTER") + "/jobs/overview"))
            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    String state = null;
    long start = -1;
    for (JsonNode j : JSON.readTree(r.body()).path("jobs")) {
      if (name.equals(j.path("name").asText()) && j.path("start-time").asLong() > start) {
        start = j.path("start-time").asLong();
        state = j.path("state").asText();
      }
    }
    return state;
  }

  private static void assumeFlink() {
    String master = System.getenv("BC_FLINK_MASTER");
    String jar = System.getenv("BC_FLINK_PIPELINES_JAR");
    assumeTrue(master != null && !master.isBlank() && jar != null && Files.isRegularFile(Path.of(jar)),
        "flink runner cases need a Flink session cluster (ftest/fixtures/flink.sh start, BC_FLINK_MASTER) and the shaded"
            + " pipelines jar (make jar, BC_FLINK_PIPELINES_JAR); not set here");
  }

  private LauncherProcess launcher(String name, Path config, String action) throws Exception {
    LauncherProcess p = LauncherProcess.start(name, dir, List.of("--config", config.toString(), "--action", action));
    processes.add(p);
    Await.until(name + " to start", Duration.ofMinutes(2), () -> p.log().contains("Launcher started") || !p.alive(),
        b -> b);
    assertTrue(p.alive(), () -> name + " exited at start:\n" + safeLog(p));
    return p;
  }

  private static String safeLog(LauncherProcess p) {
    try {
      return p.log();
    } catch (Exception e) {
      return e.toString();
    }
  }

  private LauncherProcess.Result cli(Path config, String... args) throws Exception {
    List<String> a = new ArrayList<>(List.of("--config", config.toString()));
    a.addAll(List.of(args));
    return LauncherProcess.run(dir, "cli-" + (++cliRuns), args.length > 0 && args[0].equals("sync") ? SYNC_TIMEOUT.plusMinutes(1)
        : CLI_TIMEOUT, a);
  }

  private Path cliConfig() throws Exception {
    return launcherConfig("cli", List.of(), 30);
  }

  private void createConnector(String id, Path configuration) throws Exception {
    LauncherProcess.Result r = cli(cliConfig(), "connector", "create", "--id", id, "--service-type", "postgresql",
        "--index-name", index(id), "--configuration", configuration.toString());
    assertEquals(0, r.exitCode(), () -> "connector create: " + r.stderr());
  }

  private String requestSync(String connectorId) throws Exception {
    LauncherProcess.Result r = cli(cliConfig(), "sync", connectorId, "--json");
    assertEquals(0, r.exitCode(), () -> "sync: " + r.stderr());
    return JSON.readTree(r.stdout()).path("job_id").asText();
  }

  private SyncJob job(String id) throws Exception {
    return protocol.job(id).orElseThrow();
  }

  private SyncJob awaitJob(String id, Duration timeout, JobStatus... statuses) throws Exception {
    Set<JobStatus> want = Set.of(statuses);
    return Await.until("job " + id + " to be " + want, timeout, () -> job(id), j -> want.contains(j.status()));
  }

  private ConnectorDocument connector(String id) throws Exception {
    return protocol.connector(id).orElseThrow();
  }

  private long indexCount(String connectorId) throws Exception {
    try (IndexInspector index = new IndexInspector(IndexInspector.connection(index(connectorId)))) {
      return index.count();
    }
  }

  private static long claims(LauncherProcess p, String jobId) throws Exception {
    return Pattern.compile("Claimed job " + Pattern.quote(jobId) + " ").matcher(p.log()).results().count();
  }

  /** Holds an exclusive lock on the source table, so a sync blocks in its listing until released. */
  private Connection lockTable() throws Exception {
    Connection c = DriverManager.getConnection(admin.getMetaData().getURL(), FixtureEnv.require("BC_PG_USER", "postgresql"),
        FixtureEnv.require("BC_PG_PASSWORD", "postgresql"));
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("LOCK TABLE " + TABLE + " IN ACCESS EXCLUSIVE MODE");
    }
    return c;
  }

  @Test
  @Order(1)
  void cancelWhilePendingNeverRuns() throws Exception {
    createConnector(MAIN, pgConfig);
    String jobId = requestSync(MAIN);
    assertEquals(JobStatus.PENDING, job(jobId).status());
    LauncherProcess.Result r = cli(cliConfig(), "job", "cancel", jobId);
    assertEquals(0, r.exitCode(), r::stderr);
    SyncJob canceled = job(jobId);
    assertEquals(JobStatus.CANCELED, canceled.status());
    assertNotNull(canceled.text("canceled_at"));
    assertNotNull(canceled.text("cancelation_requested_at"));
    // The launcher that serves the connector starts now: the canceled job must never run.
    mainLauncher = launcher("launcher-main", launcherConfig("launcher-main", List.of(MAIN, BAD), 30), "poll");
    Await.until("connector " + MAIN + " to be connected", Duration.ofMinutes(2), () -> connector(MAIN).text("status"),
        "connected"::equals);
    assertEquals(JobStatus.CANCELED, job(jobId).status());
    assertNull(job(jobId).text("started_at"));
    assertEquals(0, claims(mainLauncher, jobId));
  }

  @Test
  @Order(2)
  void createConfigureSyncWaitWithExactCounters() throws Exception {
    LauncherProcess.Result r = cli(cliConfig(), "sync", MAIN, "--wait", "--timeout", Long.toString(SYNC_TIMEOUT.toSeconds()),
        "--json");
    assertEquals(0, r.exitCode(), () -> "sync --wait: " + r.stdout() + r.stderr() + "\n" + safeLog(mainLauncher));
    JsonNode printed = JSON.readTree(r.stdout());
    assertEquals("completed", printed.path("status").asText());
    assertEquals(rows, printed.path("indexed_document_count").asLong());
    assertEquals(rows, printed.path("total_document_count").asLong());
    SyncJob job = job(printed.path("job_id").asText());
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
    assertEquals(rows, indexCount(MAIN));
    ConnectorDocument c = connector(MAIN);
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
    try (Statement s = admin.createStatement()) {
      s.execute("DELETE FROM " + TABLE + " WHERE id IN (3, 4)");
      s.execute("UPDATE " + TABLE + " SET note = 'changed ü' WHERE id = 5");
    }
    rows -= 2;
    LauncherProcess.Result again = cli(cliConfig(), "sync", MAIN, "--wait", "--json");
    assertEquals(0, again.exitCode(), again::stderr);
    SyncJob second = job(JSON.readTree(again.stdout()).path("job_id").asText());
    assertEquals(1, second.counter("indexed_document_count"));
    assertEquals(2, second.counter("deleted_document_count"));
    assertEquals(rows, second.counter("total_document_count"));
    assertEquals(rows, indexCount(MAIN));
    // The connector is written right after the job, so `sync --wait` may return before it is.
    Await.until("connector " + MAIN + " to record the deletes", Duration.ofMinutes(1),
        () -> connector(MAIN).source().path("last_deleted_document_count").asLong(), n -> n == 2);
  }

  @Test
  @Order(3)
  void badConfigurationSetsErrorNamingTheField() throws Exception {
    createConnector(BAD, badConfig);
    ConnectorDocument c = Await.until("connector " + BAD + " to be in error", Duration.ofMinutes(2), () -> connector(BAD),
        d -> "error".equals(d.text("status")));
    assertTrue(c.error().contains("port"), c.error());
    assertFalse(c.error().contains(SECRET), c.error());
  }

  @Test
  @Order(4)
  void cancelWhileRunning() throws Exception {
    try (Connection lock = lockTable()) {
      String jobId = requestSync(MAIN);
      awaitJob(jobId, SYNC_TIMEOUT, JobStatus.IN_PROGRESS);
      LauncherProcess.Result r = cli(cliConfig(), "job", "cancel", jobId);
      assertEquals(0, r.exitCode(), r::stderr);
      SyncJob canceled = awaitJob(jobId, Duration.ofMinutes(2), JobStatus.CANCELED, JobStatus.ERROR, JobStatus.COMPLETED);
      assertEquals(JobStatus.CANCELED, canceled.status(), () -> "job error: " + canceled.error());
      assertNotNull(canceled.text("canceled_at"));
      assertNotNull(canceled.text("cancelation_requested_at"));
      // The connector is written right after the job.
      Await.until("connector " + MAIN + " to record the cancel", Duration.ofMinutes(1), () -> connector(MAIN).lastSyncStatus(),
          s -> s == JobStatus.CANCELED);
      lock.rollback();
    }
    // The connector is free again: the next sync completes and the mirror is exact.
    LauncherProcess.Result r = cli(cliConfig(), "sync", MAIN, "--wait", "--json");
    assertEquals(0, r.exitCode(), r::stderr);
    assertEquals(rows, indexCount(MAIN));
  }

  @Test
  @Order(5)
  void sigtermSuspendsThenTheNextLauncherResumesOnce() throws Exception {
    createConnector(SIG, pgConfig);
    Path config = launcherConfig("launcher-sigterm", List.of(SIG), 60);
    String jobId;
    LauncherProcess first;
    try (Connection lock = lockTable()) {
      first = launcher("launcher-sigterm-1", config, "poll");
      jobId = requestSync(SIG);
      awaitJob(jobId, SYNC_TIMEOUT, JobStatus.IN_PROGRESS);
      first.term(Duration.ofMinutes(1));
      SyncJob suspended = job(jobId);
      assertEquals(JobStatus.SUSPENDED, suspended.status(), () -> safeLog(first));
      assertNull(suspended.text("completed_at"));
      assertEquals(JobStatus.SUSPENDED, connector(SIG).lastSyncStatus());
      lock.rollback();
    }
    LauncherProcess second = launcher("launcher-sigterm-2", config, "poll");
    SyncJob done = awaitJob(jobId, SYNC_TIMEOUT, JobStatus.COMPLETED, JobStatus.ERROR);
    assertEquals(JobStatus.COMPLETED, done.status(), done::error);
    assertEquals(rows, done.counter("indexed_document_count"));
    assertEquals(rows, indexCount(SIG));
    assertEquals(1, claims(first, jobId));
    assertEquals(1, claims(second, jobId));
    assertTrue(second.log().contains("resuming it after a suspension"));
    second.term(Duration.ofMinutes(1));
  }

  @Test
  @Order(6)
  void sigkillMidJobThenRestartMarksItErrorAndTheNextSyncConverges() throws Exception {
    createConnector(KILL, pgConfig);
    Path config = launcherConfig("launcher-sigkill", List.of(KILL), 8);
    String jobId;
    try (Connection lock = lockTable()) {
      LauncherProcess first = launcher("launcher-sigkill-1", config, "poll");
      jobId = requestSync(KILL);
      awaitJob(jobId, SYNC_TIMEOUT, JobStatus.IN_PROGRESS);
      first.kill();
      lock.rollback();
    }
    assertEquals(JobStatus.IN_PROGRESS, job(jobId).status());
    LauncherProcess second = launcher("launcher-sigkill-2", config, "poll");
    SyncJob dead = awaitJob(jobId, Duration.ofMinutes(2), JobStatus.ERROR, JobStatus.COMPLETED);
    assertEquals(JobStatus.ERROR, dead.status());
    assertTrue(dead.error().contains("has not reported"), dead.error());
    assertEquals(0, claims(second, jobId));
    Await.until("connector " + KILL + " to record the error", Duration.ofMinutes(1), () -> connector(KILL).lastSyncStatus(),
        s -> s == JobStatus.ERROR);
    LauncherProcess.Result r = cli(cliConfig(), "sync", KILL, "--wait", "--json");
    assertEquals(0, r.exitCode(), r::stderr);
    assertEquals(rows, indexCount(KILL));
    second.term(Duration.ofMinutes(1));
  }

  @Test
  @Order(7)
  void twoLaunchersRacingOnOnePendingJobStartOneRunner() throws Exception {
    createConnector(RACE, pgConfig);
    String jobId = requestSync(RACE);
    Path config = launcherConfig("launcher-race", List.of(RACE), 60);
    LauncherProcess a = LauncherProcess.start("launcher-race-a", dir, List.of("--config", config.toString(), "--action", "execute"));
    LauncherProcess b = LauncherProcess.start("launcher-race-b", dir, List.of("--config", config.toString(), "--action", "execute"));
    processes.add(a);
    processes.add(b);
    SyncJob done = awaitJob(jobId, SYNC_TIMEOUT, JobStatus.COMPLETED, JobStatus.ERROR);
    assertEquals(JobStatus.COMPLETED, done.status(), done::error);
    assertEquals(rows, done.counter("indexed_document_count"));
    assertEquals(1, claims(a, jobId) + claims(b, jobId), () -> safeLog(a) + safeLog(b));
    a.term(Duration.ofMinutes(1));
    b.term(Duration.ofMinutes(1));
  }

  @Test
  @Order(8)
  void pendingJobOfADeletedConnectorBecomesError() throws Exception {
    createConnector(GONE, pgConfig);
    String jobId = requestSync(GONE);
    LauncherProcess.Result r = cli(cliConfig(), "connector", "delete", GONE);
    assertEquals(0, r.exitCode(), r::stderr);
    SyncJob j = awaitJob(jobId, Duration.ofMinutes(1), JobStatus.ERROR);
    assertTrue(j.error().contains("was deleted"), j.error());
    assertNull(j.text("started_at"));
    assertTrue(protocol.connector(GONE).orElseThrow().deleted(), "soft delete keeps the document");
  }

  @Test
  @Order(9)
  void secondsLevelCronFiresOncePerFireTimeWithTwoLaunchersRacing() throws Exception {
    createConnector(CRON, pgConfig);
    Path config = launcherConfig("launcher-cron", List.of(CRON), 60);
    LauncherProcess a = launcher("launcher-cron-a", config, "schedule");
    LauncherProcess b = launcher("launcher-cron-b", config, "schedule");
    // Enable between fire times (every 15 s), watch three of them, stop between fire times.
    awaitSecondOfQuarter(2, 5);
    LauncherProcess.Result r = cli(cliConfig(), "connector", "schedule", CRON, "--cron", "0/15 * * * * ?");
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
      for (SyncJob j : protocol.jobs(JobQuery.withStatuses(Set.of(JobStatus.PENDING)).forConnectors(List.of(CRON)))) {
        if (!seen.contains(j.id())) {
          protocol.updateJob(j.id(), Map.of("status", "canceled", "canceled_at", DirectProtocol.now()));
          seen.add(j.id());
        }
      }
      Thread.sleep(200);
    }
    a.term(Duration.ofMinutes(1));
    b.term(Duration.ofMinutes(1));
    List<SyncJob> scheduled = protocol.jobs(JobQuery.withStatuses(Set.of()).forConnectors(List.of(CRON))).stream()
        .filter(j -> !j.createdAt().isBefore(fires.get(0))).toList();
    assertEquals(3, scheduled.size(), () -> "fire times " + fires + ", jobs " + scheduled.stream()
        .map(j -> j.text("created_at")).toList());
    for (int i = 0; i < 3; i++) {
      Instant created = scheduled.get(i).createdAt();
      assertEquals("scheduled", scheduled.get(i).triggerMethod());
      assertFalse(created.isBefore(fires.get(i)), "job " + i + " created " + created + " before its fire time " + fires.get(i));
      assertTrue(created.isBefore(fires.get(i).plusSeconds(15)), "job " + i + " created " + created + " too late");
    }
    assertEquals(fires.get(2), connector(CRON).lastScheduledAt(io.beamconnectors.launcher.protocol.JobType.FULL));

    // Catch-up: no launcher while a fire time passes, then one launcher creates one job for it.
    Instant missed = fires.get(2).plusSeconds(15);
    Await.until("a fire time to pass with no launcher", Duration.ofSeconds(40), Instant::now, t -> t.isAfter(missed.plusSeconds(1)));
    LauncherProcess c = launcher("launcher-cron-c", config, "schedule");
    SyncJob catchUp = Await.until("the catch-up job", Duration.ofMinutes(1),
        () -> protocol.jobs(JobQuery.withStatuses(Set.of(JobStatus.PENDING)).forConnectors(List.of(CRON))),
        l -> !l.isEmpty()).get(0);
    assertEquals("scheduled", catchUp.triggerMethod());
    c.term(Duration.ofMinutes(1));
    List<SyncJob> pending = protocol.jobs(JobQuery.withStatuses(Set.of(JobStatus.PENDING)).forConnectors(List.of(CRON)));
    assertEquals(1, pending.size(), "one catch-up job, and no second pending one");
    protocol.updateJob(catchUp.id(), Map.of("status", "canceled"));
  }

  private static void awaitSecondOfQuarter(int from, int to) throws Exception {
    Await.until("a quiet moment between fire times", Duration.ofSeconds(30),
        () -> Instant.now().atZone(ZoneOffset.UTC).getSecond() % 15, s -> s >= from && s <= to);
  }

  @Test
  @Order(10)
  void flinkRunnerSyncsThenCancelsThenReattachesAfterSigkill() throws Exception {
    assumeFlink();
    createConnector(FLINK, pgConfig);
    Path config = flinkConfig("launcher-flink", List.of(FLINK));
    LauncherProcess first = launcher("launcher-flink-1", config, "poll");
    LauncherProcess.Result r = cli(cliConfig(), "sync", FLINK, "--wait", "--json");
    assertEquals(0, r.exitCode(), () -> r.stdout() + r.stderr() + safeLog(first));
    SyncJob done = job(JSON.readTree(r.stdout()).path("job_id").asText());
    assertEquals(rows, done.counter("indexed_document_count"));
    assertEquals(rows, done.counter("total_document_count"));
    assertEquals(rows, indexCount(FLINK));
    assertTrue(first.log().contains("--jobName=bc-sync-"), "the Flink job is named after the sync job");

    // Cancel while running: the listing is held by a table lock, so the Flink job is mid-run.
    try (Connection lock = lockTable()) {
      String jobId = requestSync(FLINK);
      awaitJob(jobId, SYNC_TIMEOUT, JobStatus.IN_PROGRESS);
      assertEquals(0, cli(cliConfig(), "job", "cancel", jobId).exitCode());
      SyncJob canceled = awaitJob(jobId, Duration.ofMinutes(3), JobStatus.CANCELED, JobStatus.ERROR, JobStatus.COMPLETED);
      assertEquals(JobStatus.CANCELED, canceled.status(), canceled::error);
      lock.rollback();
    }

    // SIGKILL the launcher while its Flink job runs: the next launcher re-attaches by job name.
    String jobId;
    try (Connection lock = lockTable()) {
      jobId = requestSync(FLINK);
      awaitJob(jobId, SYNC_TIMEOUT, JobStatus.IN_PROGRESS);
      Await.until("the Flink job to be submitted", Duration.ofMinutes(3), () -> first.log(),
          l -> l.contains("Submitting sync job " + jobId));
      Await.until("the Flink job to run on the cluster", Duration.ofMinutes(3), () -> flinkJobState("bc-sync-"
          + jobId.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-")), "RUNNING"::equals);
      first.kill();
      LauncherProcess second = launcher("launcher-flink-2", config, "poll");
      Await.until("the re-attachment", Duration.ofMinutes(2), second::log, l -> l.contains("Re-attached to job " + jobId));
      lock.rollback();
      SyncJob after = awaitJob(jobId, SYNC_TIMEOUT, JobStatus.COMPLETED, JobStatus.ERROR);
      assertEquals(JobStatus.COMPLETED, after.status(), after::error);
      assertEquals(0, claims(second, jobId), "re-attached, not run again");
      second.term(Duration.ofMinutes(1));
    }
    assertEquals(rows, indexCount(FLINK));
  }

  @Test
  @Order(11)
  void plantedSecretAppearsInNoLogArgumentOrJobDocument() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".out") || p.toString().endsWith(".err")).toList();
    }
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
    for (SyncJob j : protocol.jobs(JobQuery.withStatuses(Set.of()).forConnectors(ALL).limit(1000))) {
      String error = j.error() == null ? "" : j.error();
      assertFalse(error.contains(SECRET), "job " + j.id() + " error has the secret");
      assertFalse(j.source().path("metadata").toString().contains(SECRET), "job " + j.id() + " metadata has the secret");
    }
    for (ConnectorDocument c : protocol.connectors(ALL)) { // the flink one exists only when its case ran
      assertFalse(String.valueOf(c.error()).contains(SECRET));
      assertFalse(String.valueOf(c.text("last_sync_error")).contains(SECRET));
    }
    LauncherProcess.Result shown = cli(cliConfig(), "connector", "show", MAIN);
    assertEquals(0, shown.exitCode(), shown::stderr);
    assertFalse(shown.stdout().contains(SECRET), "connector show masks sensitive values");
    assertTrue(shown.stdout().contains("********"));
  }

  @Test
  @Order(13)
  void wrongElasticsearchPasswordIsOneLineNamingTheFix() throws Exception {
    Path config = dir.resolve("wrong-password.yml");
    Files.writeString(config, "elasticsearch:\n  host: ${BC_ES_URL}\n  username: elastic\n  password: not-the-password\n",
        StandardCharsets.UTF_8);
    LauncherProcess.Result r = cli(config, "connector", "list");
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
    createConnector(KEYED, pgConfig);
    String wrongKey = apiKey("bc-launcher-ftest-wrong", "search-bc-launcher-not-this-one");
    String rightKey = apiKey("bc-launcher-ftest-right", index(KEYED));
    for (String key : List.of(wrongKey, rightKey)) {
      boolean right = key.equals(rightKey);
      Path base = launcherConfig("launcher-apikey-" + (right ? "right" : "wrong"), List.of(KEYED), 60);
      Path config = dir.resolve("launcher-apikey-" + (right ? "right" : "wrong") + "-key.yml");
      Files.writeString(config, Files.readString(base, StandardCharsets.UTF_8) + "    api_key: " + key + "\n",
          StandardCharsets.UTF_8);
      Files.delete(base);
      LauncherProcess p = launcher("launcher-apikey-" + (right ? "right" : "wrong"), config, "execute");
      String jobId = requestSync(KEYED);
      SyncJob done = awaitJob(jobId, SYNC_TIMEOUT, JobStatus.COMPLETED, JobStatus.ERROR);
      p.term(Duration.ofMinutes(1));
      String log = p.log();
      assertTrue(log.contains("--esContentApiKeyEnv=BC_LAUNCHER_ES_CONTENT_API_KEY"), log);
      assertFalse(log.contains(key), "the connector's API key is in the launcher's log");
      assertFalse(String.valueOf(done.error()).contains(key), "the connector's API key is in the job error");
      if (right) {
        assertEquals(JobStatus.COMPLETED, done.status(), done::error);
        assertEquals(rows, done.counter("indexed_document_count"));
        assertEquals(rows, indexCount(KEYED));
      } else {
        assertEquals(JobStatus.ERROR, done.status(), "a key without rights on the content index must fail the sync");
        assertTrue(done.error().contains("403") || done.error().toLowerCase(java.util.Locale.ROOT).contains("unauthorized")
            || done.error().contains("security_exception"), done.error());
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
    try (Connection lock = lockTable()) {
      jobId = requestSync(MAIN);
      awaitJob(jobId, SYNC_TIMEOUT, JobStatus.IN_PROGRESS);
      fixture(runDir, "stop");
      lock.rollback();
      fixture(runDir, "start");
    }
    SyncJob ended = awaitJob(jobId, Duration.ofMinutes(10), JobStatus.COMPLETED, JobStatus.ERROR);
    assertTrue(mainLauncher.alive(), "the launcher survives an Elasticsearch restart");
    LauncherProcess.Result r = cli(cliConfig(), "sync", MAIN, "--wait", "--json");
    assertEquals(0, r.exitCode(), () -> "after the restart (the interrupted job ended " + ended.status() + "): "
        + r.stdout() + r.stderr());
    assertEquals(rows, indexCount(MAIN));
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
