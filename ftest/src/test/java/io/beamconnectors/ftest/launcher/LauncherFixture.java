package io.beamconnectors.ftest.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the launcher suites share: a PostgreSQL database of the suite's own with one table of 40
 * awkward rows, read by a role whose password is a planted secret; the connector indices on the
 * Elasticsearch fixture (through the launcher's own protocol code); launcher processes and CLI
 * runs with their output under {@code target/<dir>}; and the waits on jobs, connectors and locks.
 * Everything talks to the real servers of the fixtures.
 */
final class LauncherFixture implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TABLE = "launcher_items";
  static final String ROLE = "bc_launcher_reader";
  static final String SECRET = "Pl4nted-Secret-ß-7319-launcher";
  static final Duration SYNC_TIMEOUT = Duration.ofMinutes(5);
  static final Duration CLI_TIMEOUT = Duration.ofMinutes(2);
  static final int ROWS = 40;

  final Path dir;
  final String database;
  final DirectProtocol protocol;
  final Connection admin;
  final Path pgConfig;
  final String esVersion;
  private final List<LauncherProcess> processes = new ArrayList<>();
  private int cliRuns;

  private LauncherFixture(Path dir, String database, DirectProtocol protocol, Connection admin, Path pgConfig,
      String esVersion) {
    this.dir = dir;
    this.database = database;
    this.protocol = protocol;
    this.admin = admin;
    this.pgConfig = pgConfig;
    this.esVersion = esVersion;
  }

  /**
   * A fresh database {@code database} with the table, an empty {@code target/<dirName>}, and no
   * trace of an earlier run of {@code connectorIds} (documents, content indices, open jobs).
   */
  static LauncherFixture create(String dirName, String database, List<String> connectorIds) throws Exception {
    Path dir = Path.of("target", dirName);
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
      s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + database);
      s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ROLE + "') THEN CREATE ROLE "
          + ROLE + " LOGIN; END IF; END $$");
      s.execute("ALTER ROLE " + ROLE + " PASSWORD '" + SECRET + "'");
    }
    Connection admin = DriverManager.getConnection(server + database, user, password);
    try (Statement s = admin.createStatement()) {
      s.execute("CREATE TABLE " + TABLE + " (id integer PRIMARY KEY, name text, note text)");
      s.execute("GRANT CONNECT ON DATABASE " + database + " TO " + ROLE);
      s.execute("GRANT USAGE ON SCHEMA public TO " + ROLE);
      s.execute("GRANT SELECT ON " + TABLE + " TO " + ROLE);
    }
    // Awkward values: unicode, separators, case twins, empty strings, a large text.
    String[] names = {"Zürich 東京 🙂", "a,b;c|d/e\\f", "Alpha", "alpha", "", "x".repeat(100_000), "tab\tand\nnewline"};
    try (PreparedStatement ps = admin.prepareStatement("INSERT INTO " + TABLE + " VALUES (?, ?, ?)")) {
      for (int i = 1; i <= ROWS; i++) {
        ps.setInt(1, i);
        ps.setString(2, names[i % names.length]);
        ps.setString(3, "note " + i);
        ps.addBatch();
      }
      ps.executeBatch();
    }

    ElasticsearchConnection es = ElasticsearchConnection.of(FixtureEnv.require("BC_ES_URL", "elasticsearch"), null)
        .withBasicAuth(FixtureEnv.get("BC_ES_USERNAME", "elastic"), FixtureEnv.require("BC_ES_PASSWORD", "elasticsearch"));
    String esVersion = elasticsearchVersion(es);
    // Printed (surefire keeps it in the suite's output) and checked: run.sh runs the launcher suite
    // against two Elasticsearch versions and names each pass after the version it expects.
    System.out.println("launcher ftest (" + dirName + ") runs against Elasticsearch " + esVersion + " at " + es.urls());
    String expected = System.getenv("BC_ES_EXPECTED_VERSION");
    if (expected != null && !expected.isBlank()) {
      assertEquals(expected, esVersion, "BC_ES_EXPECTED_VERSION names another Elasticsearch than BC_ES_URL's");
    }
    DirectProtocol protocol = new DirectProtocol(es);
    protocol.ensureIndices();
    for (String id : connectorIds) {
      protocol.deleteConnectorDocument(id); // left by an earlier run
      try (IndexInspector index = new IndexInspector(IndexInspector.connection(index(id)))) {
        index.deleteIndex();
      }
    }
    // Jobs of earlier runs must not be picked up: their connectors are re-created, so end them.
    for (SyncJob j : protocol.jobs(JobQuery.withStatuses(Set.of(JobStatus.PENDING, JobStatus.SUSPENDED,
        JobStatus.IN_PROGRESS, JobStatus.CANCELING)).forConnectors(connectorIds).limit(1000))) {
      protocol.updateJob(j.id(), Map.of("status", "error", "error", "left over by an earlier ftest run"));
    }
    Path pgConfig = writeConfiguration(dir, "pg.json", Map.of("host", FixtureEnv.require("BC_PG_HOST", "postgresql"),
        "port", Integer.parseInt(FixtureEnv.require("BC_PG_PORT", "postgresql")), "username", ROLE,
        "password", SECRET, "database", database, "tables", TABLE));
    return new LauncherFixture(dir, database, protocol, admin, pgConfig, esVersion);
  }

  @Override
  public void close() throws Exception {
    for (LauncherProcess p : processes) {
      p.close();
    }
    protocol.close();
    admin.close();
  }

  /** {@code version.number} of {@code GET /}. */
  private static String elasticsearchVersion(ElasticsearchConnection es) throws Exception {
    try (org.elasticsearch.client.RestClient client = es.createClient()) {
      org.elasticsearch.client.Response r = client.performRequest(new org.elasticsearch.client.Request("GET", "/"));
      return JSON.readTree(r.getEntity().getContent()).path("version").path("number").asText("?");
    }
  }

  static String index(String connectorId) {
    return "search-" + connectorId;
  }

  Path writeConfiguration(String name, Map<String, Object> values) throws Exception {
    return writeConfiguration(dir, name, values);
  }

  private static Path writeConfiguration(Path dir, String name, Map<String, Object> values) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, JSON.writeValueAsString(values), StandardCharsets.UTF_8);
    return p;
  }

  /** A launcher config.yml serving {@code connectors}, with thresholds in seconds. */
  Path launcherConfig(String name, List<String> connectors, double idleThreshold) throws Exception {
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

  Path cliConfig() throws Exception {
    return launcherConfig("cli", List.of(), 30);
  }

  /** Starts a launcher process (stopped at {@link #close}) and waits until it says it started. */
  LauncherProcess launcher(String name, Path config, String action) throws Exception {
    LauncherProcess p = track(LauncherProcess.start(name, dir, List.of("--config", config.toString(), "--action", action)));
    Await.until(name + " to start", Duration.ofMinutes(2), () -> p.log().contains("Launcher started") || !p.alive(),
        b -> b);
    assertTrue(p.alive(), () -> name + " exited at start:\n" + safeLog(p));
    return p;
  }

  /** A launcher process started elsewhere, stopped at {@link #close}. */
  LauncherProcess track(LauncherProcess p) {
    processes.add(p);
    return p;
  }

  static String safeLog(LauncherProcess p) {
    try {
      return p.log();
    } catch (Exception e) {
      return e.toString();
    }
  }

  LauncherProcess.Result cli(Path config, String... args) throws Exception {
    List<String> a = new ArrayList<>(List.of("--config", config.toString()));
    a.addAll(List.of(args));
    return LauncherProcess.run(dir, "cli-" + (++cliRuns), args.length > 0 && args[0].equals("sync") ? SYNC_TIMEOUT.plusMinutes(1)
        : CLI_TIMEOUT, a);
  }

  void createConnector(String id, Path configuration) throws Exception {
    LauncherProcess.Result r = cli(cliConfig(), "connector", "create", "--id", id, "--service-type", "postgresql",
        "--index-name", index(id), "--configuration", configuration.toString());
    assertEquals(0, r.exitCode(), () -> "connector create: " + r.stderr());
  }

  /** `sync ID --json` without waiting: the new pending job's id. */
  String requestSync(String connectorId) throws Exception {
    LauncherProcess.Result r = cli(cliConfig(), "sync", connectorId, "--json");
    assertEquals(0, r.exitCode(), () -> "sync: " + r.stderr());
    return JSON.readTree(r.stdout()).path("job_id").asText();
  }

  SyncJob job(String id) throws Exception {
    return protocol.job(id).orElseThrow();
  }

  SyncJob awaitJob(String id, Duration timeout, JobStatus... statuses) throws Exception {
    Set<JobStatus> want = Set.of(statuses);
    return Await.until("job " + id + " to be " + want, timeout, () -> job(id), j -> want.contains(j.status()));
  }

  ConnectorDocument connector(String id) throws Exception {
    return protocol.connector(id).orElseThrow();
  }

  long indexCount(String connectorId) throws Exception {
    try (IndexInspector index = new IndexInspector(IndexInspector.connection(index(connectorId)))) {
      return index.count();
    }
  }

  /** How often this launcher claimed the job (its log line per claim). */
  static long claims(LauncherProcess p, String jobId) throws Exception {
    return Pattern.compile("Claimed job " + Pattern.quote(jobId) + " ").matcher(p.log()).results().count();
  }

  /** Runs statements on the suite's database as its owner (changes, deletes, grants). */
  void execute(String... statements) throws Exception {
    try (Statement s = admin.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  /** Holds an exclusive lock on the source table, so a sync blocks in its listing until released. */
  Connection lockTable() throws Exception {
    Connection c = DriverManager.getConnection(admin.getMetaData().getURL(), FixtureEnv.require("BC_PG_USER", "postgresql"),
        FixtureEnv.require("BC_PG_PASSWORD", "postgresql"));
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("LOCK TABLE " + TABLE + " IN ACCESS EXCLUSIVE MODE");
    }
    return c;
  }

  /**
   * Waits until a session of the connector's role waits for a lock in this suite's database: the
   * sync is really running (its reader is inside the table) and held there by {@link #lockTable}.
   */
  void awaitReaderWaitingOnLock(Duration timeout) throws Exception {
    awaitReadersWaitingOnLock(1, timeout);
  }

  /** The same for {@code n} syncs at once: as many sessions of the role wait for a lock. */
  void awaitReadersWaitingOnLock(int n, Duration timeout) throws Exception {
    Await.until(n + " sync reader(s) to wait on the table lock", timeout, () -> {
      try (PreparedStatement s = admin.prepareStatement("SELECT count(*) FROM pg_stat_activity"
          + " WHERE datname = ? AND usename = ? AND wait_event_type = 'Lock'")) {
        s.setString(1, database);
        s.setString(2, ROLE);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    }, waiting -> waiting >= n);
  }

  /** The launcher and CLI output files written so far. */
  List<Path> outputFiles() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".out") || p.toString().endsWith(".err")).toList();
    }
  }
}
