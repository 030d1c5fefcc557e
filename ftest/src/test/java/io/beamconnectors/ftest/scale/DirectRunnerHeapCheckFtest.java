package io.beamconnectors.ftest.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.ftest.support.FixtureEnv;
import io.beamconnectors.ftest.support.IndexInspector;
import io.beamconnectors.pipelines.DirectRunnerHeapCheck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DirectRunner heap check against the real PostgreSQL and Elasticsearch fixtures: a
 * {@code FullSyncPipeline} child JVM with a heap too small for the table's {@code reltuples} must
 * exit 2 with one line naming {@code --runner=FlinkRunner} and {@code --skipHeapCheck} before the
 * pipeline runs (no OutOfMemoryError, no document in the index); the same command with a heap the
 * rows fit syncs them. Database {@code bc_scale_heap}, index {@code search-scale-heap-check}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DirectRunnerHeapCheckFtest {
  private static final String DATABASE = "bc_scale_heap";
  private static final String INDEX = "search-scale-heap-check";
  /** Rows that need more than a 96 MiB heap at the check's bytes per item. */
  private static final int ROWS = (int) (160L * 1024 * 1024 / DirectRunnerHeapCheck.HEAP_BYTES_PER_STREAMED_ITEM);

  @TempDir
  static Path dir;
  private String pgUrl;
  private String pgUser;
  private String pgPassword;
  private Path config;

  @BeforeAll
  void setUp() throws Exception {
    String server = "jdbc:postgresql://" + FixtureEnv.require("BC_PG_HOST", "postgresql") + ":"
        + FixtureEnv.require("BC_PG_PORT", "postgresql") + "/";
    pgUser = FixtureEnv.require("BC_PG_USER", "postgresql");
    pgPassword = FixtureEnv.require("BC_PG_PASSWORD", "postgresql");
    try (Connection c = DriverManager.getConnection(server + "postgres", pgUser, pgPassword);
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + DATABASE);
    }
    pgUrl = server + DATABASE;
    try (Connection c = DriverManager.getConnection(pgUrl, pgUser, pgPassword);
        Statement s = c.createStatement()) {
      // Zero key, unicode and separators in the values: the estimate counts rows, whatever they hold.
      s.execute("CREATE TABLE items (id BIGINT PRIMARY KEY, payload TEXT)");
      s.execute("INSERT INTO items SELECT i, 'ü,|_' || repeat(md5(i::text), 5) FROM generate_series(0, " + (ROWS - 1) + ") AS i");
      s.execute("ANALYZE items");
    }
    try (IndexInspector index = new IndexInspector(IndexInspector.connection(INDEX))) {
      index.deleteIndex();
    }
    config = dir.resolve("pg.json");
    Files.writeString(config, String.format("{\"host\":\"%s\",\"port\":%s,\"username\":\"%s\",\"password\":\"%s\","
        + "\"database\":\"%s\",\"tables\":\"items\"}", FixtureEnv.require("BC_PG_HOST", "postgresql"),
        FixtureEnv.require("BC_PG_PORT", "postgresql"), pgUser, pgPassword.replace("\\", "\\\\").replace("\"", "\\\""),
        DATABASE), StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
  }

  @AfterAll
  void tearDown() throws Exception {
    try (IndexInspector index = new IndexInspector(IndexInspector.connection(INDEX))) {
      index.deleteIndex();
    }
  }

  private record Result(int exitCode, String stdout, String stderr) {}

  private Result sync(String heap, String... extra) throws Exception {
    // The product's logging configuration (pipelines' logback.xml), not the tests' logback-test.xml.
    java.net.URL logging = DirectRunnerHeapCheck.class.getClassLoader().getResource("logback.xml");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heap, "-Dlogback.configurationFile=" + logging, "-cp", System.getProperty("java.class.path"),
        "io.beamconnectors.pipelines.FullSyncPipeline",
        "--serviceType=postgresql", "--connectorConfig=" + config, "--esUrl=" + FixtureEnv.require("BC_ES_URL", "elasticsearch"),
        "--esUsername=" + FixtureEnv.require("BC_ES_USERNAME", "elasticsearch"), "--esIndex=" + INDEX));
    command.addAll(List.of(extra));
    Path out = dir.resolve("out-" + heap + ".txt");
    Path err = dir.resolve("err-" + heap + ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("BC_ES_PASSWORD", FixtureEnv.require("BC_ES_PASSWORD", "elasticsearch"));
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("the sync with -Xmx" + heap + " did not end within 5 minutes");
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  @Order(1)
  void aHeapTooSmallForTheTableFailsBeforeTheSyncWithOneLineNamingFlink() throws Exception {
    Result r = sync("96m");
    assertEquals(2, r.exitCode(), "exit code; stderr:\n" + r.stderr());
    List<String> lines = r.stderr().lines().filter(l -> !l.isBlank()).toList();
    String last = lines.get(lines.size() - 1);
    assertTrue(last.contains("--runner=FlinkRunner") && last.contains("--skipHeapCheck=true"), last);
    assertTrue(last.contains("items (index " + INDEX + " and the source's estimate)"), last);
    assertFalse(r.stderr().contains("OutOfMemoryError"), r.stderr());
    assertFalse(r.stderr().contains(pgPassword) || r.stdout().contains(pgPassword), "the source password leaked");
    try (IndexInspector index = new IndexInspector(IndexInspector.connection(INDEX))) {
      assertEquals(0, index.index().exists() ? index.count() : 0, "nothing may reach the index");
    }
  }

  @Test
  @Order(2)
  void theSameSyncWithRoomForTheRowsRuns() throws Exception {
    Result r = sync("1g");
    assertEquals(0, r.exitCode(), "exit code; stderr:\n" + r.stderr());
    // A clean sync of a clean table has nothing to warn about: no library's noise either.
    assertEquals(List.of(), r.stderr().lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList(),
        "warnings of a clean sync");
    try (IndexInspector index = new IndexInspector(IndexInspector.connection(INDEX))) {
      index.index().refresh();
      assertEquals(ROWS, index.count());
    }
  }
}
