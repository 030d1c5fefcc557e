package io.beamconnectors.sources.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.metrics.CounterTotals;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.SeparateIssues;
import io.beamconnectors.sources.SourceListing;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.database.DatabaseListing;
import io.beamconnectors.sources.database.KeyBoundaries;
import io.beamconnectors.sources.database.ListedTable;
import io.beamconnectors.sources.database.TableChunk;
import io.beamconnectors.sources.database.TableRef;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Chunked reads against the real PostgreSQL fixture (BC_PG_*; skipped without it), in a database of
 * its own: boundaries from the key's own order, and every row read exactly once whatever the key
 * (composite with zeros, text under ICU and C collations with case twins and characters outside the
 * BMP, sparse and negative integers, timestamptz, bytea), a table smaller than a chunk, an empty
 * table, and a table of exactly N chunks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIfEnvironmentVariable(named = "BC_PG_HOST", matches = ".+",
    disabledReason = "no PostgreSQL fixture: source /tmp/beam-connectors/postgresql/env")
class PostgresqlChunksTest {
  private static final String DB = "bc_unit_chunks";
  private final PostgresqlConnector pg = new PostgresqlConnector();
  private final PostgresqlDialect dialect = new PostgresqlDialect();
  private Connection admin;

  private static String env(String name) {
    return System.getenv(name);
  }

  /** Text keys whose database order differs from Java's String order in several ways. */
  static final List<String> AWKWARD_TEXTS = List.of("a", "A", "b", "B", "", " ", "a b", "a_b", "a%b", "é", "e", "E",
      "ö", "o", "z", "ß", "ss", "SS", "\uFFFD", "\uD83D\uDE00", "\uD83D\uDE00x", "日本", "0", "00", "10", "9", "'", "\"",
      "a,b", "(1)", "{x}", "\\x");

