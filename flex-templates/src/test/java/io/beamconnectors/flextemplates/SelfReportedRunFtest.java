package io.beamconnectors.flextemplates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import io.beamconnectors.launcher.protocol.DirectProtocol;
import io.beamconnectors.launcher.protocol.JobQuery;
import io.beamconnectors.launcher.protocol.JobStatus;
import io.beamconnectors.launcher.protocol.SyncJob;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sync.SyncSummary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Self-reported runs ({@code --selfReportConnectorId}) against the real PostgreSQL and
 * Elasticsearch fixtures: the run creates, claims, heartbeats and finishes its own scheduled full
 * sync job and the connector's {@code last_*} fields; a second run of the same connector while the
 * first is in progress ends at once with an error job and leaves the first alone; a failure after
 * the claim ends the job in error without secrets and without touching the index. On the DirectRunner
 * in this JVM, and (when {@code BC_FLINK_MASTER} and {@code BC_PIPELINES_JAR} are set: a Flink
 * session cluster and the bundled pipelines jar) submitted to the Flink cluster from a child JVM.
 * Also the launcher's {@code dataflow} runner's launches ({@code --syncJobId}), run here on the
 * DirectRunner with the parameters the launcher sends.
 * Database {@code bc_self_report}, connectors {@code bc-self-report-*}, indices {@code search-self-report-*}.
 */
