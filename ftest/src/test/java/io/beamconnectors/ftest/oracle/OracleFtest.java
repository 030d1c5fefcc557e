package io.beamconnectors.ftest.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamconnectors.ftest.database.ChunkedTables;
import io.beamconnectors.ftest.database.GivenServerDatabaseFtest;
import io.beamconnectors.ftest.database.MirrorAssertions;
import io.beamconnectors.ftest.support.FixtureEnv;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * `ftest/run.sh oracle`: a real Oracle Database (e.g. the gvenzl/oracle-free image), the suite of
 * {@link GivenServerDatabaseFtest}. Oracle's own cases: a composite key with a zero, DATE and
 * TIMESTAMP WITH TIME ZONE values, a mixed-case table and column names that need quoting; the
 * unreadable table is made so by a row-level security policy whose predicate is broken (ORA-28113,
 * for its owner too); the chunked tables live in a second user's schema, their text keys NVARCHAR2
 * (Oracle stores '' as NULL, so no empty key there).
 *
 * <p>The server is given by environment variables: {@code BC_ORACLE_HOST}, {@code BC_ORACLE_PORT}
 * (1521), {@code BC_ORACLE_DATABASE} (FREEPDB1), {@code BC_ORACLE_CONNECT_BY} (SERVICE_NAME),
 * {@code BC_ORACLE_ADMIN_USER} (system), {@code BC_ORACLE_ADMIN_PASSWORD}. Without them every test
 * is reported as SKIPPED with the reason (no Oracle server can run on the build machines: no Docker,
 * no vendor packages), never as passed.
 */
class OracleFtest extends GivenServerDatabaseFtest {
  static final String SKIP_REASON = "no Oracle server: set BC_ORACLE_HOST, BC_ORACLE_ADMIN_PASSWORD (and BC_ORACLE_PORT,"
      + " BC_ORACLE_DATABASE, BC_ORACLE_CONNECT_BY, BC_ORACLE_ADMIN_USER) to run it, e.g. against gvenzl/oracle-free";
  private static final String SYNC_USER = "BC_SYNCER";
  /** The owner of the chunked tables: the connecting user's schema is the one read. */
  private static final String CHUNKS_USER = "BC_CHUNKS";

  private Connection admin;
  private Connection owner;
  private Connection chunks;

  @Override
  protected String serviceType() {
    return "oracle";
  }

  @Override
  protected boolean serverGiven() {
    return System.getenv("BC_ORACLE_HOST") != null && System.getenv("BC_ORACLE_ADMIN_PASSWORD") != null;
  }

  @Override
  protected String skipReason() {
    return SKIP_REASON;
  }

  private static String url() {
    String by = FixtureEnv.get("BC_ORACLE_CONNECT_BY", "SERVICE_NAME");
    return "jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=" + System.getenv("BC_ORACLE_HOST") + ")(PORT="
        + FixtureEnv.get("BC_ORACLE_PORT", "1521") + "))(CONNECT_DATA=(" + by + "="
        + FixtureEnv.get("BC_ORACLE_DATABASE", "FREEPDB1") + ")))";
  }