  @BeforeAll
  void setUp() throws Exception {
    String server = "jdbc:postgresql://" + env("BC_PG_HOST") + ":" + env("BC_PG_PORT") + "/";
    try (Connection c = DriverManager.getConnection(server + env("BC_PG_DATABASE"), env("BC_PG_USER"), env("BC_PG_PASSWORD"));
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + DB);
    }
    admin = DriverManager.getConnection(server + DB, env("BC_PG_USER"), env("BC_PG_PASSWORD"));
    try (Statement s = admin.createStatement()) {
      s.execute("""
          CREATE TABLE exact12 (id INT PRIMARY KEY, v TEXT);
          INSERT INTO exact12 SELECT i, 'v' || i FROM generate_series(1, 12) i;
          CREATE TABLE small (id INT PRIMARY KEY);
          INSERT INTO small VALUES (0), (1);
          CREATE TABLE empty (id INT PRIMARY KEY);
          CREATE TABLE sparse (id BIGINT PRIMARY KEY);
          INSERT INTO sparse VALUES (-9223372036854775808), (-5), (0), (1), (7), (1000), (1000000000), (4611686018427387904),
            (9223372036854775807);
          CREATE TABLE "Composite Key" ("order" INT, "line no" TEXT, qty INT, PRIMARY KEY ("order", "line no"));
          INSERT INTO "Composite Key" SELECT o, l, o * 10 FROM generate_series(0, 3) o,
            unnest(ARRAY['0', '', '1', '10', '2', 'a', 'A', 'a_b']) l;
          CREATE TABLE words_icu (w TEXT COLLATE "en-x-icu" PRIMARY KEY);
          CREATE TABLE words_sv (w TEXT COLLATE "sv-x-icu" PRIMARY KEY);
          CREATE TABLE words_c (w VARCHAR(20) COLLATE "C" PRIMARY KEY);
          CREATE TABLE instants (at TIMESTAMPTZ PRIMARY KEY, b BYTEA UNIQUE);
          INSERT INTO instants VALUES ('2024-11-03 01:30:00-04', '\\x00'), ('2024-11-03 01:30:00-05', '\\x'),
            ('2024-03-01 10:15:30.123456+00', '\\x5f'), ('1970-01-01 00:00:00+00', '\\xff00'), ('-infinity', '\\x01'),
            ('infinity', '\\x0000');
          CREATE TABLE blobs (b BYTEA PRIMARY KEY);
          INSERT INTO blobs VALUES ('\\x'), ('\\x00'), ('\\x0000'), ('\\x01'), ('\\x5f'), ('\\xff'), ('\\xff00');
          """);
    }
    try (java.sql.PreparedStatement icu = admin.prepareStatement("INSERT INTO words_icu VALUES (?)");
        java.sql.PreparedStatement sv = admin.prepareStatement("INSERT INTO words_sv VALUES (?)");
        java.sql.PreparedStatement c = admin.prepareStatement("INSERT INTO words_c VALUES (?)")) {
      for (String w : AWKWARD_TEXTS) {
        for (java.sql.PreparedStatement s : List.of(icu, sv, c)) {
          s.setString(1, w);
          s.addBatch();
        }
      }
      icu.executeBatch();
      sv.executeBatch();
      c.executeBatch();
    }
  }

  @AfterAll
  void tearDown() throws Exception {
    if (admin != null) {
      admin.close();
    }
  }

  private ConnectorConfiguration config(String tables, long chunkSize) {
    return pg.configuration(Map.of("host", env("BC_PG_HOST"), "port", env("BC_PG_PORT"), "username", env("BC_PG_USER"),
        "password", env("BC_PG_PASSWORD"), "database", DB, "tables", tables, "retry_count", "0",
        "chunk_size", Long.toString(chunkSize), "fetch_size", "2"));
  }

  private ListedTable listed(String table, String... key) {
    return new ListedTable(new TableRef("public", table), "r", List.of(key));
  }

  private KeyBoundaries boundaries(ListedTable table, long rowsPerChunk) throws Exception {
    try (Connection c = DriverManager.getConnection(dialect.jdbcUrl(config("*", 1)), dialect.connectionProperties(config("*", 1)))) {
      dialect.prepareSession(c);
      return dialect.chunkBoundaries(c, table, rowsPerChunk);
    }
  }

  private long rows(String table) throws Exception {
    try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void boundariesAreEveryNthKeyInTheDatabasesOrder() throws Exception {
    KeyBoundaries exact = boundaries(listed("exact12", "id"), 4);
    assertEquals(List.of("integer"), exact.keyTypes());
    assertEquals(List.of(List.of("5"), List.of("9")), exact.starts(), "12 rows, 4 per chunk: exactly 3 chunks");
    assertEquals(3, TableChunk.split(listed("exact12", "id"), exact).size());
    assertEquals(List.of(), boundaries(listed("small", "id"), 4).starts(), "smaller than a chunk: one chunk");
    assertEquals(List.of(), boundaries(listed("empty", "id"), 4).starts(), "empty: one chunk");
    assertEquals(List.of(), boundaries(listed("exact12", "id"), 12).starts(), "exactly one chunk");

    // ICU English: a < A < b < B, where Java's String order puts every capital first.
    KeyBoundaries icu = boundaries(listed("words_icu", "w"), 1);
    List<String> order = icu.starts().stream().map(k -> k.get(0)).toList();
    assertTrue(order.indexOf("a") < order.indexOf("A") && order.indexOf("A") < order.indexOf("b"), order.toString());
    // Swedish: ö sorts after z.
    List<String> sv = boundaries(listed("words_sv", "w"), 1).starts().stream().map(k -> k.get(0)).toList();
    assertTrue(sv.indexOf("z") < sv.indexOf("ö"), sv.toString());
    // C: code points, where Java's UTF-16 order puts U+1F600 before U+FFFD.
    List<String> c = boundaries(listed("words_c", "w"), 1).starts().stream().map(k -> k.get(0)).toList();
    assertTrue(c.indexOf("\uFFFD") < c.indexOf("\uD83D\uDE00"), c.toString());
    assertEquals(List.of("character varying(20)"), boundaries(listed("words_c", "w"), 1).keyTypes());

    KeyBoundaries composite = boundaries(listed("Composite Key", "order", "line no"), 8);
    assertEquals(List.of("integer", "text"), composite.keyTypes());
    assertEquals(List.of(List.of("1", ""), List.of("2", ""), List.of("3", "")), composite.starts());
  }

  @Test
  void chunkQueriesAreKeysetPredicatesWithTypedBounds() {
    ListedTable t = new ListedTable(new TableRef("s\"x", "Composite Key"), "r", List.of("order", "line no"));
    TableChunk middle = new TableChunk(t, 1, 3, List.of("integer", "text"), List.of("1", ""), List.of("2", ""));
    assertEquals("SELECT * FROM ONLY \"s\"\"x\".\"Composite Key\" WHERE (\"order\", \"line no\") >= (CAST(? AS integer),"
        + " CAST(? AS text)) AND (\"order\", \"line no\") < (CAST(? AS integer), CAST(? AS text))",
        dialect.selectChunk(middle));
    TableChunk first = new TableChunk(t, 0, 3, List.of("integer", "text"), List.of(), List.of("1", ""));
    assertEquals("SELECT * FROM ONLY \"s\"\"x\".\"Composite Key\" WHERE (\"order\", \"line no\") < (CAST(? AS integer),"
        + " CAST(? AS text))", dialect.selectChunk(first));
    assertEquals("SELECT * FROM ONLY \"s\"\"x\".\"Composite Key\"", dialect.selectChunk(TableChunk.whole(t)));
    assertEquals("SELECT bc_k1, bc_k2 FROM (SELECT \"order\" AS bc_k1, \"line no\" AS bc_k2, ROW_NUMBER() OVER"
        + " (ORDER BY \"order\", \"line no\") AS bc_row FROM ONLY \"s\"\"x\".\"Composite Key\") AS numbered"
        + " WHERE bc_row > 1 AND (bc_row - 1) % ? = 0 ORDER BY bc_row", PostgresqlDialect.boundariesQuery(t));
  }

  /** Every table with chunks of 1, 3 and 5 rows: each row listed once (ids distinct, as many as rows), no issue. */
  @Test
  void everyRowIsReadExactlyOnceWhateverTheKey() throws Exception {
    Map<String, Long> expected = new TreeMap<>();
    for (String table : List.of("exact12", "small", "empty", "sparse", "\"Composite Key\"", "words_icu", "words_sv",
        "words_c", "instants", "blobs")) {
      expected.put(table.replace("\"", ""), rows(table));
    }
    for (long chunkSize : new long[] {1, 3, 5, 0}) {
      ConnectorConfiguration config = config("*", chunkSize);
      Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
      PCollectionTuple listed = p.apply(DatabaseListing.of(dialect, config));
      PCollectionTuple apart = listed.get(SourceListing.RECORDS).apply(SeparateIssues.create());
      PAssert.that(apart.get(SourceListing.ISSUES)).empty();
      PCollectionTuple out = PCollectionTuple.of(SourceListing.RECORDS, apart.get(SourceListing.RECORDS))
          .and(SourceListing.ISSUES, listed.get(SourceListing.ISSUES));
      PAssert.that(out.get(SourceListing.RECORDS)).satisfies(rs -> {
        Map<String, Long> perTable = new TreeMap<>();
        Map<String, Integer> ids = new HashMap<>();
        for (SourceRecord r : rs) {
          String table = r.scope().substring("public/".length());
          perTable.merge(table, 1L, Long::sum);
          ids.merge(r.id(), 1, Integer::sum);
        }
        Map<String, Long> nonEmpty = new TreeMap<>(expected);
        nonEmpty.values().removeIf(n -> n == 0);
        assertEquals(nonEmpty, perTable, "rows per table with chunk_size " + chunkSize);
        ids.forEach((id, n) -> assertEquals(1, n, "id " + id + " listed once with chunk_size " + chunkSize));
        return null;
      });
      PAssert.that(out.get(SourceListing.ISSUES)).satisfies(is -> {
        List<String> issues = new ArrayList<>();
        for (ListingIssue i : is) {
          issues.add(i.toString());
        }
        assertEquals(List.of(), issues);
        return null;
      });
      PipelineResult result = p.run();
      result.waitUntilFinish();
      long totalRows = expected.values().stream().mapToLong(Long::longValue).sum();
      assertEquals(totalRows, counter(result, "rows_read"));
      if (chunkSize == 1) {
        // One chunk per row, and one for each empty table.
        assertEquals(totalRows + 1, counter(result, "chunks_read"));
      }
      if (chunkSize == 0) {
        assertEquals(expected.size(), counter(result, "chunks_read"), "chunk_size 0: one chunk per table");
      }
    }
  }

  private static long counter(PipelineResult result, String name) {
    return CounterTotals.of(result, "database", name);
  }

  @Test
  void aChunkThatFailsIsAFailedIssueForItsTable() throws Exception {
    // The bounds of a chunk no longer castable to the key's type (the column was retyped after
    // the split): that chunk fails, for its table's scope, and says which chunk it was.
    ListedTable t = listed("exact12", "id");
    List<TableChunk> chunks = List.of(
        new TableChunk(t, 0, 2, List.of("integer"), List.of(), List.of("not a number")),
        new TableChunk(t, 1, 2, List.of("integer"), List.of("not a number"), List.of()));
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollectionTuple out = p.apply(org.apache.beam.sdk.transforms.Create.of(chunks).withCoder(TableChunk.Coder.of()))
        .apply(DatabaseListing.readChunks(dialect, config("exact12", 4)))
        .apply(SeparateIssues.create());
    PAssert.that(out.get(SourceListing.RECORDS)).empty();
    PAssert.that(out.get(SourceListing.ISSUES)).satisfies(is -> {
      List<String> issues = new ArrayList<>();
      for (ListingIssue i : is) {
        issues.add(i.toString());
      }
      java.util.Collections.sort(issues);
      assertEquals(2, issues.size(), issues.toString());
      assertTrue(issues.get(0).startsWith("FAILED public/exact12: reading table public.exact12 (chunk 1 of 2) failed"
          + " (its documents are kept): "), issues.toString());
      assertTrue(issues.get(1).startsWith("FAILED public/exact12: reading table public.exact12 (chunk 2 of 2) failed"),
          issues.toString());
      return null;
    });
    p.run().waitUntilFinish();
  }
}