@Tag("ftest")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SelfReportedRunFtest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DATABASE = "bc_self_report";
  private static final int ROWS = 30_000;
  private static final String PG_PASSWORD_SECRET = "never in a job, \"ü\"";
  private static final String SYNC_USER = "bc_self_reporter";
  /** Only env: references here; a Secret Manager name would be a test bug. */
  private static final SecretReference.SecretManager NO_SECRET_MANAGER = name -> {
    throw new AssertionError("no Secret Manager in this test: " + name);
  };

  @TempDir
  Path dir;
  private DirectProtocol protocol;
  private final List<String> connectors = new ArrayList<>();

  private static String require(String name) {
    String v = System.getenv(name);
    if (v == null || v.isEmpty()) {
      throw new IllegalStateException(name + " is not set: start the fixtures (bash ftest/fixtures/postgresql.sh start,"
          + " bash ftest/fixtures/elasticsearch.sh start) and source their env files");
    }
    return v;
  }

  @BeforeAll
  void setUp() throws Exception {
    String server = "jdbc:postgresql://" + require("BC_PG_HOST") + ":" + require("BC_PG_PORT") + "/";
    try (Connection c = DriverManager.getConnection(server + require("BC_PG_DATABASE"), require("BC_PG_USER"),
        require("BC_PG_PASSWORD")); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + DATABASE);
      s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + SYNC_USER + "') THEN"
          + " CREATE ROLE " + SYNC_USER + " LOGIN; END IF; END $$");
      s.execute("ALTER ROLE " + SYNC_USER + " LOGIN PASSWORD '" + PG_PASSWORD_SECRET.replace("'", "''") + "'");
    }
    try (Connection c = DriverManager.getConnection(server + DATABASE, require("BC_PG_USER"), require("BC_PG_PASSWORD"));
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE items (id BIGINT PRIMARY KEY, title TEXT)");
      // Key 0, unicode, separators; enough rows that a DirectRunner sync outlives a 1 s heartbeat.
      s.execute("INSERT INTO items SELECT i, 'ü,|_;' || md5(i::text) FROM generate_series(0, " + (ROWS - 1) + ") AS i");
      s.execute("GRANT SELECT ON items TO " + SYNC_USER);
    }
    ElasticsearchConnection es = ElasticsearchConnection.of(require("BC_ES_URL"), DirectProtocol.CONNECTORS)
        .withBasicAuth(require("BC_ES_USERNAME"), require("BC_ES_PASSWORD"));
    protocol = new DirectProtocol(es);
    protocol.ensureIndices();
  }

  @AfterAll
  void tearDown() throws Exception {
    if (protocol != null) {
      for (String id : connectors) {
        protocol.deleteConnectorDocument(id);
      }
      protocol.close();
    }
  }

  /** A connector document of the PostgreSQL table (the connector protocol's configuration form). */
  private String connector(String suffix, String table) throws Exception {
    String id = "bc-self-report-" + suffix + "-" + System.nanoTime();
    ObjectNode doc = JSON.createObjectNode();
    doc.put("name", "self report " + suffix);
    doc.put("service_type", "postgresql");
    doc.put("index_name", "search-self-report-" + suffix);
    doc.put("status", "configured");
    doc.putNull("last_sync_status");
    doc.put("is_native", false);
    ObjectNode conf = doc.putObject("configuration");
    field(conf, "host", require("BC_PG_HOST"), false);
    field(conf, "port", require("BC_PG_PORT"), false);
    field(conf, "username", SYNC_USER, false);
    field(conf, "password", PG_PASSWORD_SECRET, true);
    field(conf, "database", DATABASE, false);
    field(conf, "tables", table, false);
    protocol.createConnector(id, doc);
    connectors.add(id);
    deleteIndex("search-self-report-" + suffix);
    return id;
  }

  private static void field(ObjectNode conf, String name, String value, boolean sensitive) {
    ObjectNode f = conf.putObject(name);
    f.put("value", value);
    f.put("sensitive", sensitive);
    f.put("label", name);
  }

  private void deleteIndex(String index) throws Exception {
    try (io.beamconnectors.elasticsearch.ContentIndex i = new io.beamconnectors.elasticsearch.ContentIndex(
        ElasticsearchConnection.of(require("BC_ES_URL"), index).withBasicAuth(require("BC_ES_USERNAME"), require("BC_ES_PASSWORD")))) {
      i.delete();
    }
  }

  private long count(String index) throws Exception {
    try (io.beamconnectors.elasticsearch.ContentIndex i = new io.beamconnectors.elasticsearch.ContentIndex(
        ElasticsearchConnection.of(require("BC_ES_URL"), index).withBasicAuth(require("BC_ES_USERNAME"), require("BC_ES_PASSWORD")))) {
      if (!i.exists()) {
        return 0;
      }
      i.refresh();
      return i.count();
    }
  }

  private String[] args(String connectorId, String runner, String... extra) {
    List<String> a = new ArrayList<>(List.of("--runner=" + runner, "--selfReportConnectorId=" + connectorId,
        "--esUrl=" + require("BC_ES_URL"), "--esUsername=" + require("BC_ES_USERNAME"),
        "--esPasswordSecret=env:BC_SELF_REPORT_ES_PASSWORD", "--selfReportHeartbeatSeconds=1", "--contentMode=NONE"));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  private Map<String, String> env() {
    return Map.of("BC_SELF_REPORT_ES_PASSWORD", require("BC_ES_PASSWORD"));
  }

  /**
   * The connector's jobs as they are now: the search finds them (each is created with
   * refresh=wait_for), a GET by id reads each one's latest version (updates are not refreshed).
   */
  private List<SyncJob> jobs(String connectorId) throws Exception {
    List<SyncJob> out = new ArrayList<>();
    for (SyncJob found : protocol.jobs(JobQuery.withStatuses(Set.of()).forConnectors(List.of(connectorId)))) {
      out.add(protocol.job(found.id()).orElseThrow());
    }
    return out;
  }

  private static <T> T await(Duration timeout, String what, Supplier<T> probe) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      T v = probe.get();
      if (v != null) {
        return v;
      }
      Thread.sleep(100); // polling interval, bounded by the deadline above
    }
    throw new AssertionError("timed out after " + timeout + " waiting for " + what);
  }

  private SyncJob inProgressJobWithHeartbeat(String connectorId) throws InterruptedException {
    return await(Duration.ofMinutes(3), "an in_progress job of " + connectorId + " whose last_seen passed its started_at",
        () -> {
          try {
            for (SyncJob j : jobs(connectorId)) {
              if (j.status() == JobStatus.IN_PROGRESS && j.lastSeen() != null && j.text("started_at") != null
                  && j.lastSeen().isAfter(Instant.parse(j.text("started_at")))) {
                return j;
              }
            }
            return null;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private void assertCompleted(String connectorId, String jobId, String index) throws Exception {
    SyncJob job = protocol.job(jobId).orElseThrow();
    assertEquals(JobStatus.COMPLETED, job.status(), "job " + job.source());
    assertEquals("scheduled", job.triggerMethod());
    assertEquals("full", job.text("job_type"));
    assertEquals(connectorId, job.connectorId());
    assertEquals(ROWS, job.counter("indexed_document_count"));
    assertEquals(0, job.counter("deleted_document_count"));
    assertEquals(ROWS, job.counter("total_document_count"));
    assertNotNull(job.text("completed_at"));
    assertNotNull(job.text("worker_hostname"));
    assertEquals(ROWS, job.source().path("metadata").path("sync").path("counters").path("listed").asLong());
    assertEquals(null, job.error(), "no error on a clean job");
    JsonNode c = protocol.connector(connectorId).orElseThrow().source();
    assertEquals("completed", c.path("last_sync_status").asText());
    assertEquals(ROWS, c.path("last_indexed_document_count").asLong());
    assertEquals(0, c.path("last_deleted_document_count").asLong());
    assertTrue(c.path("last_synced").asText().startsWith("20"), c.toString());
    assertEquals("connected", c.path("status").asText());
    assertEquals(ROWS, count(index));
  }

  @Test
  @Order(1)
  void aScheduledRunReportsItselfAndAnOverlappingRunEndsAtOnceWithAnErrorJob() throws Exception {
    String id = connector("direct", "items");
    CompletableFuture<SyncSummary> first = CompletableFuture.supplyAsync(() -> {
      try {
        return FlexTemplateMain.runSelfReported(args(id, "DirectRunner"), env(), NO_SECRET_MANAGER);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    SyncJob running = inProgressJobWithHeartbeat(id);
    assertEquals("in_progress", protocol.connector(id).orElseThrow().lastSyncStatus().wire());

    Instant t0 = Instant.now();
    SelfReportedJob.OverlappingRunException overlap = assertThrows(SelfReportedJob.OverlappingRunException.class,
        () -> FlexTemplateMain.runSelfReported(args(id, "DirectRunner"), env(), NO_SECRET_MANAGER));
    assertTrue(Duration.between(t0, Instant.now()).toSeconds() < 30, "the second run ends at once");
    assertTrue(overlap.getMessage().contains(running.id()), overlap.getMessage());
    List<SyncJob> errors = jobs(id).stream().filter(j -> j.status() == JobStatus.ERROR).toList();
    assertEquals(1, errors.size(), "one error job for the overlapping run");
    assertTrue(errors.get(0).error().contains("Another sync of connector " + id + " is in progress (job " + running.id() + ")"),
        errors.get(0).error());
    assertEquals("scheduled", errors.get(0).triggerMethod());
    assertEquals(JobStatus.IN_PROGRESS, protocol.job(running.id()).orElseThrow().status(), "the first run is untouched");
    assertEquals("in_progress", protocol.connector(id).orElseThrow().lastSyncStatus().wire());

    SyncSummary summary = first.get(20, TimeUnit.MINUTES); // a shared 2-core machine can be very slow
    assertTrue(summary.clean());
    assertCompleted(id, running.id(), "search-self-report-direct");
    for (SyncJob j : jobs(id)) {
      assertFalse(j.error() != null && j.error().contains(PG_PASSWORD_SECRET), "a secret in a job error");
    }
  }

  @Test
  @Order(2)
  void aFailureAfterTheClaimEndsTheJobInErrorWithoutSecretsOrWrites() throws Exception {
    String id = connector("missing-table", "no_such_table");
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> FlexTemplateMain.runSelfReported(args(id, "DirectRunner"), env(), NO_SECRET_MANAGER));
    assertTrue(e.getMessage().contains("no_such_table"), e.getMessage());
    List<SyncJob> all = jobs(id);
    assertEquals(1, all.size());
    SyncJob job = all.get(0);
    assertEquals(JobStatus.ERROR, job.status());
    assertTrue(job.error().contains("no_such_table"), job.error());
    assertFalse(job.error().contains(PG_PASSWORD_SECRET));
    JsonNode c = protocol.connector(id).orElseThrow().source();
    assertEquals("error", c.path("last_sync_status").asText());
    assertEquals("error", c.path("status").asText());
    assertEquals(0, count("search-self-report-missing-table"));
  }

  @Test
  @Order(3)
  void anUnknownConnectorIsAConfigurationErrorNamingTheOption() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> FlexTemplateMain.runSelfReported(
        args("bc-self-report-no-such-connector", "DirectRunner"), env(), NO_SECRET_MANAGER));
    assertTrue(e.getMessage().contains("--selfReportConnectorId") && e.getMessage().contains("bc-self-report-no-such-connector"),
        e.getMessage());
  }

  @Test
  @Order(4)
  void onTheFlinkSessionClusterTheRunReportsItselfToo() throws Exception {
    String master = System.getenv("BC_FLINK_MASTER");
    String jar = System.getenv("BC_PIPELINES_JAR");
    Assumptions.assumeTrue(master != null && !master.isEmpty() && jar != null && Files.isRegularFile(Path.of(jar)),
        "needs a Flink session cluster (BC_FLINK_MASTER, bash ftest/fixtures/flink.sh start) and the bundled"
            + " pipelines jar (BC_PIPELINES_JAR)");
    String id = connector("flink", "items");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(List.of(System.getenv().getOrDefault("BC_FLINK_JAVA_OPTS", "").split(" ")));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), FlexTemplateMain.class.getName()));
    command.addAll(List.of(args(id, "FlinkRunner", "--flinkMaster=" + master, "--parallelism=2",
        "--filesToStage=" + jar, "--jobName=self-report-" + id)));
    command.removeIf(String::isEmpty);
    Path log = dir.resolve("flink-child.log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("BC_SELF_REPORT_ES_PASSWORD", require("BC_ES_PASSWORD"));
    Process first = pb.start();
    SyncJob running = inProgressJobWithHeartbeat(id);
    SelfReportedJob.OverlappingRunException overlap = assertThrows(SelfReportedJob.OverlappingRunException.class,
        () -> FlexTemplateMain.runSelfReported(args(id, "DirectRunner"), env(), NO_SECRET_MANAGER));
    assertTrue(overlap.getMessage().contains(running.id()), overlap.getMessage());
    assertTrue(first.waitFor(10, TimeUnit.MINUTES), "the Flink run ended");
    assertEquals(0, first.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    assertCompleted(id, running.id(), "search-self-report-flink");
  }

  /**
   * The launcher's {@code dataflow} runner launches this template with
   * {@code DataflowRunnerAdapter.parameters(jobId)}: each is a template parameter whose value passes
   * its regex, and the template main given exactly those (the credential's Secret Manager name
   * swapped for a local {@code env:} reference, the one deliberate difference) syncs the job's
   * connector: service type, index and configuration come from the job document. The job document
   * itself is the launcher's to write, so the run leaves it pending.
   */
  @Test
  @Order(5)
  void aLaunchersSyncJobRunsFromTheParametersItsDataflowRunnerSends() throws Exception {
    String id = connector("launcher-job", "items");
    String jobId = protocol.createJob(protocol.connector(id).orElseThrow(), io.beamconnectors.launcher.protocol.JobType.FULL,
        io.beamconnectors.launcher.protocol.TriggerMethod.ON_DEMAND);
    io.beamconnectors.launcher.config.LauncherConfig config = io.beamconnectors.launcher.config.LauncherConfig.parse(
        "elasticsearch:\n  host: " + require("BC_ES_URL") + "\n  username: " + require("BC_ES_USERNAME")
            + "\n  password: ${PW}\nrunner:\n  type: dataflow\n  dataflow:\n    project: bc-project-123\n"
            + "    region: europe-west1\n    template_location: gs://bc-templates/spec.json\n"
            + "    es_credential_secret: projects/bc-project-123/secrets/es-password/versions/2\n",
        Map.of("PW", require("BC_ES_PASSWORD")), "config.yml");
    // Only parameters() is called: the Dataflow API is never reached from here.
    io.beamconnectors.launcher.runner.dataflow.DataflowApi unreachable =
        (io.beamconnectors.launcher.runner.dataflow.DataflowApi) java.lang.reflect.Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {io.beamconnectors.launcher.runner.dataflow.DataflowApi.class},
            (proxy, method, a) -> {
              throw new AssertionError("the Dataflow API was called: " + method.getName());
            });
    Map<String, String> parameters = new io.beamconnectors.launcher.runner.dataflow.DataflowRunnerAdapter(
        config.elasticsearch(), config.runner().dataflow(), unreachable).parameters(jobId);
    assertEquals(jobId, parameters.get("syncJobId"));
    assertFalse(parameters.containsValue(require("BC_ES_PASSWORD")), "no secret among the parameters");

    Map<String, com.google.api.services.dataflow.model.ParameterMetadata> metadata = new java.util.HashMap<>();
    for (com.google.api.services.dataflow.model.ParameterMetadata m
        : TemplateMetadataGenerator.generate(FlexTemplateOptions.class).getParameters()) {
      metadata.put(m.getName(), m);
    }
    for (com.google.api.services.dataflow.model.ParameterMetadata m : metadata.values()) {
      if (!Boolean.TRUE.equals(m.getIsOptional())) {
        assertTrue(parameters.containsKey(m.getName()), "the required template parameter " + m.getName() + " is sent");
      }
    }
    List<String> a = new ArrayList<>(List.of("--runner=DirectRunner", "--contentMode=NONE"));
    for (Map.Entry<String, String> e : parameters.entrySet()) {
      com.google.api.services.dataflow.model.ParameterMetadata m = metadata.get(e.getKey());
      assertNotNull(m, e.getKey() + " is a template parameter");
      for (String regex : m.getRegexes() == null ? List.<String>of() : m.getRegexes()) {
        assertTrue(java.util.regex.Pattern.compile(regex).matcher(e.getValue()).find(), e.getKey() + " vs " + regex);
      }
      String value = e.getKey().equals("esPasswordSecret") ? "env:BC_SELF_REPORT_ES_PASSWORD" : e.getValue();
      a.add("--" + e.getKey() + "=" + value);
    }
    FlexTemplateMain.Launched launched = FlexTemplateMain.launch(a.toArray(String[]::new), env(), NO_SECRET_MANAGER);
    assertEquals(org.apache.beam.sdk.PipelineResult.State.DONE, launched.result().getState());
    assertEquals(0, FlexTemplateMain.report(launched));
    assertEquals("postgresql", launched.options().getServiceType(), "from the job document");
    assertEquals("search-self-report-launcher-job", launched.options().getEsIndex(), "from the job document");
    assertEquals(ROWS, count("search-self-report-launcher-job"));
    String options = JSON.writeValueAsString(launched.options());
    assertFalse(options.contains(PG_PASSWORD_SECRET), "the source password is not in the pipeline options");
    assertFalse(options.contains(require("BC_ES_PASSWORD")), "the ES password is not in the pipeline options");
    assertEquals(JobStatus.PENDING, protocol.job(jobId).orElseThrow().status(), "the launcher writes the job, not the run");

    // A launch that repeats serviceType must agree with the job.
    a.add("--serviceType=s3");
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> FlexTemplateMain.launch(a.toArray(String[]::new), env(), NO_SECRET_MANAGER));
    assertTrue(e.getMessage().contains("--serviceType 's3' differs from sync job " + jobId), e.getMessage());
  }
}