  @Override
  protected void createData() throws Exception {
    admin = DriverManager.getConnection(url(), FixtureEnv.get("BC_ORACLE_ADMIN_USER", "system"),
        System.getenv("BC_ORACLE_ADMIN_PASSWORD"));
    try (Statement s = admin.createStatement()) {
      for (String user : new String[] {SYNC_USER, CHUNKS_USER}) {
        try {
          s.execute("DROP USER " + user + " CASCADE");
        } catch (SQLException absent) {
          // first run
        }
        s.execute("CREATE USER " + user + " IDENTIFIED BY \"" + SYNC_PASSWORD + "\" QUOTA UNLIMITED ON USERS");
        s.execute("GRANT CREATE SESSION, CREATE TABLE TO " + user);
      }
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
        insertCustomers(owner, "CUSTOMERS_" + t);
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
    chunks = DriverManager.getConnection(url(), CHUNKS_USER, SYNC_PASSWORD);
    try (Statement s = chunks.createStatement()) {
      s.execute("CREATE TABLE COMPOSITE (REGION NVARCHAR2(20), N NUMBER(10), QTY NUMBER(10), PRIMARY KEY (REGION, N))");
      s.execute("CREATE TABLE TEXTS (K NVARCHAR2(20) PRIMARY KEY, V NUMBER(10))");
      s.execute("CREATE TABLE SPARSE (ID NUMBER(19) PRIMARY KEY, V VARCHAR2(40))");
      for (String t : new String[] {"SMALL", "EMPTY", "EXACT", "MANY"}) {
        s.execute("CREATE TABLE " + t + " (ID NUMBER(10) PRIMARY KEY, V VARCHAR2(40))");
      }
    }
    ChunkedTables.fill(chunks, table -> table, true);
  }

  @Override
  protected Connection data() {
    return owner;
  }

  @Override
  protected void close() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {chunks, owner, admin}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Override
  protected String host() {
    return System.getenv("BC_ORACLE_HOST");
  }

  @Override
  protected String port() {
    return FixtureEnv.get("BC_ORACLE_PORT", "1521");
  }

  @Override
  protected String syncUser() {
    return SYNC_USER;
  }

  @Override
  protected void addDialectFields(Map<String, Object> config) {
    config.put("oracle_connect_by", FixtureEnv.get("BC_ORACLE_CONNECT_BY", "SERVICE_NAME"));
  }

  /** The chunked tables are the second user's: its schema is the one read. */
  @Override
  protected void pointAtChunkedTables(Map<String, Object> config) {
    config.put("username", CHUNKS_USER);
  }

  @Override
  protected String database() {
    return FixtureEnv.get("BC_ORACLE_DATABASE", "FREEPDB1");
  }

  @Override
  protected String schema() {
    return "";
  }

  @Override
  protected String stored(String table) {
    return table.toUpperCase(Locale.ROOT);
  }

  @Override
  protected String qualified(String table) {
    return stored(table);
  }

  @Override
  protected Set<String> chunkIds() throws SQLException {
    return ChunkedTables.ids(chunks, this::stored, this::stored, database());
  }

  @Override
  protected String firstTenUserIds(String table) {
    return "SELECT ID FROM " + table + " WHERE ID LIKE 'user%' ORDER BY ID FETCH FIRST 10 ROWS ONLY";
  }

  @Override
  protected Map<String, JsonNode> dialectDocuments() throws SQLException {
    Map<String, JsonNode> out = new TreeMap<>();
    try (Statement s = owner.createStatement(); ResultSet rs = s.executeQuery("SELECT REGION, ORDER_NO FROM ORDERS")) {
      while (rs.next()) {
        out.put(id("orders", rs.getString(1), Long.toString(rs.getLong(2))), null);
      }
    }
    try (Statement s = owner.createStatement(); ResultSet rs = s.executeQuery("SELECT \"Key\" FROM \"Mixed case_T\"")) {
      while (rs.next()) {
        out.put(mixedId(rs.getString(1)), null);
      }
    }
    return out;
  }

  @Override
  protected void assertDialectDocuments(Map<String, JsonNode> docs) {
    JsonNode order = docs.get(id("orders", "eu", "7"));
    assertEquals(12.5, order.path("orders_amount").asDouble(), 1e-9);
    assertEquals("2024-03-01T10:15:30", order.path("orders_placed_at").asText());
    assertEquals("2024-03-01T10:15:30.500000+05:30", order.path("orders_placed_tz").asText());
    assertTrue(docs.containsKey(id("orders", "eu", "0")), "a zero key value is in the id");
    assertTrue(docs.containsKey(id("orders", "us_east", "1")));
    JsonNode mixed = docs.get(mixedId("%"));
    assertEquals(2.5, mixed.path("mixed case_t_v a l").asDouble(), 1e-9, mixed.toString());
    assertEquals("Mixed case_T", mixed.path("Table").asText());
  }

  /** "Mixed case_T" is stored as written (quoted), not upper-cased as {@link #stored} does. */
  private String mixedId(String key) {
    return MirrorAssertions.idOf(database(), "Mixed case_T", key);
  }

  @Override
  protected void makeUnreadable(String table) throws SQLException {
    try (Statement s = admin.createStatement()) {
      s.execute("BEGIN DBMS_RLS.ADD_POLICY(object_schema => '" + SYNC_USER + "', object_name => '" + stored(table)
          + "', policy_name => 'BC_BROKEN', function_schema => USER, policy_function => 'BC_FTEST_BROKEN_POLICY'); END;");
    }
  }

  @Override
  protected void makeReadable(String table) throws SQLException {
    try (Statement s = admin.createStatement()) {
      s.execute("BEGIN DBMS_RLS.DROP_POLICY('" + SYNC_USER + "', '" + stored(table) + "', 'BC_BROKEN'); END;");
    }
  }
}
