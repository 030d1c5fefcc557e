package io.beamconnectors.ftest.mssql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.elasticsearch.ContentIndex;
import io.beamconnectors.ftest.support.FixtureEnv;
import io.beamconnectors.ftest.support.IndexInspector;
import io.beamconnectors.ftest.support.RunnerParity;
import io.beamconnectors.ftest.support.SyncAssertions;
import io.beamconnectors.ftest.support.SyncRunner;
import io.beamconnectors.metrics.SyncCounters;
import io.beamconnectors.pipelines.FullSyncPipeline;
import io.beamconnectors.sync.SyncSummary;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
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
 * `ftest/run.sh mssql`: a real SQL Server (e.g. mcr.microsoft.com/mssql/server) synced into the real
 * Elasticsearch fixture, with the PostgreSQL test's shape: exact mirror, no-op re-sync, 10
 * updates/deletes/inserts, a table whose SELECT is denied keeps its documents, an unreachable source
 * deletes nothing, and Direct and Flink build the same index.
 *
 * <p>The server is given by environment variables: {@code BC_MSSQL_HOST}, {@code BC_MSSQL_PORT}
 * (1433), {@code BC_MSSQL_ADMIN_USER} (sa), {@code BC_MSSQL_ADMIN_PASSWORD}. Without them every test
 * is reported as SKIPPED with the reason (no SQL Server can run on the build machines: no Docker,
 * no vendor packages), never as passed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MssqlFtest {
  static final String SKIP_REASON = "no SQL Server: set BC_MSSQL_HOST and BC_MSSQL_ADMIN_PASSWORD (and BC_MSSQL_PORT,"
      + " BC_MSSQL_ADMIN_USER) to run it, e.g. against mcr.microsoft.com/mssql/server";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INDEX = "search-ftest-mssql";
  private static final String DATABASE = "bc_ftest";
  private static final String SYNC_USER = "bc_syncer";
  private static final String SYNC_PASSWORD = "Syncer_secret_42";
  private static final int TABLES = 3;
  private static final int ROWS = 200;
  private static final int ORDERS = 3;
  private static final int ODD = 2;

  private Connection admin;
  private IndexInspector inspector;
  private int nextInsert = 1_000_000;

  @BeforeAll
  void setUp() throws Exception {
    if (!serverGiven()) {
      return; // every test reports itself as skipped (requireServer)
    }
    try (Connection master = connect("master"); Statement s = master.createStatement()) {
      s.execute("IF DB_ID('" + DATABASE + "') IS NOT NULL BEGIN ALTER DATABASE " + DATABASE
          + " SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE " + DATABASE + "; END");
      s.execute("CREATE DATABASE " + DATABASE);
      s.execute("IF SUSER_ID('" + SYNC_USER + "') IS NULL CREATE LOGIN " + SYNC_USER + " WITH PASSWORD = '"
          + SYNC_PASSWORD + "', CHECK_POLICY = OFF");
    }
    admin = connect(DATABASE);
    try (Statement s = admin.createStatement()) {
      s.execute("CREATE USER " + SYNC_USER + " FOR LOGIN " + SYNC_USER);
      s.execute("ALTER ROLE db_datareader ADD MEMBER " + SYNC_USER);
      for (int t = 0; t < TABLES; t++) {
        s.execute("CREATE TABLE dbo.customers_" + t + " (id NVARCHAR(40) PRIMARY KEY, name NVARCHAR(100),"
            + " age INT, score DECIMAL(9,2), description NVARCHAR(MAX))");
        try (PreparedStatement p = admin.prepareStatement("INSERT INTO dbo.customers_" + t + " VALUES (?, ?, ?, ?, ?)")) {
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
      s.execute("CREATE TABLE dbo.audit_log (msg NVARCHAR(100))");
      s.execute("INSERT INTO dbo.audit_log VALUES ('keyless')");
      s.execute("CREATE TABLE dbo.orders (region NVARCHAR(10), order_no INT, amount DECIMAL(10,2), paid BIT,"
          + " placed_at DATETIME2(7), placed_tz DATETIMEOFFSET(7), ref UNIQUEIDENTIFIER, price MONEY, rv ROWVERSION,"
          + " doc XML, raw VARBINARY(MAX), CONSTRAINT orders_pk PRIMARY KEY (region, order_no))");
      s.execute("INSERT INTO dbo.orders (region, order_no, amount, paid, placed_at, placed_tz, ref, price, doc, raw) VALUES"
          + " ('eu', 7, 12.50, 1, '2024-03-01T10:15:30.1234567', '2024-03-01T10:15:30.5+05:30',"
          + " '6F9619FF-8B86-D011-B42D-00C04FC964FF', 12.5, '<a>é</a>', 0x00FF10),"
          + " ('eu', 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL), ('us_east', 1, 99.99, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
      // Awkward names and keys: a ']' in the table name, an empty and an underscored key.
      s.execute("CREATE TABLE dbo.[odd]]name] ([Key] NVARCHAR(10) PRIMARY KEY, [v a l] INT)");
      s.execute("INSERT INTO dbo.[odd]]name] VALUES (N'', 1), (N'a_b', 2)");
    }
    inspector = new IndexInspector(IndexInspector.connection(INDEX));
    inspector.deleteIndex();
  }

  private static Connection connect(String database) throws SQLException {
    Properties p = new Properties();
    p.setProperty("serverName", System.getenv("BC_MSSQL_HOST"));
    p.setProperty("portNumber", FixtureEnv.get("BC_MSSQL_PORT", "1433"));
    p.setProperty("databaseName", database);
    p.setProperty("user", FixtureEnv.get("BC_MSSQL_ADMIN_USER", "sa"));
    p.setProperty("password", System.getenv("BC_MSSQL_ADMIN_PASSWORD"));
    p.setProperty("encrypt", "false");
    return DriverManager.getConnection("jdbc:sqlserver://", p);
  }

  static boolean serverGiven() {
    return System.getenv("BC_MSSQL_HOST") != null && System.getenv("BC_MSSQL_ADMIN_PASSWORD") != null;
  }

  /**
   * Per test, not in {@code @BeforeAll}: surefire counts an assumption that fails there as no test
   * at all, and a skipped test must show as skipped, with its reason.
   */
  @BeforeEach
  void requireServer() {
    Assumptions.assumeTrue(serverGiven(), SKIP_REASON);
  }

  @AfterAll
  void tearDown() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {inspector, admin}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private Map<String, Object> config() {
    Map<String, Object> c = new HashMap<>();
    c.put("host", System.getenv("BC_MSSQL_HOST"));
    c.put("port", FixtureEnv.get("BC_MSSQL_PORT", "1433"));
    c.put("username", SYNC_USER);
    c.put("password", SYNC_PASSWORD);
    c.put("database", DATABASE);
    c.put("schema", "dbo");
    c.put("tables", "*");
    c.put("fetch_size", "37");
    c.put("retry_count", "1");
    return c;
  }

  private SyncSummary sync() throws Exception {
    return SyncRunner.of("mssql", INDEX, config()).run();
  }

  /** The documented id: each component with '%' as %25 and '_' as %5F, then '_'. */
  static String idOf(String... components) {
    StringBuilder sb = new StringBuilder();
    for (String c : components) {
      sb.append(c.replace("%", "%25").replace("_", "%5F")).append('_');
    }
    return sb.toString();
  }

  private Map<String, JsonNode> expectedDocuments() throws SQLException {
    Map<String, JsonNode> out = new TreeMap<>();
    for (int t = 0; t < TABLES; t++) {
      String table = "customers_" + t;
      String prefix = "dbo_" + table + "_";
      try (Statement s = admin.createStatement();
          ResultSet rs = s.executeQuery("SELECT id, name, age, score, description FROM dbo." + table)) {
        while (rs.next()) {
          ObjectNode d = JSON.createObjectNode();
          d.put(prefix + "id", rs.getString(1));
          d.put(prefix + "name", rs.getString(2));
          d.put(prefix + "age", rs.getInt(3));
          d.put(prefix + "score", rs.getBigDecimal(4).doubleValue());
          d.put(prefix + "description", rs.getString(5));
          d.put("Database", DATABASE);
          d.put("Table", table);
          d.put("schema", "dbo");
          String id = idOf(DATABASE, "dbo", table, rs.getString(1));
          d.put("id", id);
          d.put("_scope", "dbo/" + table);
          out.put(id, d);
        }
      }
    }
    try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery("SELECT region, order_no FROM dbo.orders")) {
      while (rs.next()) {
        out.put(idOf(DATABASE, "dbo", "orders", rs.getString(1), Integer.toString(rs.getInt(2))), null);
      }
    }
    try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery("SELECT [Key] FROM dbo.[odd]]name]")) {
      while (rs.next()) {
        out.put(idOf(DATABASE, "dbo", "odd]name", rs.getString(1)), null);
      }
    }
    return out;
  }

  private void assertMirrorsSource() throws Exception {
    Map<String, JsonNode> expected = expectedDocuments();
    Map<String, JsonNode> actual = inspector.documents();
    assertEquals(expected.keySet(), actual.keySet(), "document ids in the index");
    for (Map.Entry<String, JsonNode> e : expected.entrySet()) {
      JsonNode doc = actual.get(e.getKey());
      assertTrue(doc.path("_timestamp").asText().matches("\\d{4}-\\d{2}-\\d{2}T.*"), "_timestamp of " + e.getKey());
      assertFalse(doc.path("_token").asText().isEmpty(), "_token of " + e.getKey());
      if (e.getValue() != null) {
        ObjectNode copy = (ObjectNode) doc.deepCopy();
        copy.remove("_timestamp");
        copy.remove("_token");
        assertEquals(e.getValue(), copy, "document " + e.getKey());
      }
    }
  }

  @Test
  @Order(1)
  void initialSyncMirrorsEveryRow() throws Exception {
    SyncSummary summary = sync();
    assertMirrorsSource();
    long total = (long) TABLES * ROWS + ORDERS + ODD;
    assertEquals(total, summary.get(SyncCounters.LISTED));
    assertEquals(total, summary.get(SyncCounters.CREATED));
    assertEquals(0, summary.get(SyncCounters.FAILED));
    assertTrue(summary.issues().contains("SKIPPED dbo/audit_log"), summary.issues().toString());
    JsonNode order = inspector.documents().get(idOf(DATABASE, "dbo", "orders", "eu", "7"));
    assertEquals(12.5, order.path("dbo_orders_amount").asDouble(), 1e-9);
    assertTrue(order.path("dbo_orders_paid").asBoolean());
    assertEquals("2024-03-01T10:15:30.123456700", order.path("dbo_orders_placed_at").asText());
    assertEquals("2024-03-01T10:15:30.500000+05:30", order.path("dbo_orders_placed_tz").asText());
    assertEquals("6f9619ff-8b86-d011-b42d-00c04fc964ff", order.path("dbo_orders_ref").asText());
    assertEquals("0x00FF10", order.path("dbo_orders_raw").asText());
    assertTrue(order.path("dbo_orders_rv").asText().matches("0x[0-9A-F]{16}"), order.toString());
    assertTrue(inspector.documents().containsKey(idOf(DATABASE, "dbo", "orders", "eu", "0")), "a zero key value is in the id");
    JsonNode empty = inspector.documents().get(idOf(DATABASE, "dbo", "odd]name", ""));
    assertEquals(1, empty.path("dbo_odd]name_v a l").asInt(), "an empty key value is in the id: " + empty);
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
    try (Statement s = admin.createStatement()) {
      assertEquals(10, s.executeUpdate("UPDATE dbo.customers_0 SET age = age + 1 WHERE id IN"
          + " (SELECT TOP 10 id FROM dbo.customers_0 WHERE id LIKE 'user%' ORDER BY id)"));
      assertEquals(10, s.executeUpdate("DELETE FROM dbo.customers_1 WHERE id IN"
          + " (SELECT TOP 10 id FROM dbo.customers_1 WHERE id LIKE 'user%' ORDER BY id)"));
    }
    try (PreparedStatement p = admin.prepareStatement("INSERT INTO dbo.customers_2 VALUES (?, ?, 1, 1, 'new')")) {
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
  void deniedTableKeepsItsDocuments() throws Exception {
    Map<String, JsonNode> before = inspector.documents();
    try (Statement s = admin.createStatement()) {
      s.executeUpdate("DELETE FROM dbo.customers_1 WHERE id IN ('user_50', 'user_51')");
      s.executeUpdate("DELETE FROM dbo.customers_2 WHERE id IN ('user_50', 'user_51')");
      s.execute("DENY SELECT ON dbo.customers_1 TO " + SYNC_USER);
    }
    try {
      SyncSummary summary = sync();
      assertFalse(summary.clean());
      assertTrue(summary.issues().contains("FAILED dbo/customers_1"), summary.issues().toString());
      assertEquals(2, summary.get(SyncCounters.DELETED), "only customers_2's deletes go through");
      Map<String, JsonNode> after = inspector.documents();
      assertEquals(before.keySet().stream().filter(id -> id.contains("_customers%5F1_")).count(),
          after.keySet().stream().filter(id -> id.contains("_customers%5F1_")).count(),
          "no document of the unreadable table may be deleted");
    } finally {
      try (Statement s = admin.createStatement()) {
        s.execute("REVOKE SELECT ON dbo.customers_1 FROM " + SYNC_USER);
      }
    }
    assertTrue(sync().clean());
    assertMirrorsSource();
  }

  @Test
  @Order(5)
  void unreachableSourceDeletesNothingAndLeaksNoSecret() throws Exception {
    Map<String, JsonNode> before = inspector.documents();
    try (Statement s = admin.createStatement()) {
      s.executeUpdate("DELETE FROM dbo.customers_0 WHERE id = 'user_60'");
    }
    Map<String, Object> wrong = config();
    wrong.put("password", "Wrong_secret_99");
    FullSyncPipeline.SourceUnreachableException pinged = assertThrows(FullSyncPipeline.SourceUnreachableException.class,
        () -> SyncRunner.of("mssql", INDEX, wrong).run());
    assertFalse(pinged.getMessage().contains("Wrong_secret_99"), pinged.getMessage());
    SyncSummary summary = SyncRunner.of("mssql", INDEX, wrong).arg("--ping=false").run();
    assertEquals(0, summary.get(SyncCounters.DELETED));
    assertEquals(before, inspector.documents(), "the index is untouched");
  }

  @Test
  @Order(6)
  void flinkRunnerBuildsTheSameIndex() throws Exception {
    RunnerParity.assertFlinkMatchesDirect("mssql", config(), INDEX);
  }
}
