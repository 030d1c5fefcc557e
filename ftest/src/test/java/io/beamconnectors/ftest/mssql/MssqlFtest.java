package io.beamconnectors.ftest.mssql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamconnectors.ftest.database.ChunkedTables;
import io.beamconnectors.ftest.database.GivenServerDatabaseFtest;
import io.beamconnectors.ftest.support.FixtureEnv;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * `ftest/run.sh mssql`: a real SQL Server (e.g. mcr.microsoft.com/mssql/server), the suite of
 * {@link GivenServerDatabaseFtest}. SQL Server's own cases: {@code datetime2(7)},
 * {@code datetimeoffset}, {@code uniqueidentifier}, {@code money}, {@code rowversion}, {@code xml},
 * {@code varbinary} values, a ']' in a table name and an empty key; the unreadable table is made so
 * with {@code DENY SELECT}; the chunked tables live in a database of their own, the composite key's
 * text a {@code varchar} under a SQL collation (whose order differs from nvarchar's: the bounds
 * must be cast to the column's type) and the text keys {@code nvarchar} under a binary collation.
 *
 * <p>The server is given by environment variables: {@code BC_MSSQL_HOST}, {@code BC_MSSQL_PORT}
 * (1433), {@code BC_MSSQL_ADMIN_USER} (sa), {@code BC_MSSQL_ADMIN_PASSWORD}. Without them every test
 * is reported as SKIPPED with the reason (no SQL Server can run on the build machines: no Docker,
 * no vendor packages), never as passed.
 */
class MssqlFtest extends GivenServerDatabaseFtest {
  static final String SKIP_REASON = "no SQL Server: set BC_MSSQL_HOST and BC_MSSQL_ADMIN_PASSWORD (and BC_MSSQL_PORT,"
      + " BC_MSSQL_ADMIN_USER) to run it, e.g. against mcr.microsoft.com/mssql/server";
  private static final String DATABASE = "bc_ftest";
  private static final String CHUNKS_DATABASE = "bc_ftest_chunks";
  private static final String SYNC_USER = "bc_syncer";

  private Connection admin;
  private Connection chunks;

  @Override
  protected String serviceType() {
    return "mssql";
  }

  @Override
  protected boolean serverGiven() {
    return System.getenv("BC_MSSQL_HOST") != null && System.getenv("BC_MSSQL_ADMIN_PASSWORD") != null;
  }

  @Override
  protected String skipReason() {
    return SKIP_REASON;
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

  /** A fresh database in which the sync user reads every table (db_datareader). */
  private static Connection freshDatabase(String database) throws SQLException {
    try (Connection master = connect("master"); Statement s = master.createStatement()) {
      s.execute("IF DB_ID('" + database + "') IS NOT NULL BEGIN ALTER DATABASE " + database
          + " SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE " + database + "; END");
      s.execute("CREATE DATABASE " + database);
      s.execute("IF SUSER_ID('" + SYNC_USER + "') IS NULL CREATE LOGIN " + SYNC_USER + " WITH PASSWORD = '"
          + SYNC_PASSWORD + "', CHECK_POLICY = OFF");
    }
    Connection c = connect(database);
    try (Statement s = c.createStatement()) {
      s.execute("CREATE USER " + SYNC_USER + " FOR LOGIN " + SYNC_USER);
      s.execute("ALTER ROLE db_datareader ADD MEMBER " + SYNC_USER);
    }
    return c;
  }

  @Override
  protected void createData() throws Exception {
    admin = freshDatabase(DATABASE);
    try (Statement s = admin.createStatement()) {
      for (int t = 0; t < TABLES; t++) {
        s.execute("CREATE TABLE dbo.customers_" + t + " (id NVARCHAR(40) PRIMARY KEY, name NVARCHAR(100),"
            + " age INT, score DECIMAL(9,2), description NVARCHAR(MAX))");
        insertCustomers(admin, "dbo.customers_" + t);
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
    chunks = freshDatabase(CHUNKS_DATABASE);
    try (Statement s = chunks.createStatement()) {
      s.execute("CREATE TABLE dbo.composite (region VARCHAR(20) COLLATE SQL_Latin1_General_CP1_CS_AS, n INT, qty INT,"
          + " PRIMARY KEY (region, n))");
      s.execute("CREATE TABLE dbo.texts (k NVARCHAR(20) COLLATE Latin1_General_100_BIN2 PRIMARY KEY, v INT)");
      s.execute("CREATE TABLE dbo.sparse (id BIGINT PRIMARY KEY, v NVARCHAR(40))");
      for (String t : new String[] {"small", "empty", "exact", "many"}) {
        s.execute("CREATE TABLE dbo." + t + " (id INT PRIMARY KEY, v NVARCHAR(40))");
      }
    }
    ChunkedTables.fill(chunks, table -> "dbo." + table, false);
  }

  @Override
  protected Connection data() {
    return admin;
  }

  @Override
  protected void close() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {chunks, admin}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Override
  protected String host() {
    return System.getenv("BC_MSSQL_HOST");
  }

  @Override
  protected String port() {
    return FixtureEnv.get("BC_MSSQL_PORT", "1433");
  }

  @Override
  protected String syncUser() {
    return SYNC_USER;
  }

  @Override
  protected void addDialectFields(Map<String, Object> config) {
    config.put("schema", "dbo");
  }

  @Override
  protected void pointAtChunkedTables(Map<String, Object> config) {
    config.put("database", CHUNKS_DATABASE);
  }

  @Override
  protected String database() {
    return DATABASE;
  }

  @Override
  protected String schema() {
    return "dbo";
  }

  @Override
  protected String stored(String table) {
    return table;
  }

  @Override
  protected String qualified(String table) {
    return "dbo.[" + table.replace("]", "]]") + "]";
  }

  @Override
  protected Set<String> chunkIds() throws SQLException {
    return ChunkedTables.ids(chunks, this::qualified, this::stored, CHUNKS_DATABASE, "dbo");
  }

  @Override
  protected String firstTenUserIds(String table) {
    return "SELECT TOP 10 id FROM " + table + " WHERE id LIKE 'user%' ORDER BY id";
  }

  @Override
  protected Map<String, JsonNode> dialectDocuments() throws SQLException {
    Map<String, JsonNode> out = new TreeMap<>();
    try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery("SELECT region, order_no FROM dbo.orders")) {
      while (rs.next()) {
        out.put(id("orders", rs.getString(1), Integer.toString(rs.getInt(2))), null);
      }
    }
    try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery("SELECT [Key] FROM dbo.[odd]]name]")) {
      while (rs.next()) {
        out.put(id("odd]name", rs.getString(1)), null);
      }
    }
    return out;
  }

  @Override
  protected void assertDialectDocuments(Map<String, JsonNode> docs) {
    JsonNode order = docs.get(id("orders", "eu", "7"));
    assertEquals(12.5, order.path("dbo_orders_amount").asDouble(), 1e-9);
    assertTrue(order.path("dbo_orders_paid").asBoolean());
    assertEquals("2024-03-01T10:15:30.123456700", order.path("dbo_orders_placed_at").asText());
    assertEquals("2024-03-01T10:15:30.500000+05:30", order.path("dbo_orders_placed_tz").asText());
    assertEquals("6f9619ff-8b86-d011-b42d-00c04fc964ff", order.path("dbo_orders_ref").asText());
    assertEquals("0x00FF10", order.path("dbo_orders_raw").asText());
    assertTrue(order.path("dbo_orders_rv").asText().matches("0x[0-9A-F]{16}"), order.toString());
    assertTrue(docs.containsKey(id("orders", "eu", "0")), "a zero key value is in the id");
    JsonNode empty = docs.get(id("odd]name", ""));
    assertEquals(1, empty.path("dbo_odd]name_v a l").asInt(), "an empty key value is in the id: " + empty);
  }

  @Override
  protected void makeUnreadable(String table) throws SQLException {
    try (Statement s = admin.createStatement()) {
      s.execute("DENY SELECT ON " + qualified(table) + " TO " + SYNC_USER);
    }
  }

  @Override
  protected void makeReadable(String table) throws SQLException {
    try (Statement s = admin.createStatement()) {
      s.execute("REVOKE SELECT ON " + qualified(table) + " FROM " + SYNC_USER);
    }
  }
}
