package io.beamconnectors.ftest.postgresql;

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
import io.beamconnectors.ftest.support.SyncAssertions;
import io.beamconnectors.ftest.support.SyncRunner;
import io.beamconnectors.pipelines.FullSyncPipeline;
import io.beamconnectors.metrics.SyncCounters;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * `make ftest NAME=postgresql`: a real PostgreSQL (ftest/fixtures/postgresql.sh) synced into a real
 * Elasticsearch (ftest/fixtures/elasticsearch.sh). The steps build on each other: initial sync,
 * no-op re-sync, changes, a source failure, an unreachable source, and the same sync on Flink.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresqlFtest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INDEX = "search-ftest-postgresql";
  private static final String FLINK_INDEX = "search-ftest-postgresql-flink";
  private static final String SYNC_USER = "bc_syncer";
  private static final String SYNC_PASSWORD = "Syncer_secret_42";

  private final int tables = FixtureEnv.getInt("BC_FTEST_PG_TABLES", 3);
  private final int rowsPerTable = FixtureEnv.getInt("BC_FTEST_PG_ROWS", 400);
  private final int descriptionBytes = FixtureEnv.getInt("BC_FTEST_PG_DESCRIPTION_BYTES", 1024);
  /** A database of its own, made afresh each run: other data on the fixture (demo, bench) can't leak in. */
  private final String database = "bc_ftest";
  private Connection admin;
  private IndexInspector inspector;

  @BeforeAll
  void setUp() throws Exception {
    String server = "jdbc:postgresql://" + FixtureEnv.require("BC_PG_HOST", "postgresql") + ":"
        + FixtureEnv.require("BC_PG_PORT", "postgresql") + "/";
    String user = FixtureEnv.require("BC_PG_USER", "postgresql");
    String password = FixtureEnv.require("BC_PG_PASSWORD", "postgresql");
    try (Connection c = DriverManager.getConnection(server + FixtureEnv.require("BC_PG_DATABASE", "postgresql"), user, password);
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + database);
    }
    admin = DriverManager.getConnection(server + database, user, password);
    PostgresqlData.create(admin, tables, rowsPerTable, descriptionBytes, SYNC_USER, SYNC_PASSWORD);
    inspector = new IndexInspector(IndexInspector.connection(INDEX));
    inspector.deleteIndex();
    try (IndexInspector flink = new IndexInspector(IndexInspector.connection(FLINK_INDEX))) {
      flink.deleteIndex();
    }
  }

  @AfterAll
  void tearDown() throws Exception {
    if (inspector != null) {
      inspector.close();
    }
    if (admin != null) {
      admin.close();
    }
  }

  private Map<String, Object> config() {
    Map<String, Object> c = new HashMap<>();
    c.put("host", FixtureEnv.require("BC_PG_HOST", "postgresql"));
    c.put("port", FixtureEnv.require("BC_PG_PORT", "postgresql"));
    c.put("username", SYNC_USER);
    c.put("password", SYNC_PASSWORD);
    c.put("database", database);
    c.put("tables", "*");
    c.put("fetch_size", "100");
    c.put("retry_count", "1");
    return c;
  }

  private SyncSummary sync() throws Exception {
    return SyncRunner.of("postgresql", INDEX, config()).run();
  }

  /** The documents the source should produce, computed independently from the rows. */
  private Map<String, JsonNode> expectedDocuments() throws SQLException {
    Map<String, JsonNode> out = new TreeMap<>();
    for (int t = 0; t < tables; t++) {
      String table = "customers_" + t;
      String prefix = "public_" + table + "_";
      try (Statement s = admin.createStatement();
          ResultSet rs = s.executeQuery("SELECT name, age, description FROM public." + table)) {
        while (rs.next()) {
          ObjectNode d = JSON.createObjectNode();
          d.put(prefix + "name", rs.getString(1));
          d.put(prefix + "age", rs.getInt(2));
          d.put(prefix + "description", rs.getString(3));
          d.put("Database", database);
          d.put("Table", table);
          d.put("schema", "public");
          String id = database + "_public_" + table + "_" + rs.getString(1) + "_";
          d.put("id", id);
          d.put("_scope", "public/" + table);
          out.put(id, d);
        }
      }
    }
    try (Statement s = admin.createStatement();
        ResultSet rs = s.executeQuery("SELECT region, order_no FROM sales.orders")) {
      while (rs.next()) {
        StringBuilder id = new StringBuilder(database + "_sales_orders_").append(rs.getString(1)).append('_');
        if (rs.getInt(2) != 0) {
          id.append(rs.getInt(2)).append('_');
        }
        out.put(id.toString(), null);
      }
    }
    return out;
  }

  /** The index holds exactly the source: same ids, and every field of every customers row. */
  private void assertMirrorsSource() throws Exception {
    Map<String, JsonNode> expected = expectedDocuments();
    Map<String, JsonNode> actual = inspector.documents();
    assertEquals(expected.keySet(), actual.keySet(), "document ids in the index");
    for (Map.Entry<String, JsonNode> e : expected.entrySet()) {
      JsonNode doc = actual.get(e.getKey());
      assertTrue(doc.path("_timestamp").asText().startsWith("sha256:"), "change token of " + e.getKey());
      if (e.getValue() != null) {
        ObjectNode withoutToken = ((ObjectNode) doc.deepCopy());
        withoutToken.remove("_timestamp");
        assertEquals(e.getValue(), withoutToken, "document " + e.getKey());
      }
    }
    assertEquals(expected.size(), inspector.count(), "_count");
  }

  @Test
  @Order(1)
  void initialSyncMirrorsEveryRow() throws Exception {
    SyncSummary summary = sync();
    assertMirrorsSource();
    long total = (long) tables * rowsPerTable + PostgresqlData.ORDERS;
    assertEquals(total, summary.get(SyncCounters.LISTED));
    assertEquals(total, summary.get(SyncCounters.CREATED));
    assertEquals(total, summary.get(SyncCounters.INDEXED_OK));
    assertEquals(0, summary.get(SyncCounters.FAILED));
    assertEquals(total, summary.indexDocumentCount(), "the refreshed index count reported at the end");
    assertEquals(1, summary.get(SyncCounters.SKIPPED_PARTS), "the keyless table is reported");
    assertTrue(summary.issues().contains("SKIPPED public/audit_log"), summary.issues().toString());
    assertTrue(summary.clean());

    // Types and the reference's id quirk on the composite-key table.
    Map<String, JsonNode> docs = inspector.documents();
    JsonNode order = docs.get(database + "_sales_orders_eu_7_");
    assertEquals(12.5, order.path("sales_orders_amount").asDouble(), 1e-9);
    assertEquals("2024-03-01T10:15:30", order.path("sales_orders_placed_at").asText());
    assertTrue(order.path("sales_orders_paid").asBoolean());
    assertTrue(docs.containsKey(database + "_sales_orders_eu_"), "a falsy key value (0) is left out of the id");
  }

  @Test
  @Order(2)
  void noOpResyncWritesNothing() throws Exception {
    SyncSummary summary = SyncAssertions.assertNoOpSync(inspector, this::sync);
    assertEquals((long) tables * rowsPerTable + PostgresqlData.ORDERS, summary.get(SyncCounters.UNCHANGED));
    assertMirrorsSource();
  }

  @Test
  @Order(3)
  void changesAreMirroredExactly() throws Exception {
    ContentIndex.OperationTotals before = inspector.totals();
    PostgresqlData.updateRows(admin, tables, 10);
    PostgresqlData.deleteRows(admin, tables, 10);
    PostgresqlData.insertRows(admin, tables, 10, descriptionBytes);
    SyncSummary summary = sync();
    assertMirrorsSource();
    assertEquals(10, summary.get(SyncCounters.UPDATED));
    assertEquals(10, summary.get(SyncCounters.DELETED));
    assertEquals(10, summary.get(SyncCounters.CREATED));
    ContentIndex.OperationTotals after = inspector.totals();
    assertEquals(20, after.indexTotal() - before.indexTotal(), "index operations: 10 updated + 10 created");
    assertEquals(10, after.deleteTotal() - before.deleteTotal(), "delete operations");
  }

  @Test
  @Order(4)
  void tableThatFailsMidSyncKeepsItsDocuments() throws Exception {
    Map<String, JsonNode> before = inspector.documents();
    try (Statement s = admin.createStatement()) {
      s.execute("REVOKE SELECT ON public.customers_1 FROM " + SYNC_USER);
    }
    try {
      PostgresqlData.deleteFrom(admin, "customers_1", 5);
      PostgresqlData.deleteFrom(admin, "customers_2", 5);
      SyncSummary summary = sync();
      assertFalse(summary.clean());
      assertEquals(1, summary.get(SyncCounters.LISTING_FAILURES));
      assertTrue(summary.issues().contains("FAILED public/customers_1"), summary.issues().toString());
      assertEquals(5, summary.get(SyncCounters.DELETED), "only customers_2's deletes go through");
      Map<String, JsonNode> after = inspector.documents();
      long kept = before.keySet().stream().filter(id -> id.contains("_customers_1_")).count();
      assertEquals(kept, after.keySet().stream().filter(id -> id.contains("_customers_1_")).count(),
          "no document of the unreadable table may be deleted");
      assertEquals(before.size() - 5, after.size());
    } finally {
      try (Statement s = admin.createStatement()) {
        s.execute("GRANT SELECT ON public.customers_1 TO " + SYNC_USER);
      }
    }
    SyncSummary healed = sync();
    assertTrue(healed.clean());
    assertEquals(5, healed.get(SyncCounters.DELETED));
    assertMirrorsSource();
  }

  @Test
  @Order(5)
  void unreachableSourceDeletesNothingAndLeaksNoSecret() throws Exception {
    Map<String, JsonNode> before = inspector.documents();
    PostgresqlData.deleteFrom(admin, "customers_0", 3);
    Map<String, Object> wrong = config();
    wrong.put("password", "Wrong_secret_99");

    FullSyncPipeline.SourceUnreachableException pinged = assertThrows(
        FullSyncPipeline.SourceUnreachableException.class,
        () -> SyncRunner.of("postgresql", INDEX, wrong).run());
    assertFalse(pinged.getMessage().contains("Wrong_secret_99"), pinged.getMessage());
    assertTrue(pinged.getMessage().contains("password authentication failed"), pinged.getMessage());

    SyncSummary summary = SyncRunner.of("postgresql", INDEX, wrong).arg("--ping=false").run();
    assertEquals(0, summary.get(SyncCounters.DELETED));
    assertTrue(summary.get(SyncCounters.DELETES_BLOCKED) > 0, "deletes are blocked, not just absent");
    assertTrue(summary.issues().contains("FAILED "), summary.issues().toString());
    assertEquals(before, inspector.documents(), "the index is untouched");
  }

  @Test
  @Order(6)
  void flinkRunnerBuildsTheSameIndex() throws Exception {
    sync();
    assertMirrorsSource();
    SyncSummary flink = SyncRunner.of("postgresql", FLINK_INDEX, config()).onFlink().run();
    assertTrue(flink.clean());
    try (IndexInspector other = new IndexInspector(IndexInspector.connection(FLINK_INDEX))) {
      Map<String, JsonNode> direct = inspector.documents();
      Map<String, JsonNode> onFlink = other.documents();
      assertEquals(direct, onFlink, "DirectRunner and FlinkRunner must build the same index");
      assertEquals(direct.size(), flink.get(SyncCounters.CREATED));
    }
  }
}
