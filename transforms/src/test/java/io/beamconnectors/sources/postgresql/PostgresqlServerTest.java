package io.beamconnectors.sources.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.ListingIssueCoder;
import io.beamconnectors.sources.SeparateIssues;
import io.beamconnectors.sources.SourceListing;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.SourceRecordCoder;
import io.beamconnectors.sources.database.DatabaseListing;
import io.beamconnectors.sources.database.ListedTable;
import io.beamconnectors.sources.database.TableRef;
import org.apache.beam.sdk.transforms.Create;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dialect and listing against the real PostgreSQL fixture (BC_PG_* from
 * /tmp/beam-connectors/postgresql/env; skipped without it), in a database of its own. Runs in the
 * JVM's zone and locale and again in Pacific/Chatham with ar-EG: the documents must be identical.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresqlServerTest {
  private static final String DB = "bc_unit_postgresql";
  private final PostgresqlConnector pg = new PostgresqlConnector();
  private Connection admin;

  private static String env(String name) {
    return System.getenv(name);
  }

  @BeforeAll
  void setUp() throws Exception {
    assumeTrue(env("BC_PG_HOST") != null, "no PostgreSQL fixture: source /tmp/beam-connectors/postgresql/env");
    String server = "jdbc:postgresql://" + env("BC_PG_HOST") + ":" + env("BC_PG_PORT") + "/";
    try (Connection c = DriverManager.getConnection(server + env("BC_PG_DATABASE"), env("BC_PG_USER"), env("BC_PG_PASSWORD"));
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + DB);
    }
    admin = DriverManager.getConnection(server + DB, env("BC_PG_USER"), env("BC_PG_PASSWORD"));
    try (Statement s = admin.createStatement()) {
      s.execute("""
          CREATE TABLE kinds (id INT PRIMARY KEY, n NUMERIC(6,2), f FLOAT8, ts TIMESTAMP, tstz TIMESTAMPTZ,
            t TIME, b BYTEA, arr INT[], iv INTERVAL, m MONEY, flag BOOLEAN);
          INSERT INTO kinds VALUES (0, 0, 'NaN', '2024-09-29 03:00:00', '2024-09-29 02:30:00.5+13:45', '10:15:30.25',
            '\\x00ff', '{{1,2},{3,4}}', '1 day 02:03:04', 12.5, false);
          CREATE TABLE parent (id INT PRIMARY KEY, name TEXT);
          CREATE TABLE child (extra TEXT) INHERITS (parent);
          ALTER TABLE child ADD PRIMARY KEY (id);
          INSERT INTO parent VALUES (1, 'own');
          INSERT INTO child VALUES (2, 'inherited', 'x');
          CREATE TABLE keyless (v TEXT);
          CREATE TABLE was_keyed (id INT CONSTRAINT was_keyed_pk PRIMARY KEY);
          """);
    }
  }

  @AfterAll
  void tearDown() throws Exception {
    if (admin != null) {
      admin.close();
    }
  }

  private ConnectorConfiguration config(String tables) {
    return pg.configuration(Map.of("host", env("BC_PG_HOST"), "port", env("BC_PG_PORT"), "username", env("BC_PG_USER"),
        "password", env("BC_PG_PASSWORD"), "database", DB, "tables", tables, "retry_count", "0"));
  }

  /**
   * Runs {@code listing} and checks its records (id -> fields) and its issues (sorted, as text)
   * exactly: those of its {@link SourceListing#ISSUES}, if it has them, and those sent with its
   * records.
   */
  private static void check(java.util.function.Function<Pipeline, PCollectionTuple> listing,
      Map<String, String> expectedDocs, List<String> expectedIssuePrefixes) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollectionTuple listed = listing.apply(p);
    PCollectionTuple apart = listed.get(SourceListing.RECORDS).apply(SeparateIssues.create());
    PCollectionList<ListingIssue> issues = PCollectionList.of(apart.get(SourceListing.ISSUES));
    if (listed.has(SourceListing.ISSUES)) {
      issues = issues.and(listed.get(SourceListing.ISSUES));
    }
    PCollectionTuple out = PCollectionTuple.of(SourceListing.RECORDS, apart.get(SourceListing.RECORDS))
        .and(SourceListing.ISSUES, issues.apply(Flatten.pCollections()));
    TreeMap<String, String> docs = new TreeMap<>(expectedDocs);
    ArrayList<String> prefixes = new ArrayList<>(expectedIssuePrefixes);
    PAssert.that(out.get(SourceListing.RECORDS)).satisfies(rs -> {
      Map<String, String> actual = new TreeMap<>();
      for (SourceRecord r : rs) {
        assertEquals("", r.token(), "rows have an empty token");
        assertEquals(null, r.timestamp(), "rows leave _timestamp to the engine");
        actual.put(r.id(), r.fieldsJson());
      }
      assertEquals(docs, actual);
      return null;
    });
    PAssert.that(out.get(SourceListing.ISSUES)).satisfies(is -> {
      List<String> actual = new ArrayList<>();
      for (ListingIssue i : is) {
        actual.add(i.toString());
      }
      Collections.sort(actual);
      assertEquals(prefixes.size(), actual.size(), actual.toString());
      for (int k = 0; k < prefixes.size(); k++) {
        assertTrue(actual.get(k).startsWith(prefixes.get(k)), actual.toString());
      }
      return null;
    });
    p.run().waitUntilFinish();
  }

  private void list(ConnectorConfiguration config, Map<String, String> expectedDocs, List<String> expectedIssues) {
    check(p -> p.apply(DatabaseListing.of(new PostgresqlDialect(), config)), expectedDocs, expectedIssues);
  }

  @Test
  void valuesAreExactAndTheSameInEveryZoneAndLocale() {
    list(config("kinds"), Map.of("bc%5Funit%5Fpostgresql_public_kinds_0_",
        "{\"public_kinds_id\":0,\"public_kinds_n\":0.00,\"public_kinds_f\":null,"
            + "\"public_kinds_ts\":\"2024-09-29T03:00:00\",\"public_kinds_tstz\":\"2024-09-28T12:45:00.500000+00:00\","
            + "\"public_kinds_t\":\"10:15:30.250000\",\"public_kinds_b\":\"\\\\x00ff\",\"public_kinds_arr\":[[1,2],[3,4]],"
            + "\"public_kinds_iv\":\"P1DT2H3M4S\",\"public_kinds_m\":\"$12.50\",\"public_kinds_flag\":false,"
            + "\"Database\":\"bc_unit_postgresql\",\"Table\":\"kinds\",\"schema\":\"public\","
            + "\"_non_finite\":{\"public_kinds_f\":\"NaN\"}}"), List.of());
  }

  @Test
  void anInheritanceParentListsOnlyItsOwnRowsAndKeylessTablesAreSkipped() {
    String common = "\"Database\":\"bc_unit_postgresql\",";
    list(config("parent,child,keyless"), Map.of(
        "bc%5Funit%5Fpostgresql_public_parent_1_",
        "{\"public_parent_id\":1,\"public_parent_name\":\"own\"," + common + "\"Table\":\"parent\",\"schema\":\"public\"}",
        "bc%5Funit%5Fpostgresql_public_child_2_",
        "{\"public_child_id\":2,\"public_child_name\":\"inherited\",\"public_child_extra\":\"x\"," + common
            + "\"Table\":\"child\",\"schema\":\"public\"}"),
        List.of("SKIPPED public/keyless: "));
  }

  @Test
  void aMisspelledTableFailsTheConfigurationCheck() throws Exception {
    pg.checkConfiguredParts(config("kinds,parent"));
    pg.checkConfiguredParts(config("*"));
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> pg.checkConfiguredParts(config("kinds,Parent,nonexistent_table")));
    assertEquals(2, e.problems().size(), e.problems().toString());
    assertTrue(e.problems().get(0).contains("names table 'Parent', which does not exist in database '" + DB
        + "' (schemas searched: public) (did you mean 'parent'? names are case-sensitive)"), e.getMessage());
    assertTrue(e.problems().get(1).contains("'nonexistent_table'"), e.getMessage());
  }

  @Test
  void aTableThatLosesItsKeyOrDisappearsAfterListingFails() throws Exception {
    PostgresqlDialect dialect = new PostgresqlDialect();
    // What the listing saw, then the table changed before it was read.
    try (Statement s = admin.createStatement()) {
      s.execute("ALTER TABLE was_keyed DROP CONSTRAINT was_keyed_pk");
    }
    ConnectorConfiguration config = config("*");
    List<ListedTable> listed = List.of(
        new ListedTable(new TableRef("public", "was_keyed"), "r", List.of("id")),
        new ListedTable(new TableRef("public", "dropped_meanwhile"), "r", List.of("id")));
    check(p -> PCollectionTuple.of(SourceListing.RECORDS, p.apply(Create.of(listed).withCoder(ListedTable.Coder.of()))
            .apply(DatabaseListing.readTables(dialect, config))),
        Map.of(), List.of("FAILED public/dropped_meanwhile: reading table public.dropped_meanwhile failed",
            "FAILED public/was_keyed: reading table public.was_keyed failed (its documents are kept): table"
                + " public.was_keyed lost its primary key [id] after it was listed"));
  }
}
