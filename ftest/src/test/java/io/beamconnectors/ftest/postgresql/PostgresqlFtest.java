package io.beamconnectors.ftest.postgresql;

import static io.beamconnectors.ftest.database.MirrorAssertions.idOf;
import static io.beamconnectors.ftest.database.MirrorAssertions.withoutTimestamps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.elasticsearch.ContentIndex;
import io.beamconnectors.ftest.database.ChunkedTables;
import io.beamconnectors.ftest.database.MirrorAssertions;
import io.beamconnectors.ftest.support.FixtureEnv;
import io.beamconnectors.ftest.support.IndexInspector;
import io.beamconnectors.ftest.support.SyncAssertions;
import io.beamconnectors.ftest.support.SyncRunner;
import io.beamconnectors.pipelines.FullSyncPipeline;
import io.beamconnectors.metrics.SyncCounters;
import io.beamconnectors.sync.SyncSummary;
import java.sql.Connection;
import java.sql.DriverManager;
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
  /** The awkward-shapes database and its index (PostgresqlAwkwardData). */
  private static final String AWKWARD_DB = "bc_ftest_awkward";
  private static final String AWKWARD_INDEX = "search-ftest-postgresql-awkward";
  private Connection awkward;
  private IndexInspector awkwardIndex;
  /** The chunked-read database and its indices (PostgresqlChunkData). */
  private static final String CHUNKS_DB = "bc_chunks";
  private static final String CHUNKS_INDEX = "search-ftest-postgresql-chunks";
  private static final String CHUNKS_FLINK_INDEX = "search-ftest-postgresql-chunks-flink";
  private Connection chunks;
  private IndexInspector chunksIndex;
  private Connection admin;
  private IndexInspector inspector;

  /** A connection to a database of the fixture server, as its administrator. */
  private static Connection connect(String db) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://" + FixtureEnv.require("BC_PG_HOST", "postgresql") + ":"
        + FixtureEnv.require("BC_PG_PORT", "postgresql") + "/" + db,
        FixtureEnv.require("BC_PG_USER", "postgresql"), FixtureEnv.require("BC_PG_PASSWORD", "postgresql"));
  }

  /** Drops these databases if they exist and creates them empty. */
  private static void recreateDatabases(String... names) throws SQLException {
    try (Connection c = connect(FixtureEnv.require("BC_PG_DATABASE", "postgresql")); Statement s = c.createStatement()) {
      for (String name : names) {
        s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        s.execute("CREATE DATABASE " + name);
      }
    }
  }

  @BeforeAll
  void setUp() throws Exception {
    recreateDatabases(database, AWKWARD_DB, CHUNKS_DB);
    admin = connect(database);
    PostgresqlData.create(admin, tables, rowsPerTable, descriptionBytes, SYNC_USER, SYNC_PASSWORD);
    awkward = connect(AWKWARD_DB);
    PostgresqlAwkwardData.create(awkward, SYNC_USER);
    awkwardIndex = new IndexInspector(IndexInspector.connection(AWKWARD_INDEX));
    awkwardIndex.deleteIndex();
    chunks = connect(CHUNKS_DB);
    PostgresqlChunkData.create(chunks, SYNC_USER);
    chunksIndex = new IndexInspector(IndexInspector.connection(CHUNKS_INDEX));
    chunksIndex.deleteIndex();
    try (IndexInspector flink = new IndexInspector(IndexInspector.connection(CHUNKS_FLINK_INDEX))) {
      flink.deleteIndex();
    }
    inspector = new IndexInspector(IndexInspector.connection(INDEX));
    inspector.deleteIndex();
    // As a version before _lookup created it: the engine's mappings without that field, which the
    // first sync must add (ContentIndex.ensureLookupField) for its lookups to read it, and with
    // _token indexed, as those versions mapped it.
    ObjectNode mappings = ContentIndex.mappings(null);
    ObjectNode properties = (ObjectNode) mappings.path("properties");
    properties.remove(io.beamconnectors.elasticsearch.IndexFields.LOOKUP);
    properties.putObject(io.beamconnectors.elasticsearch.IndexFields.TOKEN).put("type", "keyword");
    org.elasticsearch.client.Request create = new org.elasticsearch.client.Request("PUT", "/" + INDEX);
    create.setJsonEntity(JSON.createObjectNode().set("mappings", mappings).toString());
    inspector.index().client().performRequest(create);
    assertEquals(ContentIndex.LookupMapping.ABSENT, ContentIndex.lookupMapping(inspector.index().client(), INDEX));
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
    if (awkwardIndex != null) {
      awkwardIndex.close();
    }
    if (awkward != null) {
      awkward.close();
    }
    if (chunksIndex != null) {
      chunksIndex.close();
    }
    if (chunks != null) {
      chunks.close();
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
          String id = idOf(database, "public", table, rs.getString(1));
          d.put("id", id);
          d.put("_scope", "public/" + table);
          out.put(id, d);
        }
      }
    }
    try (Statement s = admin.createStatement();
        ResultSet rs = s.executeQuery("SELECT region, order_no FROM sales.orders")) {
      while (rs.next()) {
        out.put(idOf(database, "sales", "orders", rs.getString(1), Integer.toString(rs.getInt(2))), null);
      }
    }
    return out;
  }

  /** The index holds exactly the source: same ids, and every field of every customers row. */
  private void assertMirrorsSource() throws Exception {
    MirrorAssertions.assertMirrors(expectedDocuments(), inspector);
  }

  @Test
  @Order(1)
  void initialSyncMirrorsEveryRow() throws Exception {
    SyncSummary summary = sync();
    assertMirrorsSource();
    assertEquals(ContentIndex.LookupMapping.READABLE, ContentIndex.lookupMapping(inspector.index().client(), INDEX),
        "the sync added _lookup to the index an earlier version created");
    long total = (long) tables * rowsPerTable + PostgresqlData.ORDERS;
    assertEquals(total, summary.get(SyncCounters.LISTED));
    assertEquals(total, summary.get(SyncCounters.CREATED));
    assertEquals(total, summary.get(SyncCounters.INDEXED_OK));
    assertEquals(0, summary.get(SyncCounters.FAILED));
    assertEquals(total, summary.indexDocumentCount(), "the refreshed index count reported at the end");
    // The index was empty at the start: nothing to delete, so its state (this sync's own writes) is not read.
    assertEquals(0, summary.get(SyncCounters.INDEX_STATE_READ), "index state read although the index started empty");
    assertEquals(1, summary.get(SyncCounters.SKIPPED_PARTS), "the keyless table is reported");
    assertTrue(summary.issues().contains("SKIPPED public/audit_log"), summary.issues().toString());
    assertTrue(summary.clean());

    // Types and the reference's id quirk on the composite-key table.
    Map<String, JsonNode> docs = inspector.documents();
    JsonNode order = docs.get(idOf(database, "sales", "orders", "eu", "7"));
    assertEquals(12.5, order.path("sales_orders_amount").asDouble(), 1e-9);
    assertEquals("2024-03-01T10:15:30", order.path("sales_orders_placed_at").asText());
    assertTrue(order.path("sales_orders_paid").asBoolean());
    assertTrue(docs.containsKey(idOf(database, "sales", "orders", "eu", "0")), "a zero key value is in the id");
  }

  @Test
  @Order(2)
  void noOpResyncWritesNothing() throws Exception {
    SyncSummary summary = SyncAssertions.assertNoOpSync(inspector, this::sync);
    assertEquals((long) tables * rowsPerTable + PostgresqlData.ORDERS, summary.get(SyncCounters.UNCHANGED));
    // The lookups found every indexed document, so the index state was not read for deletes.
    assertEquals(0, summary.get(SyncCounters.INDEX_STATE_READ), "index state read although nothing can be deleted");
    assertMirrorsSource();
  }

  @Test
  @Order(3)
  void changesAreMirroredExactly() throws Exception {
    ContentIndex.OperationTotals before = inspector.totals();
    PostgresqlData.updateRows(admin, tables, 10);
    PostgresqlData.deleteRows(admin, tables, 10);
    PostgresqlData.insertRows(admin, tables, 10, descriptionBytes);
    long indexedBefore = inspector.index().count();
    SyncSummary summary = sync();
    assertMirrorsSource();
    // Ten indexed rows were not listed: the whole index state was read for them (the documents
    // created by this sync may be in it too, depending on when the point in time was opened).
    long stateRead = summary.get(SyncCounters.INDEX_STATE_READ);
    assertTrue(stateRead >= indexedBefore && stateRead <= indexedBefore + 10, "index state read: " + stateRead);
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
    assertTrue(summary.issues().stream().anyMatch(i -> i.startsWith("FAILED ")), summary.issues().toString());
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
      // _timestamp is when each sync first saw the row, so it differs between the two indices.
      Map<String, JsonNode> direct = withoutTimestamps(inspector.documents());
      Map<String, JsonNode> onFlink = withoutTimestamps(other.documents());
      assertEquals(direct, onFlink, "DirectRunner and FlinkRunner must build the same index");
      assertEquals(direct.size(), flink.get(SyncCounters.CREATED));
    }
  }

  // ---- The awkward schema (PostgresqlAwkwardData): ids, values, parts that vanish. ----

  private Map<String, Object> awkwardConfig() {
    Map<String, Object> c = config();
    c.put("database", AWKWARD_DB);
    return c;
  }

  private SyncSummary awkwardSync() throws Exception {
    return SyncRunner.of("postgresql", AWKWARD_INDEX, awkwardConfig()).run();
  }

  private String awkwardId(String... parts) {
    String[] all = new String[parts.length + 1];
    all[0] = AWKWARD_DB;
    System.arraycopy(parts, 0, all, 1, parts.length);
    return idOf(all);
  }

  /** A document's _source exactly as stored (numbers with their scale). */
  private String rawSource(String id) throws Exception {
    String path = "/" + AWKWARD_INDEX + "/_source/"
        + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    org.elasticsearch.client.Response r = awkwardIndex.index().client()
        .performRequest(new org.elasticsearch.client.Request("GET", path));
    return new String(r.getEntity().getContent().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  @Order(10)
  void awkwardSchemaGivesOneDocumentPerKeyedRow() throws Exception {
    SyncSummary summary = awkwardSync();
    long keyedRows = PostgresqlAwkwardData.keyedRows(awkward);
    Map<String, JsonNode> docs = awkwardIndex.documents();
    System.out.printf("AWKWARD SCHEMA: documents=%d keyed_rows=%d listed=%d duplicate_ids=%d failed=%d clean=%s issues=%s%n",
        docs.size(), keyedRows, summary.get(SyncCounters.LISTED), summary.get(SyncCounters.DUPLICATE_IDS),
        summary.get(SyncCounters.FAILED), summary.clean(), summary.issues());
    assertEquals(keyedRows, docs.size(), "documents in the index == keyed rows");
    assertEquals(keyedRows, summary.get(SyncCounters.LISTED), "each keyed row listed once (ONLY)");
    assertEquals(keyedRows, awkwardIndex.count());
    assertEquals(0, summary.get(SyncCounters.DUPLICATE_IDS));
    assertEquals(0, summary.get(SyncCounters.FAILED), "every value indexed, NaN and infinities included");
    assertTrue(summary.issues().contains("FAILED public/twins"), "case twins reported: " + summary.issues());
    assertTrue(summary.issues().contains("SKIPPED public/no_key"), summary.issues().toString());
    assertEquals(2, summary.issues().size(), summary.issues().toString());
    assertFalse(summary.clean(), "a table that was not synced makes the run not clean");

    // Zero values, underscores in values and in names, bytea, array and timestamptz keys.
    for (String[] key : new String[][] {
        {"public", "order_lines", "0", "1"}, {"public", "order_lines", "1", "0"}, {"public", "order_lines", "0", "0"},
        {"public", "pairs", "a_b", "c", "True"}, {"public", "pairs", "a", "b_c", "True"},
        {"public", "pairs", "", "", "False"}, {"public", "pairs", "%", "5F", "False"},
        {"public", "a_b", "c"}, {"public", "a", "b_c"}, {"odd_schema", "t", "x"}, {"odd", "schema_t", "x"},
        {"public", "events", "2024-11-03 05:30:00+00:00"}, {"public", "events", "2024-11-03 06:30:00+00:00"},
        {"public", "events", "2024-03-01 10:15:30.123456+00:00"},
        {"public", "blobs", "\\x00"}, {"public", "blobs", "\\x"}, {"public", "blobs", "\\x5f"},
        {"public", "grid", "[\"1\",\"2\"]"}, {"public", "grid", "[[\"1\",\"2\"],[\"3\",\"4\"]]"},
        {"public", "grid", "[]"}, {"public", "grid", "[\"1\",null]"},
        {"public", "animals", "1"}, {"public", "dogs", "2"}, {"public", "dogs", "3"},
        {"public", "measurements", "lima", "2024-06-01"}}) {
      assertTrue(docs.containsKey(awkwardId(key)), "document " + awkwardId(key) + " in " + docs.keySet());
    }
    assertFalse(docs.containsKey(awkwardId("public", "animals", "2")), "an inheritance child's rows are not the parent's");
    assertEquals("public/dogs", docs.get(awkwardId("public", "dogs", "2")).path("_scope").asText());

    // Exact values, as stored.
    String one = rawSource(awkwardId("public", "kinds", "1"));
    for (String field : new String[] {
        "\"public_kinds_f\":0.1", "\"public_kinds_ts\":\"2024-03-01T10:15:30.500000\"",
        "\"public_kinds_tstz\":\"2024-03-30T23:30:00.000001+00:00\"", "\"public_kinds_d\":\"2024-02-29\"",
        "\"public_kinds_t\":\"10:15:30.250000\"", "\"public_kinds_ttz\":\"10:15:30+05:30\"",
        "\"public_kinds_b\":\"\\\\x00ff10\"", "\"public_kinds_arr\":[[1,2],[3,4]]",
        "\"public_kinds_tarr\":[\"a,b\",\"c d\",null,\"q\\\"x\"]",
        "\"public_kinds_j\":\"{\\\"b\\\": 1, \\\"a\\\": [1, 2]}\"",
        "\"public_kinds_m\":\"$1,234.56\"", "\"public_kinds_iv\":\"P1Y2M3DT4H5M6.5S\"",
        "\"public_kinds_flag\":true", "\"public_kinds_big\":9223372036854775807"}) {
      assertTrue(one.contains(field), field + " in " + one);
    }
    JsonNode kinds1 = docs.get(awkwardId("public", "kinds", "1"));
    assertEquals(0, new java.math.BigDecimal("12.50").compareTo(kinds1.path("public_kinds_n").decimalValue()));
    assertTrue(kinds1.path("public_kinds_nn").isNumber(), "a 39-digit numeric is indexed as a number");
    String zero = rawSource(awkwardId("public", "kinds", "0"));
    assertTrue(zero.contains("\"public_kinds_flag\":false,"), zero);
    assertEquals(0.0, docs.get(awkwardId("public", "kinds", "0")).path("public_kinds_nn").doubleValue());
    String special = rawSource(awkwardId("public", "kinds", "2"));
    assertTrue(special.contains("\"public_kinds_nn\":null"), special);
    assertTrue(special.contains("\"_non_finite\":{\"public_kinds_nn\":\"NaN\",\"public_kinds_f\":\"NaN\","
        + "\"public_kinds_r\":\"-Infinity\",\"public_kinds_ts\":\"infinity\",\"public_kinds_tstz\":\"-infinity\","
        + "\"public_kinds_d\":\"infinity\"}"), special);
    assertTrue(special.contains("\"public_kinds_t\":\"24:00:00\""), special);
  }

  @Test
  @Order(11)
  void exactNumbersReachTheIndex() throws Exception {
    String one = rawSource(awkwardId("public", "kinds", "1"));
    assertTrue(one.contains("\"public_kinds_n\":12.50,"), one);
    assertTrue(one.contains("\"public_kinds_nn\":123456789012345678901234567890.000000001,"), one);
    assertTrue(rawSource(awkwardId("public", "kinds", "0")).contains("\"public_kinds_n\":0.00,\"public_kinds_nn\":0.0,"));
  }

  @Test
  @Order(11)
  void awkwardSchemaNoOpResyncWritesNothing() throws Exception {
    SyncAssertions.assertNoOpSync(awkwardIndex, this::awkwardSync);
  }

  @Test
  @Order(12)
  void misspelledTableIsAConfigurationErrorAndTouchesNothing() throws Exception {
    Map<String, JsonNode> before = awkwardIndex.documents();
    ContentIndex.OperationTotals totals = awkwardIndex.totals();
    Map<String, Object> typo = awkwardConfig();
    typo.put("tables", "order_lines,orderlines,Pairs");
    typo.put("password", SYNC_PASSWORD);
    io.beamconnectors.sources.ConfigurationException e = assertThrows(
        io.beamconnectors.sources.ConfigurationException.class,
        () -> SyncRunner.of("postgresql", AWKWARD_INDEX, typo).run());
    assertTrue(e.getMessage().contains("(tables) names table 'orderlines', which does not exist in database '"
        + AWKWARD_DB + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'pairs'?"), e.getMessage());
    assertFalse(e.getMessage().contains(SYNC_PASSWORD), e.getMessage());
    assertEquals(before, awkwardIndex.documents(), "index untouched");
    assertEquals(totals, awkwardIndex.totals(), "nothing written");
  }

  @Test
  @Order(13)
  void aTableThatLosesItsKeyIsSkippedAndKeepsItsDocuments() throws Exception {
    try (Statement s = awkward.createStatement()) {
      s.execute("ALTER TABLE public.shifting DROP CONSTRAINT shifting_pk");
      s.execute("DELETE FROM public.shifting WHERE id = 2");
      s.execute("DELETE FROM public.order_lines WHERE order_id = 10");
    }
    SyncSummary summary = awkwardSync();
    assertTrue(summary.issues().contains("SKIPPED public/shifting"), summary.issues().toString());
    Map<String, JsonNode> docs = awkwardIndex.documents();
    assertTrue(docs.containsKey(awkwardId("public", "shifting", "1")));
    assertTrue(docs.containsKey(awkwardId("public", "shifting", "2")), "SKIPPED keeps the documents of its scope");
    assertFalse(docs.containsKey(awkwardId("public", "order_lines", "10", "1")), "other tables still mirror");
    assertEquals(1, summary.get(SyncCounters.DELETED));
  }

  @Test
  @Order(14)
  void aRevokedTableFailsAndKeepsItsDocuments() throws Exception {
    Map<String, JsonNode> before = awkwardIndex.documents();
    try (Statement s = awkward.createStatement()) {
      s.execute("REVOKE SELECT ON public.pairs FROM " + SYNC_USER);
      s.execute("DELETE FROM public.pairs WHERE v = 9");
    }
    try {
      SyncSummary summary = awkwardSync();
      assertTrue(summary.issues().contains("FAILED public/pairs"), summary.issues().toString());
      assertFalse(summary.clean());
      assertEquals(0, summary.get(SyncCounters.DELETED));
      assertEquals(before.keySet(), awkwardIndex.documents().keySet(), "no document of the unreadable table deleted");
    } finally {
      try (Statement s = awkward.createStatement()) {
        s.execute("GRANT SELECT ON public.pairs TO " + SYNC_USER);
      }
    }
    awkwardSync();
    assertFalse(awkwardIndex.documents().containsKey(awkwardId("public", "pairs", "é_ü", "ß", "False")),
        "readable again: the deleted row's document goes");
  }
  // ---- Chunked reads (PostgresqlChunkData): every row exactly once, on both Flink workers. ----

  private Map<String, Object> chunksConfig() {
    Map<String, Object> c = config();
    c.put("database", CHUNKS_DB);
    c.put("chunk_size", Integer.toString(ChunkedTables.CHUNK_SIZE));
    c.put("fetch_size", "3");
    return c;
  }

  @Test
  @Order(20)
  void chunkedReadListsEveryRowExactlyOnce() throws Exception {
    SyncSummary summary = SyncRunner.of("postgresql", CHUNKS_INDEX, chunksConfig()).run();
    ChunkedTables.assertEveryRowOnce(summary, chunksIndex,
        ChunkedTables.ids(chunks, table -> table, table -> table, CHUNKS_DB, "public"));
    JsonNode texts = chunksIndex.documents().get(idOf(CHUNKS_DB, "public", "texts", "\uD83D\uDE00"));
    assertEquals(ChunkedTables.texts(false).indexOf("\uD83D\uDE00"), texts.path("public_texts_v").asInt());
  }

  @Test
  @Order(21)
  void chunksAreReadByBothFlinkWorkersIntoTheSameIndex() throws Exception {
    ChunkedTables.assertBothFlinkWorkersReadChunks(
        () -> SyncRunner.of("postgresql", CHUNKS_FLINK_INDEX, chunksConfig()).onFlink().run(), table -> "public." + table);
    try (IndexInspector other = new IndexInspector(IndexInspector.connection(CHUNKS_FLINK_INDEX))) {
      assertEquals(withoutTimestamps(chunksIndex.documents()), withoutTimestamps(other.documents()),
          "DirectRunner and FlinkRunner must build the same index from chunks");
    }
  }
  /**
   * Rows Elasticsearch refuses (a text value in a field the index maps as a number) fail alone,
   * are counted, and the other rows are written, on both runners: database rows are written by
   * the step that decides them (Reconcile#withWritesInLookups), so this is that step's writer.
   * A re-sync finds the refused rows missing, tries them again, and leaves the written ones.
   */
  @Test
  @Order(30)
  void rowsTheIndexRefusesFailAloneAndTheRestIsWritten() throws Exception {
    String refusedDb = "bc_ftest_refused";
    recreateDatabases(refusedDb);
    Map<String, Boolean> accepted = new TreeMap<>();
    try (Connection c = connect(refusedDb); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE amounts (id integer PRIMARY KEY, amount text)");
      // 0 as a key; numbers the long field takes; text, a separator and unicode it refuses.
      s.execute("INSERT INTO amounts VALUES (0, '12'), (1, 'twelve'), (2, '-7'), (3, '3;4'), (4, '0'), (5, 'd\u00e9j\u00e0 \uD83D\uDE00')");
      s.execute("GRANT CONNECT ON DATABASE " + refusedDb + " TO " + SYNC_USER);
      s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + SYNC_USER);
    }
    for (int id : new int[] {0, 2, 4}) {
      accepted.put(idOf(refusedDb, "public", "amounts", Integer.toString(id)), true);
    }
    Map<String, Object> config = new HashMap<>(config());
    config.put("database", refusedDb);
    SyncAssertions.twiceOnEachRunner("postgresql", "search-ftest-postgresql-refused", config,
        "{\"public_amounts_amount\": {\"type\": \"long\"}}", (summary, where, round, index) -> {
          // Six rows listed; the three text amounts refused.
          SyncAssertions.assertRefusedFailAlone(summary, where, round, 6, 3);
          assertEquals(accepted.keySet(), index.documents().keySet(), where + "the index holds the accepted rows");
        });
  }
}
