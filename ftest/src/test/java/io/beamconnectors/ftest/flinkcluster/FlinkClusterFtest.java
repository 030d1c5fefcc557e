package io.beamconnectors.ftest.flinkcluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamconnectors.ftest.support.FileCorpus;
import io.beamconnectors.ftest.support.FixtureEnv;
import io.beamconnectors.ftest.support.FlinkRestApi;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * `bash ftest/run.sh flink_cluster`: syncs submitted from the bundled pipelines jar to a real Flink
 * session cluster (ftest/fixtures/flink.sh: a JobManager and a TaskManager in JVMs of their own), so
 * the job leaves the submitting JVM: the jar is staged, transforms and coders cross process
 * boundaries. Sources: PostgreSQL (database bc_flink) and S3 (bucket bc-flink-cluster). Every round
 * is compared with the DirectRunner's index of the same source, document by document. The steps
 * build on each other: full sync, change round, no-op round, no JDBC driver left registered in the
 * TaskManager by those jobs, a TaskManager SIGKILLed mid-job.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlinkClusterFtest {
  private static final String DATABASE = "bc_flink";
  private static final String BUCKET = "bc-flink-cluster";
  private static final String PG_DIRECT = "bc-flink-pg-direct";
  private static final String PG_CLUSTER = "bc-flink-pg-cluster";
  private static final String S3_DIRECT = "bc-flink-s3-direct";
  private static final String S3_CLUSTER = "bc-flink-s3-cluster";
  /** Tag keys: case twins, separators, the empty string, unicode. */
  private static final List<String> TAGS = List.of("Abc", "abc", "", "a_b", "a", "_b", "x,y;z|w", "日本語 ✓", "ß");

  /** Rows of public.items: enough that the TaskManager can be killed while the writes run. */
  private final int rows = FixtureEnv.getInt("BC_FTEST_FLINK_ROWS", 10_000);
  private final String run = Long.toString(System.currentTimeMillis(), 36);
  private final FlinkRestApi flink = new FlinkRestApi();
  private Connection pg;
  private S3Client s3;
  private final Map<String, byte[]> objects = new TreeMap<>();

  @BeforeAll
  void setUp() throws Exception {
    assertEquals(1, flink.taskManagers(), "the session cluster has its one TaskManager");
    String server = "jdbc:postgresql://" + FixtureEnv.require("BC_PG_HOST", "postgresql") + ":"
        + FixtureEnv.require("BC_PG_PORT", "postgresql") + "/";
    String user = FixtureEnv.require("BC_PG_USER", "postgresql");
    String password = FixtureEnv.require("BC_PG_PASSWORD", "postgresql");
    try (Connection c = DriverManager.getConnection(server + FixtureEnv.require("BC_PG_DATABASE", "postgresql"), user, password);
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + DATABASE);
    }
    pg = DriverManager.getConnection(server + DATABASE, user, password);
    loadTables();

    s3 = S3Client.builder()
        .endpointOverride(URI.create(FixtureEnv.require("BC_S3_ENDPOINT", "s3")))
        .region(Region.of(FixtureEnv.require("BC_S3_REGION", "s3")))
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
            FixtureEnv.require("BC_S3_ACCESS_KEY", "s3"), FixtureEnv.require("BC_S3_SECRET_KEY", "s3"))))
        .build();
    dropBucket();
    s3.createBucket(b -> b.bucket(BUCKET));
    for (Map.Entry<String, byte[]> e : FileCorpus.generate(40, 1, 300_000).files().entrySet()) {
      put(e.getKey(), e.getValue());
    }
    put("données/été 2024/résumé.txt", "Résumé: ünïcødé text, 日本語 ✓.".getBytes(StandardCharsets.UTF_8));
    put("Case/File.txt", "upper case twin".getBytes(StandardCharsets.UTF_8));
    put("case/file.txt", "lower case twin".getBytes(StandardCharsets.UTF_8));
    put("empty.txt", new byte[0]);
    put("with+plus & amp/100% done.txt", "separators in the key".getBytes(StandardCharsets.UTF_8));
    put("deep/a/b/c/d/e/f/leaf.txt", "a deep leaf".getBytes(StandardCharsets.UTF_8));

    for (String index : List.of(PG_DIRECT, PG_CLUSTER, S3_DIRECT, S3_CLUSTER)) {
      new SearchIndex(index).delete();
    }
  }

  @AfterAll
  void tearDown() throws Exception {
    if (pg != null) {
      pg.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  private void loadTables() throws Exception {
    try (Statement s = pg.createStatement()) {
      s.execute("CREATE TABLE public.items (id BIGINT PRIMARY KEY, name TEXT, note TEXT, price NUMERIC(12,2),"
          + " seen_at TIMESTAMPTZ, active BOOLEAN)");
      s.execute("CREATE TABLE public.tags (tag TEXT PRIMARY KEY, label TEXT, weight DOUBLE PRECISION)");
      // id 0, empty and NULL names, separators and unicode in values, one huge value, a DST-gap instant.
      s.execute("INSERT INTO public.items SELECT i,"
          + " CASE WHEN i % 97 = 5 THEN '' WHEN i % 101 = 6 THEN NULL"
          + "      ELSE 'item_' || i || ' ünïcødé ✓ a_b/c,d;e|f \"q\"' END,"
          + " repeat(md5(i::text), 4),"
          + " (i % 10000) / 100.0,"
          + " TIMESTAMPTZ '2024-03-31 00:30:00+00' + (i || ' minutes')::interval,"
          + " i % 3 = 0"
          + " FROM generate_series(0, " + (rows - 1) + ") AS i");
      s.execute("UPDATE public.items SET note = repeat('huge ', 40000) WHERE id = 1");
      try (PreparedStatement p = pg.prepareStatement("INSERT INTO public.tags VALUES (?, ?, ?)")) {
        int i = 0;
        for (String tag : TAGS) {
          p.setString(1, tag);
          p.setString(2, "label of [" + tag + "]");
          p.setDouble(3, i++ * 0.5);
          p.addBatch();
        }
        p.executeBatch();
      }
    }
  }

  private long sourceRows() throws Exception {
    try (Statement s = pg.createStatement();
        ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM public.items) + (SELECT count(*) FROM public.tags)")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void put(String key, byte[] bytes) {
    s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
    objects.put(key, bytes);
  }

  private void delete(String key) {
    s3.deleteObject(b -> b.bucket(BUCKET).key(key));
    objects.remove(key);
  }

  private void dropBucket() {
    try {
      for (ListObjectsV2Response page : s3.listObjectsV2Paginator(b -> b.bucket(BUCKET))) {
        for (S3Object o : page.contents()) {
          s3.deleteObject(b -> b.bucket(BUCKET).key(o.key()));
        }
      }
      s3.deleteBucket(b -> b.bucket(BUCKET));
    } catch (NoSuchBucketException e) {
      // first run
    }
  }

  private Map<String, Object> pgConfig() {
    Map<String, Object> c = new HashMap<>();
    c.put("host", FixtureEnv.require("BC_PG_HOST", "postgresql"));
    c.put("port", FixtureEnv.require("BC_PG_PORT", "postgresql"));
    c.put("username", FixtureEnv.require("BC_PG_USER", "postgresql"));
    c.put("password", FixtureEnv.require("BC_PG_PASSWORD", "postgresql"));
    c.put("database", DATABASE);
    c.put("tables", "*");
    c.put("fetch_size", "500");
    return c;
  }

  private Map<String, Object> s3Config() {
    Map<String, Object> c = new HashMap<>();
    c.put("buckets", BUCKET);
    c.put("aws_access_key_id", FixtureEnv.require("BC_S3_ACCESS_KEY", "s3"));
    c.put("aws_secret_access_key", FixtureEnv.require("BC_S3_SECRET_KEY", "s3"));
    c.put("endpoint", FixtureEnv.require("BC_S3_ENDPOINT", "s3"));
    c.put("path_style", "true");
    c.put("page_size", "25");
    return c;
  }

  private String jobName(String what) {
    return "bc-flink-" + what + "-" + run;
  }

  private static void assertClean(BundledJarSync.Outcome o) {
    assertEquals(0, o.exitCode(), o.label() + " must exit 0; its last output:\n" + o.tail());
    assertTrue(o.clean(), o.label() + " must be clean: " + o.counters());
  }

  /** Runs a sync and requires a clean exit. */
  private static BundledJarSync.Outcome cleanRun(BundledJarSync sync) throws Exception {
    BundledJarSync.Outcome o = sync.run();
    assertClean(o);
    return o;
  }

  /** Runs the DirectRunner's sync and the cluster's at the same time, both must be clean; returns the cluster's. */
  private static BundledJarSync.Outcome cleanRunsSideBySide(BundledJarSync direct, BundledJarSync cluster)
      throws Exception {
    List<BundledJarSync.Outcome> both = BundledJarSync.runTogether(List.of(direct, cluster));
    both.forEach(FlinkClusterFtest::assertClean);
    return both.get(1);
  }

  /** The job named so shows FINISHED in the cluster's own REST API: it really ran there. */
  private void assertFinishedOnCluster(String name) throws IOException {
    List<FlinkRestApi.Job> jobs = flink.jobsNamed(name);
    assertEquals(1, jobs.size(), "one job named " + name + " in /jobs/overview: " + flink.jobs());
    assertEquals("FINISHED", jobs.get(0).state(), "state of " + name);
  }

  /**
   * The two indices hold the same documents: same ids, every field equal. For database rows
   * {@code _timestamp} is when a sync first saw the row's change, so two syncs stamp different
   * times: it must be present on both sides and is otherwise left out of the comparison.
   */
  private static void assertSameIndex(String directIndex, String clusterIndex, long expectedDocs) throws IOException {
    Map<String, JsonNode> direct = new SearchIndex(directIndex).documents();
    Map<String, JsonNode> cluster = new SearchIndex(clusterIndex).documents();
    if (clusterIndex.equals(PG_CLUSTER)) {
      for (Map<String, JsonNode> docs : List.of(direct, cluster)) {
        for (JsonNode doc : docs.values()) {
          assertTrue(doc.hasNonNull("_timestamp"), "every row has a _timestamp: " + doc);
          ((com.fasterxml.jackson.databind.node.ObjectNode) doc).remove("_timestamp");
        }
      }
    }
    assertEquals(expectedDocs, direct.size(), "documents the DirectRunner built in " + directIndex);
    assertEquals("", IndexDifference.between(direct, cluster),
        "the cluster's index " + clusterIndex + " must equal the DirectRunner's " + directIndex);
  }

  @Test
  @Order(1)
  void fullSyncOnTheClusterEqualsTheDirectRunner() throws Exception {
    long pgRows = sourceRows();
    String job = jobName("pg-full");
    BundledJarSync.Outcome cluster = cleanRunsSideBySide(
        BundledJarSync.onDirectRunner("postgresql", PG_DIRECT, pgConfig(), "pg-full-direct-" + run),
        BundledJarSync.onCluster("postgresql", PG_CLUSTER, pgConfig(), job));
    assertEquals(pgRows, cluster.get("listed"));
    assertEquals(pgRows, cluster.get("created"));
    assertEquals(pgRows, cluster.get("indexed_ok"));
    assertFinishedOnCluster(job);
    assertSameIndex(PG_DIRECT, PG_CLUSTER, pgRows);

    job = jobName("s3-full");
    BundledJarSync.Outcome s3Cluster = cleanRunsSideBySide(
        BundledJarSync.onDirectRunner("s3", S3_DIRECT, s3Config(), "s3-full-direct-" + run),
        BundledJarSync.onCluster("s3", S3_CLUSTER, s3Config(), job));
    assertEquals(objects.size(), s3Cluster.get("created"));
    assertTrue(s3Cluster.get("content_extracted") > 40, "text was extracted on the TaskManager: " + s3Cluster.counters());
    assertFinishedOnCluster(job);
    assertSameIndex(S3_DIRECT, S3_CLUSTER, objects.size());
    JsonNode pdf = new SearchIndex(S3_CLUSTER).documents().values().stream()
        .filter(d -> d.path("filename").asText().equals(FileCorpus.PDF)).findFirst().orElseThrow();
    assertTrue(pdf.path("body").asText().contains(FileCorpus.PDF_SENTENCE), "PDF text extracted on the cluster: " + pdf);
  }

  @Test
  @Order(2)
  void changeRoundOnTheCluster() throws Exception {
    int updated;
    int deleted;
    int created;
    try (Statement s = pg.createStatement()) {
      updated = s.executeUpdate("UPDATE public.items SET note = note || ' changed ✓', price = price + 1 WHERE id % 50 = 1");
      updated += s.executeUpdate("UPDATE public.tags SET label = 'relabelled' WHERE tag IN ('abc', '')");
      deleted = s.executeUpdate("DELETE FROM public.items WHERE id % 50 = 2");
      deleted += s.executeUpdate("DELETE FROM public.tags WHERE tag = 'a_b'");
      created = s.executeUpdate("INSERT INTO public.items SELECT i, 'new ' || i, 'new', 0, now(), false"
          + " FROM generate_series(" + rows + ", " + (rows + 149) + ") AS i");
      created += s.executeUpdate("INSERT INTO public.tags VALUES ('ABC ', 'a new case twin with a trailing space', 9)");
    }
    String job = jobName("pg-change");
    BundledJarSync.Outcome cluster = cleanRunsSideBySide(
        BundledJarSync.onDirectRunner("postgresql", PG_DIRECT, pgConfig(), "pg-change-direct-" + run),
        BundledJarSync.onCluster("postgresql", PG_CLUSTER, pgConfig(), job));
    assertEquals(updated, cluster.get("updated"), "updated");
    assertEquals(deleted, cluster.get("deleted"), "deleted");
    assertEquals(created, cluster.get("created"), "created");
    assertFinishedOnCluster(job);
    assertSameIndex(PG_DIRECT, PG_CLUSTER, sourceRows());

    put("file0.txt", "Changed on the cluster round.".getBytes(StandardCharsets.UTF_8));
    put("case/file.txt", "lower case twin, changed".getBytes(StandardCharsets.UTF_8));
    put("added/новый файл.txt", "A new file.".getBytes(StandardCharsets.UTF_8));
    put("added/second.txt", "Another new file.".getBytes(StandardCharsets.UTF_8));
    delete("empty.txt");
    delete("Case/File.txt");
    job = jobName("s3-change");
    BundledJarSync.Outcome s3Cluster = cleanRunsSideBySide(
        BundledJarSync.onDirectRunner("s3", S3_DIRECT, s3Config(), "s3-change-direct-" + run),
        BundledJarSync.onCluster("s3", S3_CLUSTER, s3Config(), job));
    assertEquals(2, s3Cluster.get("updated"), "updated");
    assertEquals(2, s3Cluster.get("deleted"), "deleted");
    assertEquals(2, s3Cluster.get("created"), "created");
    assertFinishedOnCluster(job);
    assertSameIndex(S3_DIRECT, S3_CLUSTER, objects.size());
  }

  /** An unchanged source: the index's own _stats write counters must not move. */
  private void assertNoOpOnCluster(String serviceType, String index, Map<String, Object> config, String what)
      throws Exception {
    SearchIndex target = new SearchIndex(index);
    SearchIndex.WriteTotals before = target.writeTotals();
    String job = jobName(what);
    BundledJarSync.Outcome o = cleanRun(BundledJarSync.onCluster(serviceType, index, config, job));
    assertEquals(before, target.writeTotals(), "_stats index and delete totals of " + index + " on a no-op sync");
    assertEquals(0, o.get("created") + o.get("updated") + o.get("deleted"), "created + updated + deleted");
    assertEquals(0, o.get("content_fetched"), "a no-op sync downloads nothing");
    assertEquals(o.get("listed"), o.get("unchanged"), "every listed item unchanged");
    assertFinishedOnCluster(job);
  }

  @Test
  @Order(3)
  void noOpRoundOnTheClusterWritesNothing() throws Exception {
    assertNoOpOnCluster("postgresql", PG_CLUSTER, pgConfig(), "pg-noop");
    assertNoOpOnCluster("s3", S3_CLUSTER, s3Config(), "s3-noop");
  }

  private static void fixture(String command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", FixtureEnv.require("BC_FLINK_SCRIPT", "flink"), command).inheritIO();
    pb.environment().put("BC_RUN_DIR", FixtureEnv.require("BC_FLINK_RUN_DIR", "flink"));
    Process p = pb.start();
    assertTrue(p.waitFor(3, TimeUnit.MINUTES), "flink.sh " + command + " did not finish in 3 minutes");
    assertEquals(0, p.exitValue(), "flink.sh " + command);
  }

  /** Polls until the check holds; fails with the description after the deadline. */
  private static void await(Duration timeout, String what, Check check) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!check.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  @FunctionalInterface
  private interface Check {
    boolean holds() throws Exception;
  }

  /**
   * The database syncs of the orders before ran in this TaskManager, each in a class loader of its
   * own. A JDBC driver left registered in the TaskManager's DriverManager would keep its job's
   * class loader, and every class the job loaded, alive after the job: about 25 MB of metaspace
   * per sync, until the TaskManager fails (see JdbcDrivers). The class histogram runs a full
   * collection first, so what it counts is still reachable.
   */
  @Test
  @Order(4)
  void databaseSyncsLeaveNoJdbcDriverRegisteredInTheTaskManager() throws Exception {
    assertFinishedOnCluster(jobName("pg-noop"));
    String pid = Files.readString(Path.of(FixtureEnv.require("BC_FLINK_TASKMANAGER_PIDFILE", "flink"))).trim();
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        pid, "GC.class_histogram").redirectErrorStream(true).start();
    String histogram = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "jcmd GC.class_histogram did not finish in 2 minutes");
    assertEquals(0, p.exitValue(), "jcmd " + pid + " GC.class_histogram:\n" + histogram);
    assertTrue(histogram.lines().anyMatch(l -> l.endsWith(" org.apache.flink.runtime.taskexecutor.TaskExecutor")),
        "the histogram is a TaskManager's:\n" + histogram.lines().limit(20).toList());
    List<String> registered = histogram.lines()
        .filter(l -> l.matches(".*\\sjava\\.sql\\.DriverInfo(\\s.*)?")).toList();
    assertEquals(List.of(), registered, "JDBC drivers still registered in the TaskManager's DriverManager");
  }

  @Test
  @Order(5)
  void aTaskManagerKilledMidJobLosesNothingAndTheNextSyncConverges() throws Exception {
    SearchIndex index = new SearchIndex(PG_CLUSTER);
    Set<String> before = index.ids();
    try (Statement s = pg.createStatement()) {
      // Every row changes, so the killed job is busy writing for a while; some rows go, some come.
      s.executeUpdate("UPDATE public.items SET note = note || ' v3', seen_at = seen_at + interval '1 day'");
      s.executeUpdate("DELETE FROM public.items WHERE id % 50 = 3");
      s.executeUpdate("INSERT INTO public.items SELECT i, 'later ' || i, 'later', 1, now(), true"
          + " FROM generate_series(" + (rows + 1000) + ", " + (rows + 1099) + ") AS i");
    }
    SearchIndex.WriteTotals baseline = index.writeTotals();
    String job = jobName("pg-killed");
    BundledJarSync.Running killed = BundledJarSync.onCluster("postgresql", PG_CLUSTER, pgConfig(), job).start();
    await(Duration.ofMinutes(5), "job " + job + " to be RUNNING and writing", () -> {
      if (!killed.isAlive()) {
        throw new AssertionError(job + " ended before the TaskManager was killed: raise BC_FTEST_FLINK_ROWS");
      }
      return flink.jobsNamed(job).stream().anyMatch(j -> j.state().equals("RUNNING"))
          && index.writeTotals().indexed() > baseline.indexed();
    });
    fixture("kill-taskmanager");
    BundledJarSync.Outcome outcome = killed.await(Duration.ofMinutes(5));
    System.out.println("[flink_cluster] killed job's submitter exited " + outcome.exitCode());
    assertNotEquals(0, outcome.exitCode(), "the submitter reports the failed job; its output:\n" + outcome.tail());
    await(Duration.ofMinutes(2), job + " to show FAILED in /jobs/overview",
        () -> flink.jobsNamed(job).stream().anyMatch(j -> j.state().equals("FAILED")));
    long partialWrites = index.writeTotals().indexed() - baseline.indexed();
    System.out.println("[flink_cluster] writes that reached the index before the kill: " + partialWrites);

    // Read before anything else writes to the cluster's index.
    Set<String> afterKill = index.ids();
    fixture("start"); // brings the TaskManager back; returns once /overview shows it, and only it
    assertEquals(1, flink.taskManagers());

    // The reference for "now": the DirectRunner's index of the same source, built while the
    // cluster runs the converging sync.
    long sourceRows = sourceRows();
    String next = jobName("pg-converge");
    BundledJarSync.Outcome converged = cleanRunsSideBySide(
        BundledJarSync.onDirectRunner("postgresql", PG_DIRECT, pgConfig(), "pg-after-kill-direct-" + run),
        BundledJarSync.onCluster("postgresql", PG_CLUSTER, pgConfig(), next));
    Set<String> now = new SearchIndex(PG_DIRECT).ids();
    assertEquals(sourceRows, now.size());
    assertTrue(partialWrites < sourceRows, "the TaskManager died mid-job: " + partialWrites
        + " of about " + sourceRows + " writes had reached the index");
    Set<String> wronglyDeleted = new TreeSet<>(before);
    wronglyDeleted.retainAll(now);
    wronglyDeleted.removeAll(afterKill);
    assertEquals(Set.of(), wronglyDeleted, "ids still in the source that the killed job deleted");
    Set<String> unknown = new TreeSet<>(afterKill);
    unknown.removeAll(before);
    unknown.removeAll(now);
    assertEquals(Set.of(), unknown, "ids in the index that were never in the source");

    assertEquals(sourceRows, converged.get("listed"));
    assertFinishedOnCluster(next);
    assertSameIndex(PG_DIRECT, PG_CLUSTER, sourceRows);
    assertFalse(index.ids().isEmpty());
  }

  /**
   * A worker's time zone must not change documents: on a cluster whose machines sit in different
   * zones, it would change change tokens too and re-index everything. Found by this suite: a
   * TIMESTAMPTZ column is written as a local date-time in the JVM's zone ({@code seen_at}
   * "2024-03-31T14:15:00" in Pacific/Chatham vs "2024-03-31T00:30:00" in UTC, and so a different
   * {@code _timestamp}).
   */
  @Test
  @Order(6)
  void theWorkersTimeZoneDoesNotChangeDocuments() throws Exception {
    String chatham = "bc-flink-pg-direct-chatham";
    new SearchIndex(chatham).delete();
    cleanRun(BundledJarSync.onDirectRunner("postgresql", chatham, pgConfig(), "pg-direct-chatham-" + run,
        List.of("-Duser.timezone=Pacific/Chatham")));
    assertSameIndex(chatham, PG_CLUSTER, sourceRows());
    new SearchIndex(chatham).delete();
  }
}
