package io.beamconnectors.ftest.oracle;

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
 * `ftest/run.sh oracle`: a real Oracle Database (e.g. the gvenzl/oracle-free image) synced into the
 * real Elasticsearch fixture, with the PostgreSQL test's shape: exact mirror, no-op re-sync, 10
 * updates/deletes/inserts, a table that cannot be read keeps its documents, an unreachable source
 * deletes nothing, and Direct and Flink build the same index.
 *
 * <p>The server is given by environment variables: {@code BC_ORACLE_HOST}, {@code BC_ORACLE_PORT}
 * (1521), {@code BC_ORACLE_DATABASE} (FREEPDB1), {@code BC_ORACLE_CONNECT_BY} (SERVICE_NAME),
 * {@code BC_ORACLE_ADMIN_USER} (system), {@code BC_ORACLE_ADMIN_PASSWORD}. Without them every test
 * is reported as SKIPPED with the reason (no Oracle server can run on the build machines: no Docker,
 * no vendor packages), never as passed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OracleFtest {
  static final String SKIP_REASON = "no Oracle server: set BC_ORACLE_HOST, BC_ORACLE_ADMIN_PASSWORD (and BC_ORACLE_PORT,"
      + " BC_ORACLE_DATABASE, BC_ORACLE_CONNECT_BY, BC_ORACLE_ADMIN_USER) to run it, e.g. against gvenzl/oracle-free";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INDEX = "search-ftest-oracle";
  private static final String SYNC_USER = "BC_SYNCER";
  private static final String SYNC_PASSWORD = "Syncer_secret_42";
  private static final int TABLES = 3;
  private static final int ROWS = 200;
  private static final int ORDERS = 3;
  private static final int MIXED = 2;

  private String database;
  private Connection admin;
  private Connection owner;
  private IndexInspector inspector;
  private int nextInsert = 1_000_000;

  @BeforeAll
  void setUp() throws Exception {
    if (!serverGiven()) {
      return; // every test reports itself as skipped (requireServer)
    }
    database = FixtureEnv.get("BC_ORACLE_DATABASE", "FREEPDB1");
    admin = DriverManager.getConnection(url(), FixtureEnv.get("BC_ORACLE_ADMIN_USER", "system"),
        System.getenv("BC_ORACLE_ADMIN_PASSWORD"));
    try (Statement s = admin.createStatement()) {
      try {
        s.execute("DROP USER " + SYNC_USER + " CASCADE");
      } catch (SQLException absent) {
        // first run
      }
      s.execute("CREATE USER " + SYNC_USER + " IDENTIFIED BY \"" + SYNC_PASSWORD + "\" QUOTA UNLIMITED ON USERS");
      s.execute("GRANT CREATE SESSION, CREATE TABLE TO " + SYNC_USER);
      // A row-level security policy whose predicate is broken makes one table unreadable, for its
      // owner too (failure injection a real server produces: ORA-28113).
      s.execute("CREATE OR REPLACE FUNCTION bc_ftest_broken_policy(s VARCHAR2, t VARCHAR2) RETURN VARCHAR2 AS"
          + " BEGIN RETURN 'bc_no_such_column = 1'; END;");
    }
    owner = DriverManager.getConnection(url(), SYNC_USER, SYNC_PASSWORD);
    try (Statement s = owner.createStatement()) {
      for (int t = 0; t < TABLES; t++) {
        s.execute("CREATE TABLE CUSTOMERS_" + t + " (ID VARCHAR2(40) PRIMARY KEY, NAME NVARCHAR2(100),"
            + " AGE NUMBER(3), SCORE NUMBER, DESCRIPTION CLOB)");
        try (PreparedStatement p = owner.prepareStatement("INSERT INTO CUSTOMERS_" + t + " VALUES (?, ?, ?, ?, ?)")) {
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
      s.execute("CREATE TABLE AUDIT_LOG (MSG VARCHAR2(100))");
      s.execute("INSERT INTO AUDIT_LOG VALUES ('keyless')");
      s.execute("CREATE TABLE ORDERS (REGION VARCHAR2(10), ORDER_NO NUMBER(10), AMOUNT NUMBER(10,2),"
          + " PLACED_AT DATE, PLACED_TZ TIMESTAMP(6) WITH TIME ZONE, CONSTRAINT ORDERS_PK PRIMARY KEY (REGION, ORDER_NO))");
      s.execute("INSERT INTO ORDERS VALUES ('eu', 7, 12.5, TIMESTAMP '2024-03-01 10:15:30',"
          + " TIMESTAMP '2024-03-01 10:15:30.5 +05:30')");
      s.execute("INSERT INTO ORDERS VALUES ('eu', 0, 0, NULL, NULL)");
      s.execute("INSERT INTO ORDERS VALUES ('us_east', 1, 99.99, NULL, NULL)");
      // A name that only quoting can read (the reference's unquoted SELECT could not).
      s.execute("CREATE TABLE \"Mixed case_T\" (\"Key\" VARCHAR2(10) PRIMARY KEY, \"v a l\" NUMBER)");
      s.execute("INSERT INTO \"Mixed case_T\" VALUES ('a_b', 1)");
      s.execute("INSERT INTO \"Mixed case_T\" VALUES ('%', 2.5)");
    }
    inspector = new IndexInspector(IndexInspector.connection(INDEX));
    inspector.deleteIndex();
  }

  private static String url() {
    String by = FixtureEnv.get("BC_ORACLE_CONNECT_BY", "SERVICE_NAME");
    return "jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=" + System.getenv("BC_ORACLE_HOST") + ")(PORT="
        + FixtureEnv.get("BC_ORACLE_PORT", "1521") + "))(CONNECT_DATA=(" + by + "="
        + FixtureEnv.get("BC_ORACLE_DATABASE", "FREEPDB1") + ")))";
  }

  static boolean serverGiven() {
    return System.getenv("BC_ORACLE_HOST") != null && System.getenv("BC_ORACLE_ADMIN_PASSWORD") != null;
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
    for (AutoCloseable c : new AutoCloseable[] {inspector, owner, admin}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private Map<String, Object> config() {
    Map<String, Object> c = new HashMap<>();
    c.put("host", System.getenv("BC_ORACLE_HOST"));
    c.put("port", FixtureEnv.get("BC_ORACLE_PORT", "1521"));
    c.put("username", SYNC_USER);
    c.put("password", SYNC_PASSWORD);
    c.put("database", database);
    c.put("oracle_connect_by", FixtureEnv.get("BC_ORACLE_CONNECT_BY", "SERVICE_NAME"));
    c.put("tables", "*");
    c.put("fetch_size", "37");
    c.put("retry_count", "1");
    return c;
  }

  private SyncSummary sync() throws Exception {
    return SyncRunner.of("oracle", INDEX, config()).run();
  }

  /** The documented id: each component with '%' as %25 and '_' as %5F, then '_'; no schema level. */
  static String idOf(String... components) {
    StringBuilder sb = new StringBuilder();
    for (String c : components) {
      sb.append(c.replace("%", "%25").replace("_", "%5F")).append('_');
    }
    return sb.toString();
  }

  /** The documents the source should produce, computed independently from the rows. */
  private Map<String, JsonNode> expectedDocuments() throws SQLException {
    Map<String, JsonNode> out = new TreeMap<>();
    for (int t = 0; t < TABLES; t++) {
      String table = "CUSTOMERS_" + t;
      String prefix = "customers_" + t + "_";
      try (Statement s = owner.createStatement();
          ResultSet rs = s.executeQuery("SELECT ID, NAME, AGE, SCORE, DESCRIPTION FROM " + table)) {
        while (rs.next()) {
          ObjectNode d = JSON.createObjectNode();
          d.put(prefix + "id", rs.getString(1));
          d.put(prefix + "name", rs.getString(2));
          d.put(prefix + "age", rs.getInt(3));
          d.put(prefix + "score", rs.getBigDecimal(4).stripTrailingZeros().doubleValue());
          d.put(prefix + "description", rs.getString(5));
          d.put("Database", database);
          d.put("Table", table);
          String id = idOf(database, table, rs.getString(1));
          d.put("id", id);
          d.put("_scope", table);
          out.put(id, d);
        }
      }
    }
    try (Statement s = owner.createStatement(); ResultSet rs = s.executeQuery("SELECT REGION, ORDER_NO FROM ORDERS")) {
      while (rs.next()) {
        out.put(idOf(database, "ORDERS", rs.getString(1), Long.toString(rs.getLong(2))), null);
      }
    }
    try (Statement s = owner.createStatement(); ResultSet rs = s.executeQuery("SELECT \"Key\" FROM \"Mixed case_T\"")) {
      while (rs.next()) {
        out.put(idOf(database, "Mixed case_T", rs.getString(1)), null);
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
    long total = (long) TABLES * ROWS + ORDERS + MIXED;
    assertEquals(total, summary.get(SyncCounters.LISTED));
    assertEquals(total, summary.get(SyncCounters.CREATED));
    assertEquals(0, summary.get(SyncCounters.FAILED));
    assertTrue(summary.issues().contains("SKIPPED AUDIT_LOG"), summary.issues().toString());
    JsonNode order = inspector.documents().get(idOf(database, "ORDERS", "eu", "7"));
    assertEquals(12.5, order.path("orders_amount").asDouble(), 1e-9);
    assertEquals("2024-03-01T10:15:30", order.path("orders_placed_at").asText());
    assertEquals("2024-03-01T10:15:30.500000+05:30", order.path("orders_placed_tz").asText());
    assertTrue(inspector.documents().containsKey(idOf(database, "ORDERS", "eu", "0")), "a zero key value is in the id");
    assertTrue(inspector.documents().containsKey(idOf(database, "ORDERS", "us_east", "1")));
    JsonNode mixed = inspector.documents().get(idOf(database, "Mixed case_T", "%"));
    assertEquals(2.5, mixed.path("mixed case_t_v a l").asDouble(), 1e-9, mixed.toString());
    assertEquals("Mixed case_T", mixed.path("Table").asText());
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
    try (Statement s = owner.createStatement()) {
      assertEquals(10, s.executeUpdate("UPDATE CUSTOMERS_0 SET AGE = AGE + 1 WHERE ID IN (SELECT ID FROM CUSTOMERS_0"
          + " WHERE ID LIKE 'user%' ORDER BY ID FETCH FIRST 10 ROWS ONLY)"));
      assertEquals(10, s.executeUpdate("DELETE FROM CUSTOMERS_1 WHERE ID IN (SELECT ID FROM CUSTOMERS_1"
          + " WHERE ID LIKE 'user%' ORDER BY ID FETCH FIRST 10 ROWS ONLY)"));
    }
    try (PreparedStatement p = owner.prepareStatement("INSERT INTO CUSTOMERS_2 VALUES (?, ?, 1, 1, 'new')")) {
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
    try (Statement s = owner.createStatement()) {
      s.executeUpdate("DELETE FROM CUSTOMERS_1 WHERE ID IN ('user_50', 'user_51')");
      s.executeUpdate("DELETE FROM CUSTOMERS_2 WHERE ID IN ('user_50', 'user_51')");
    }
    try (Statement s = admin.createStatement()) {
      s.execute("BEGIN DBMS_RLS.ADD_POLICY(object_schema => '" + SYNC_USER + "', object_name => 'CUSTOMERS_1',"
          + " policy_name => 'BC_BROKEN', function_schema => USER, policy_function => 'BC_FTEST_BROKEN_POLICY'); END;");
    }
    try {
      SyncSummary summary = sync();
      assertFalse(summary.clean());
      assertTrue(summary.issues().contains("FAILED CUSTOMERS_1"), summary.issues().toString());
      assertEquals(2, summary.get(SyncCounters.DELETED), "only CUSTOMERS_2's deletes go through");
      Map<String, JsonNode> after = inspector.documents();
      assertEquals(before.keySet().stream().filter(id -> id.contains("_CUSTOMERS%5F1_")).count(),
          after.keySet().stream().filter(id -> id.contains("_CUSTOMERS%5F1_")).count(),
          "no document of the unreadable table may be deleted");
    } finally {
      try (Statement s = admin.createStatement()) {
        s.execute("BEGIN DBMS_RLS.DROP_POLICY('" + SYNC_USER + "', 'CUSTOMERS_1', 'BC_BROKEN'); END;");
      }
    }
    assertTrue(sync().clean());
    assertMirrorsSource();
  }

  @Test
  @Order(5)
  void unreachableSourceDeletesNothingAndLeaksNoSecret() throws Exception {
    Map<String, JsonNode> before = inspector.documents();
    try (Statement s = owner.createStatement()) {
      s.executeUpdate("DELETE FROM CUSTOMERS_0 WHERE ID = 'user_60'");
    }
    Map<String, Object> wrong = config();
    wrong.put("password", "Wrong_secret_99");
    FullSyncPipeline.SourceUnreachableException pinged = assertThrows(FullSyncPipeline.SourceUnreachableException.class,
        () -> SyncRunner.of("oracle", INDEX, wrong).run());
    assertFalse(pinged.getMessage().contains("Wrong_secret_99"), pinged.getMessage());
    SyncSummary summary = SyncRunner.of("oracle", INDEX, wrong).arg("--ping=false").run();
    assertEquals(0, summary.get(SyncCounters.DELETED));
    assertEquals(before, inspector.documents(), "the index is untouched");
  }

  @Test
  @Order(6)
  void flinkRunnerBuildsTheSameIndex() throws Exception {
    RunnerParity.assertFlinkMatchesDirect("oracle", config(), INDEX);
  }
}
