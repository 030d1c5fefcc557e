package io.beamconnectors.ftest.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.elasticsearch.ContentIndex;
import io.beamconnectors.ftest.support.IndexInspector;
import io.beamconnectors.ftest.support.RunnerParity;
import io.beamconnectors.ftest.support.SyncAssertions;
import io.beamconnectors.ftest.support.SyncRunner;
import io.beamconnectors.metrics.SyncCounters;
import io.beamconnectors.pipelines.FullSyncPipeline;
import io.beamconnectors.sync.SyncSummary;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The functional suite of a database whose server is given by environment variables (Oracle, SQL
 * Server: none can run on the project's machines), synced into the real Elasticsearch fixture with
 * the PostgreSQL test's shape: exact mirror, no-op re-sync, 10 updates/deletes/inserts, a table that
 * cannot be read keeps its documents, an unreachable source deletes nothing and leaks no secret,
 * Direct and Flink build the same index, and a chunked read ({@link ChunkedTables}) lists every row
 * exactly once with chunks read by both Flink workers. Without a server every test is reported as
 * SKIPPED with the subclass's reason, never as passed.
 *
 * <p>A subclass creates {@link #TABLES} tables {@code customers_<n>} (text key {@code id},
 * {@code name}, {@code age}, {@code score}, {@code description}) of {@link #ROWS} rows each, a
 * keyless {@code audit_log}, its own tables of awkward names and types, and the chunked tables.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class GivenServerDatabaseFtest {
  protected static final ObjectMapper JSON = new ObjectMapper();
  protected static final String SYNC_PASSWORD = "Syncer_secret_42";
  protected static final int TABLES = 3;
  protected static final int ROWS = 200;

  private IndexInspector inspector;
  private IndexInspector chunksIndex;
  private int nextInsert = 1_000_000;

  /** The source's service type, e.g. {@code oracle}. */
  protected abstract String serviceType();

  protected abstract boolean serverGiven();

  /** Why the suite is skipped without a server, and how to give it one. */
  protected abstract String skipReason();

  /** Creates the sync user and every table, filled (the chunked ones with {@link ChunkedTables#fill}). */
  protected abstract void createData() throws Exception;

  /** A connection that reads and changes the customers tables as their owner or an administrator. */
  protected abstract Connection data();

  /** Closes what {@link #createData} opened. */
  protected abstract void close() throws Exception;

  /** The server's host and port, and the user the syncs connect as (its password: {@link #SYNC_PASSWORD}). */
  protected abstract String host();

  protected abstract String port();

  protected abstract String syncUser();

  /** Adds the dialect's own fields to the configuration (Oracle: how to connect; SQL Server: the schema). */
  protected abstract void addDialectFields(Map<String, Object> config);

  /** Changes the configuration to read the chunked tables (another user or database). */
  protected abstract void pointAtChunkedTables(Map<String, Object> config);

  /** The source configuration of the sync user: every table, 37 rows per fetch, one retry. */
  protected Map<String, Object> config() {
    Map<String, Object> c = new java.util.HashMap<>();
    c.put("host", host());
    c.put("port", port());
    c.put("username", syncUser());
    c.put("password", SYNC_PASSWORD);
    c.put("database", database());
    c.put("tables", "*");
    c.put("fetch_size", "37");
    c.put("retry_count", "1");
    addDialectFields(c);
    return c;
  }

  /** The configuration that reads the chunked tables with {@link ChunkedTables#CHUNK_SIZE} rows per chunk, 3 per fetch. */
  protected Map<String, Object> chunksConfig() {
    Map<String, Object> c = config();
    pointAtChunkedTables(c);
    c.put("chunk_size", Integer.toString(ChunkedTables.CHUNK_SIZE));
    c.put("fetch_size", "3");
    return c;
  }

  /** The database as ids and documents name it. */
  protected abstract String database();

  /** The schema as ids, scopes and fields name it, "" for a source without a schema level (Oracle). */
  protected abstract String schema();

  /** A table's name as the catalog stores it ({@code CUSTOMERS_0} in Oracle). */
  protected abstract String stored(String table);

  /** A table as SQL names it ({@code dbo.customers_0}). */
  protected abstract String qualified(String table);

  /** The ids of the chunked tables' rows, in the id format. */
  protected abstract java.util.Set<String> chunkIds() throws SQLException;

  /** A query for the ids of the first ten rows of {@code table} whose id starts with 'user'. */
  protected abstract String firstTenUserIds(String table);

  /** The dialect's own tables: their ids (documents null: not compared) and how many rows there are. */
  protected abstract Map<String, JsonNode> dialectDocuments() throws SQLException;

  /** Checks the documents of the dialect's own tables after the first sync (typed values, awkward names). */
  protected abstract void assertDialectDocuments(Map<String, JsonNode> docs);

  /** Makes {@code table} unreadable for the sync user in a way that leaves it listed. */
  protected abstract void makeUnreadable(String table) throws SQLException;

  protected abstract void makeReadable(String table) throws SQLException;

  protected String index() {
    return "search-ftest-" + serviceType();
  }

  protected String scope(String table) {
    return schema().isEmpty() ? stored(table) : schema() + "/" + stored(table);
  }

  /** The prefix of a table's fields: schema (if any) and table in lower case, then '_'. */
  protected String fieldPrefix(String table) {
    String t = stored(table).toLowerCase(java.util.Locale.ROOT);
    return (schema().isEmpty() ? "" : schema().toLowerCase(java.util.Locale.ROOT) + "_") + t + "_";
  }

  /** The id of a row of {@code table} with key values {@code key}. */
  protected String id(String table, String... key) {
    List<String> parts = new ArrayList<>();
    parts.add(database());
    if (!schema().isEmpty()) {
      parts.add(schema());
    }
    parts.add(stored(table));
    parts.addAll(List.of(key));
    return MirrorAssertions.idOf(parts.toArray(new String[0]));
  }

  /**
   * Fills a created customers table ({@code id, name, age, score, description}) with {@link #ROWS}
   * rows: ids {@code 0} (a zero key) and {@code user_<n>}, unicode names, trailing spaces in descriptions.
   */
  protected static void insertCustomers(Connection c, String table) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?)")) {
      for (int r = 0; r < ROWS; r++) {
        p.setString(1, r == 0 ? "0" : "user_" + r);
        p.setString(2, "Ünïcode näme " + r);
        p.setInt(3, r % 100);
        p.setBigDecimal(4, new java.math.BigDecimal(r + ".25"));
        p.setString(5, "description " + r + " ".repeat(r % 7));
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  @BeforeAll
  void setUp() throws Exception {
    if (!serverGiven()) {
      return; // every test reports itself as skipped (requireServer)
    }
    createData();
    inspector = new IndexInspector(IndexInspector.connection(index()));
    inspector.deleteIndex();
    chunksIndex = new IndexInspector(IndexInspector.connection(index() + "-chunks"));
    chunksIndex.deleteIndex();
    try (IndexInspector flink = new IndexInspector(IndexInspector.connection(index() + "-chunks-flink"))) {
      flink.deleteIndex();
    }
  }

  /**
   * Per test, not in {@code @BeforeAll}: surefire counts an assumption that fails there as no test
   * at all, and a skipped test must show as skipped, with its reason.
   */
  @BeforeEach
  void requireServer() {
    Assumptions.assumeTrue(serverGiven(), skipReason());
  }

  @AfterAll
  void tearDown() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {inspector, chunksIndex}) {
      if (c != null) {
        c.close();
      }
    }
    if (serverGiven()) {
      close();
    }
  }

  private SyncSummary sync() throws Exception {
    return SyncRunner.of(serviceType(), index(), config()).run();
  }

  /** The documents the source should produce, computed independently from the rows. */
  private Map<String, JsonNode> expectedDocuments() throws SQLException {
    Map<String, JsonNode> out = new TreeMap<>();
    for (int t = 0; t < TABLES; t++) {
      String table = "customers_" + t;
      String prefix = fieldPrefix(table);
      try (Statement s = data().createStatement();
          ResultSet rs = s.executeQuery("SELECT id, name, age, score, description FROM " + qualified(table))) {
        while (rs.next()) {
          ObjectNode d = JSON.createObjectNode();
          d.put(prefix + "id", rs.getString(1));
          d.put(prefix + "name", rs.getString(2));
          d.put(prefix + "age", rs.getInt(3));
          d.put(prefix + "score", rs.getBigDecimal(4).doubleValue());
          d.put(prefix + "description", rs.getString(5));
          d.put("Database", database());
          d.put("Table", stored(table));
          if (!schema().isEmpty()) {
            d.put("schema", schema());
          }
          String id = id(table, rs.getString(1));
          d.put("id", id);
          d.put("_scope", scope(table));
          out.put(id, d);
        }
      }
    }
    out.putAll(dialectDocuments());
    return out;
  }

  private void assertMirrorsSource() throws Exception {
    MirrorAssertions.assertMirrors(expectedDocuments(), inspector);
  }

  @Test
  @Order(1)
  void initialSyncMirrorsEveryRow() throws Exception {
    SyncSummary summary = sync();
    assertMirrorsSource();
    long total = (long) TABLES * ROWS + dialectDocuments().size();
    assertEquals(total, summary.get(SyncCounters.LISTED));
    assertEquals(total, summary.get(SyncCounters.CREATED));
    assertEquals(0, summary.get(SyncCounters.FAILED));
    assertTrue(summary.issues().contains("SKIPPED " + scope("audit_log")), summary.issues().toString());
    assertDialectDocuments(inspector.documents());
  }

  @Test
  @Order(2)
  void noOpResyncWritesNothing() throws Exception {
    SyncAssertions.assertNoOpSync(inspector, this::sync);
    assertMirrorsSource();
  }

  @Test
  @Order(3)
  void changesAreMirroredExactly() throws Exception {
    ContentIndex.OperationTotals before = inspector.totals();
    try (Statement s = data().createStatement()) {
      assertEquals(10, s.executeUpdate("UPDATE " + qualified("customers_0") + " SET age = age + 1 WHERE id IN ("
          + firstTenUserIds(qualified("customers_0")) + ")"));
      assertEquals(10, s.executeUpdate("DELETE FROM " + qualified("customers_1") + " WHERE id IN ("
          + firstTenUserIds(qualified("customers_1")) + ")"));
    }
    try (PreparedStatement p = data().prepareStatement("INSERT INTO " + qualified("customers_2")
        + " VALUES (?, ?, 1, 1, 'new')")) {
      for (int i = 0; i < 10; i++) {
        p.setString(1, "new_" + nextInsert++);
        p.setString(2, "inserted");
        p.executeUpdate();
      }
    }
    SyncSummary summary = sync();
    assertMirrorsSource();
    assertEquals(10, summary.get(SyncCounters.UPDATED));
    assertEquals(10, summary.get(SyncCounters.DELETED));
    assertEquals(10, summary.get(SyncCounters.CREATED));
    ContentIndex.OperationTotals after = inspector.totals();
    assertEquals(20, after.indexTotal() - before.indexTotal());
    assertEquals(10, after.deleteTotal() - before.deleteTotal());
  }

  @Test
  @Order(4)
  void unreadableTableKeepsItsDocuments() throws Exception {
    Map<String, JsonNode> before = inspector.documents();
    try (Statement s = data().createStatement()) {
      s.executeUpdate("DELETE FROM " + qualified("customers_1") + " WHERE id IN ('user_50', 'user_51')");
      s.executeUpdate("DELETE FROM " + qualified("customers_2") + " WHERE id IN ('user_50', 'user_51')");
    }
    makeUnreadable("customers_1");
    String fragment = "_" + MirrorAssertions.idOf(stored("customers_1"));
    try {
      SyncSummary summary = sync();
      assertFalse(summary.clean());
      assertTrue(summary.issues().contains("FAILED " + scope("customers_1")), summary.issues().toString());
      assertEquals(2, summary.get(SyncCounters.DELETED), "only customers_2's deletes go through");
      Map<String, JsonNode> after = inspector.documents();
      assertEquals(before.keySet().stream().filter(id -> id.contains(fragment)).count(),
          after.keySet().stream().filter(id -> id.contains(fragment)).count(),
          "no document of the unreadable table may be deleted");
    } finally {
      makeReadable("customers_1");
    }
    assertTrue(sync().clean());
    assertMirrorsSource();
  }

  @Test
  @Order(5)
  void unreachableSourceDeletesNothingAndLeaksNoSecret() throws Exception {
    Map<String, JsonNode> before = inspector.documents();
    try (Statement s = data().createStatement()) {
      s.executeUpdate("DELETE FROM " + qualified("customers_0") + " WHERE id = 'user_60'");
    }
    Map<String, Object> wrong = config();
    wrong.put("password", "Wrong_secret_99");
    FullSyncPipeline.SourceUnreachableException pinged = assertThrows(FullSyncPipeline.SourceUnreachableException.class,
        () -> SyncRunner.of(serviceType(), index(), wrong).run());
    assertFalse(pinged.getMessage().contains("Wrong_secret_99"), pinged.getMessage());
    SyncSummary summary = SyncRunner.of(serviceType(), index(), wrong).arg("--ping=false").run();
    assertEquals(0, summary.get(SyncCounters.DELETED));
    assertEquals(before, inspector.documents(), "the index is untouched");
  }

  @Test
  @Order(6)
  void flinkRunnerBuildsTheSameIndex() throws Exception {
    RunnerParity.assertFlinkMatchesDirect(serviceType(), config(), index());
  }

  @Test
  @Order(20)
  void chunkedReadListsEveryRowExactlyOnce() throws Exception {
    SyncSummary summary = SyncRunner.of(serviceType(), index() + "-chunks", chunksConfig()).run();
    ChunkedTables.assertEveryRowOnce(summary, chunksIndex, chunkIds());
  }

  @Test
  @Order(21)
  void chunksAreReadByBothFlinkWorkersIntoTheSameIndex() throws Exception {
    ChunkedTables.assertBothFlinkWorkersReadChunks(
        () -> SyncRunner.of(serviceType(), index() + "-chunks-flink", chunksConfig()).onFlink().run(),
        table -> schema().isEmpty() ? stored(table) : schema() + "." + stored(table));
    try (IndexInspector other = new IndexInspector(IndexInspector.connection(index() + "-chunks-flink"))) {
      assertEquals(MirrorAssertions.withoutTimestamps(chunksIndex.documents()),
          MirrorAssertions.withoutTimestamps(other.documents()),
          "DirectRunner and FlinkRunner must build the same index from chunks");
    }
  }
}
