package io.beamconnectors.sources.oracle;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.SourceConnector;
import io.beamconnectors.sources.database.ColumnValue;
import io.beamconnectors.sources.database.FakeJdbc;
import io.beamconnectors.sources.database.ListedTable;
import io.beamconnectors.sources.database.RowIds;
import io.beamconnectors.sources.database.TableRef;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import oracle.jdbc.driver.utils.StringUtils;
import org.junit.jupiter.api.Test;

class OracleDialectTest {
  private final OracleConnector connector = new OracleConnector();
  private final OracleDialect dialect = new OracleDialect();

  /** The thin driver's own quoting: OracleStatement.enquoteIdentifier ends in this static method. */
  private static final Statement ORACLE_QUOTING = FakeJdbc.quoter(
      (id, always) -> StringUtils.enquoteIdentifier((String) id, (Boolean) always));

  private ConnectorConfiguration config(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return connector.configuration(m);
  }

  @Test
  void registeredWithTheGuidesDefaults() {
    SourceConnector found = ServiceLoader.load(SourceConnector.class).stream().map(ServiceLoader.Provider::get)
        .filter(c -> c.serviceType().equals("oracle")).findFirst().orElseThrow();
    assertTrue(found instanceof OracleConnector);
    ConnectorConfiguration c = config();
    assertEquals("127.0.0.1", c.getString("host"));
    assertEquals(9090, c.getLong("port"));
    assertEquals("admin", c.getString("username"));
    assertEquals("xe", c.getString("database"));
    assertEquals(List.of("*"), c.getList("tables"));
    assertEquals(50, c.getInt("fetch_size"));
    assertEquals(3, c.getInt("retry_count"));
    assertEquals("TCP", c.getString("oracle_protocol"));
    assertEquals("", connector.configurationSpec().field("oracle_home").orElseThrow().defaultValue());
    assertEquals("", connector.configurationSpec().field("wallet_configuration_path").orElseThrow().defaultValue());
    assertEquals("SID", c.getString("oracle_connect_by"));
    assertDoesNotThrow(() -> connector.validate(c));
  }

  @Test
  void urlConnectsBySidOrServiceName() {
    assertEquals("jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db1.example.com)(PORT=1521))"
        + "(CONNECT_DATA=(SID=xe)))", dialect.jdbcUrl(config("host", "db1.example.com", "port", 1521)));
    assertEquals("jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCPS)(HOST=::1)(PORT=2484))"
        + "(CONNECT_DATA=(SERVICE_NAME=FREEPDB1.example.com)))", dialect.jdbcUrl(config("host", "[::1]", "port", 2484,
            "oracle_protocol", "tcps", "oracle_connect_by", "service_name", "database", "FREEPDB1.example.com")));
  }

  @Test
  void hostAndDatabaseCannotInjectIntoTheDescriptor() {
    for (String bad : List.of("db1)(HOST=evil", "db1:1521", "db1/xe", "db1 x", "(DESCRIPTION=", " ")) {
      ConfigurationException e = assertThrows(ConfigurationException.class, () -> connector.validate(config("host", bad)), bad);
      assertTrue(e.getMessage().contains("'Host' (host)"), e.getMessage());
    }
    for (String bad : List.of("xe)(SERVER=DEDICATED", "x e", "1xe", "xe;user=sys")) {
      ConfigurationException e = assertThrows(ConfigurationException.class,
          () -> connector.validate(config("database", bad)), bad);
      assertTrue(e.getMessage().contains("(database)"), e.getMessage());
    }
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> connector.validate(config("database", "pdb1.example.com")));
    assertTrue(e.getMessage().contains("set 'Connect by' (oracle_connect_by) to SERVICE_NAME"), e.getMessage());
    assertThrows(ConfigurationException.class,
        () -> connector.validate(config("database", "pdb1)(X=1", "oracle_connect_by", "SERVICE_NAME")));
    ConfigurationException p = assertThrows(ConfigurationException.class,
        () -> connector.validate(config("oracle_protocol", "TCPX", "oracle_connect_by", "tns")));
    assertTrue(p.getMessage().contains("(oracle_protocol) must be TCP or TCPS: got 'TCPX'"), p.getMessage());
    assertTrue(p.getMessage().contains("(oracle_connect_by) must be SID or SERVICE_NAME: got 'tns'"), p.getMessage());
    ConfigurationException w = assertThrows(ConfigurationException.class,
        () -> connector.validate(config("wallet_configuration_path", "/w)(DIRECTORY=/tmp")));
    assertTrue(w.getMessage().contains("(wallet_configuration_path) cannot contain"), w.getMessage());
  }

  @Test
  void sysIsRefusedUnlessPrivileged() {
    for (String sys : List.of("sys", "SYS", " Sys ")) {
      ConfigurationException e = assertThrows(ConfigurationException.class,
          () -> connector.validate(config("username", sys, "password", "Very_secret_1")));
      assertTrue(e.getMessage().contains("'Username' (username) is the sys user")
          && e.getMessage().contains("'sys as sysdba'"), e.getMessage());
      assertFalse(e.getMessage().contains("Very_secret_1"));
    }
    Properties p = dialect.connectionProperties(config("username", "SYS as SYSDBA", "password", "pw"));
    assertEquals("SYS", p.getProperty("user"));
    assertEquals("sysdba", p.getProperty("internal_logon"));
    assertEquals("sysoper", dialect.connectionProperties(config("username", "sys AS sysoper")).getProperty("internal_logon"));
    Properties plain = dialect.connectionProperties(config("username", "scott", "password", "tiger"));
    assertEquals("scott", plain.getProperty("user"));
    assertEquals("tiger", plain.getProperty("password"));
    assertNull(plain.getProperty("internal_logon"));
    assertEquals("false", plain.getProperty("oracle.jdbc.timezoneAsRegion"));
    assertThrows(ConfigurationException.class, () -> connector.validate(config("username", "scott tiger")));
  }

  @Test
  void walletComesFromTheWalletPathOrOracleHome() {
    assertNull(dialect.connectionProperties(config("oracle_home", "/opt/oracle")).getProperty("oracle.net.wallet_location"),
        "TCP: no wallet");
    Properties home = dialect.connectionProperties(config("oracle_protocol", "TCPS", "oracle_home", "/opt/oracle"));
    assertEquals("(SOURCE=(METHOD=FILE)(METHOD_DATA=(DIRECTORY=/opt/oracle/network/admin)))",
        home.getProperty("oracle.net.wallet_location"));
    assertEquals("true", home.getProperty("oracle.net.ssl_server_dn_match"));
    Properties wallet = dialect.connectionProperties(config("oracle_protocol", "TCPS", "oracle_home", "/opt/oracle",
        "wallet_configuration_path", "/etc/wallet"));
    assertEquals("(SOURCE=(METHOD=FILE)(METHOD_DATA=(DIRECTORY=/etc/wallet)))", wallet.getProperty("oracle.net.wallet_location"));
    assertNull(dialect.connectionProperties(config("oracle_protocol", "TCPS")).getProperty("oracle.net.wallet_location"),
        "TCPS without a wallet: the JVM's trust store");
  }

  @Test
  void selectQuotesWithTheDriverAndSerializesXmlAndJson() throws SQLException {
    assertEquals("SELECT \"ID\", \"lower case\", XMLSERIALIZE(CONTENT \"DOC\" AS CLOB) AS \"DOC\","
            + " JSON_SERIALIZE(\"J$1\" RETURNING CLOB) AS \"J$1\", \"Ünï_çødé\" FROM \"My_Table\"",
        OracleDialect.selectSql(ORACLE_QUOTING, "My_Table", List.of(new String[] {"ID", "NUMBER"},
            new String[] {"lower case", "VARCHAR2"}, new String[] {"DOC", "XMLTYPE"}, new String[] {"J$1", "JSON"},
            new String[] {"Ünï_çødé", "CLOB"})));
    assertEquals("SELECT * FROM \"T\"", OracleDialect.selectSql(ORACLE_QUOTING, "T", List.of()));
    assertThrows(SQLException.class, () -> OracleDialect.quote(ORACLE_QUOTING, "a\"b"));
    assertEquals("SELECT * FROM \"My_Table\"", dialect.selectAll(new ListedTable(new TableRef("", "My_Table"), "TABLE", List.of())));
  }

  @Test
  void catalogQueriesStayInTheUsersSchema() {
    for (String sql : List.of(OracleDialect.TABLES_SQL, OracleDialect.PRIMARY_KEY_SQL, OracleDialect.COLUMNS_SQL)) {
      assertTrue(sql.contains("OWNER = SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA')"), sql);
    }
    assertTrue(OracleDialect.TABLES_SQL.contains("DROPPED = 'NO'"));
    assertTrue(OracleDialect.PRIMARY_KEY_SQL.contains("CONSTRAINT_TYPE = 'P'") && OracleDialect.PRIMARY_KEY_SQL.endsWith("ORDER BY cc.POSITION"));
    assertEquals("SELECT 1 FROM DUAL", dialect.pingQuery());
    assertEquals(List.of(""), dialect.schemas(null, config()));
  }

  @Test
  void idsHaveNoSchemaAndKeepUpperCaseNames() {
    TableRef t = new TableRef("", "CUSTOMERS_0");
    assertEquals("xe_CUSTOMERS%5F0_0_1_", RowIds.id("xe", t,
        List.of(OracleValues.number(BigDecimal.ZERO, 10, 0).keyText(), OracleValues.number(BigDecimal.ONE, 0, -127).keyText())));
  }

  @Test
  void numbersAreExact() {
    ColumnValue i = OracleValues.number(new BigDecimal("42"), 10, 0);
    assertEquals("42", i.json().toString());
    assertEquals("42", i.keyText());
    assertEquals("7", OracleValues.number(new BigDecimal("7"), 0, 0).json().toString(), "INTEGER: NUMBER(*,0)");
    ColumnValue huge = OracleValues.number(new BigDecimal("12345678901234567890123456789012345678"), 38, 0);
    assertEquals("12345678901234567890123456789012345678", huge.json().toString());
    ColumnValue scaled = OracleValues.number(new BigDecimal("12.50"), 10, 2);
    assertEquals("12.5", scaled.json().toString());
    assertEquals("12.5", scaled.keyText());
    ColumnValue whole = OracleValues.number(new BigDecimal("5"), 0, -127);
    assertEquals("5.0", whole.json().toString(), "NUMBER without precision: always a fraction in the field");
    assertEquals("5", whole.keyText(), "as Python printed the driver's int");
    ColumnValue e = OracleValues.number(new BigDecimal("1E+3"), 0, -127);
    assertEquals("1000.0", e.json().toString());
    assertEquals("1000", e.keyText());
    ColumnValue tiny = OracleValues.number(new BigDecimal("-0.000000000000000000000000000001"), 0, -127);
    assertEquals("{\"n\":-0.000000000000000000000000000001,\"Database\":\"xe\",\"Table\":\"T\"}",
        io.beamconnectors.sources.database.RowDocuments.fields("xe", new TableRef("", "T"), List.of("n"), List.of(tiny)),
        "written plain and exact in the document");
    assertEquals("-0.000000000000000000000000000001", tiny.keyText());
    assertEquals("0.0", OracleValues.number(new BigDecimal("0.000"), 0, -127).json().toString());
    assertTrue(OracleValues.number(null, 0, 0).json().isNull());
  }

  @Test
  void binaryFloatsKeepNonFiniteValuesAside() {
    assertEquals("NaN", OracleValues.binaryDouble(Double.NaN, false).nonFinite());
    assertEquals("-Infinity", OracleValues.binaryFloat(Float.NEGATIVE_INFINITY, false).nonFinite());
    assertEquals("0.1", OracleValues.binaryDouble(0.1, false).json().toString());
    assertTrue(OracleValues.binaryDouble(0, true).json().isNull());
  }

  @Test
  void valuesDispatchOnTheDriversTypeNames() throws SQLException {
    assertEquals("\"2024-03-01T10:15:30\"", dialect.value(FakeJdbc.row(LocalDateTime.of(2024, 3, 1, 10, 15, 30), 0, 0), 1, "DATE").json().toString());
    ColumnValue ts = dialect.value(FakeJdbc.row(LocalDateTime.of(2024, 3, 1, 10, 15, 30, 123456789), 0, 9), 1, "TIMESTAMP");
    assertEquals("\"2024-03-01T10:15:30.123456789\"", ts.json().toString(), "TIMESTAMP(9) is not rounded");
    assertEquals("2024-03-01 10:15:30.123456789", ts.keyText());
    assertEquals("\"2024-03-01T10:15:30.500000+05:30\"", dialect.value(FakeJdbc.row(
        OffsetDateTime.of(2024, 3, 1, 10, 15, 30, 500_000_000, ZoneOffset.ofHoursMinutes(5, 30)), 0, 6), 1,
        "TIMESTAMP WITH TIME ZONE").json().toString());
    assertEquals("\"2024-03-01T10:15:30+00:00\"", dialect.value(FakeJdbc.row(LocalDateTime.of(2024, 3, 1, 10, 15, 30), 0, 6), 1,
        "TIMESTAMP WITH LOCAL TIME ZONE").json().toString());
    assertEquals("\"00FF10\"", dialect.value(FakeJdbc.row(new byte[] {0, -1, 16}, 0, 0), 1, "RAW").json().toString());
    assertEquals("\"\"", dialect.value(FakeJdbc.row(new byte[0], 0, 0), 1, "BLOB").json().toString());
    assertEquals("\"12.5\"", '"' + dialect.value(FakeJdbc.row(new BigDecimal("12.50"), 8, 2), 1, "NUMBER").keyText() + '"');
    assertEquals("\"é_ü\"", dialect.value(FakeJdbc.row("é_ü", 0, 0), 1, "CLOB").json().toString());
    assertEquals("\"+01-02\"", dialect.value(FakeJdbc.row("+01-02", 0, 0), 1, "INTERVALYM").json().toString());
    assertEquals("true", dialect.value(FakeJdbc.row(true, 0, 0), 1, "BOOLEAN").json().toString());
    for (String type : List.of("NUMBER", "DATE", "TIMESTAMP WITH TIME ZONE", "RAW", "CLOB", "VARCHAR2", "BINARY_DOUBLE")) {
      ColumnValue v = dialect.value(FakeJdbc.row(null, 0, 0), 1, type);
      assertTrue(v.json().isNull(), type);
      assertNull(v.keyText(), type);
    }
  }

  /** A port nothing listens on: bound, then released. */
  private static int closedPort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * The real driver, no server: it accepts the URL and every property the dialect sets, fails with a
   * retried (transient) error, and neither its error nor the connector's ping message holds the password.
   */
  @Test
  void theDriverAcceptsTheConnectPartsAndAnUnreachableServerIsTransient() throws Exception {
    ConnectorConfiguration c = config("host", "127.0.0.1", "port", closedPort(), "password", "Pw_secret_77",
        "database", "FREE");
    SQLException e = assertThrows(SQLException.class,
        () -> java.sql.DriverManager.getConnection(dialect.jdbcUrl(c), dialect.connectionProperties(c)).close());
    assertTrue(dialect.isTransient(e), e + " state " + e.getSQLState() + " code " + e.getErrorCode());
    assertFalse(String.valueOf(e.getMessage()).contains("Pw_secret_77"), e.getMessage());
    SQLException pinged = assertThrows(SQLException.class, () -> connector.ping(c));
    assertTrue(pinged.getMessage().startsWith("Can't connect to oracle on 127.0.0.1:"), pinged.getMessage());
    assertFalse(pinged.getMessage().contains("Pw_secret_77"), pinged.getMessage());
  }

  /** The thin driver loads the wallet itself: a wrong directory is a clear, permanent error naming it. */
  @Test
  void aMissingWalletIsNamedAndNotRetried() throws Exception {
    ConnectorConfiguration c = config("host", "127.0.0.1", "port", closedPort(), "database", "FREE",
        "oracle_protocol", "TCPS", "wallet_configuration_path", "/nonexistent/wallet");
    SQLException e = assertThrows(SQLException.class,
        () -> java.sql.DriverManager.getConnection(dialect.jdbcUrl(c), dialect.connectionProperties(c)).close());
    assertFalse(dialect.isTransient(e), e + " code " + e.getErrorCode());
    SQLException pinged = assertThrows(SQLException.class, () -> connector.ping(c));
    assertTrue(pinged.getMessage().contains("/nonexistent/wallet"), pinged.getMessage());
  }

  @Test
  void transientErrorsAreRetried() {
    assertTrue(dialect.isTransient(new SQLRecoverableException("IO Error")));
    assertTrue(dialect.isTransient(new SQLException("ORA-03113: end-of-file on communication channel", "08000", 3113)));
    assertTrue(dialect.isTransient(new SQLException("ORA-12541: no listener", null, 12541)));
    assertFalse(dialect.isTransient(new SQLException("ORA-00942: table or view does not exist", "42000", 942)));
    assertFalse(dialect.isTransient(new SQLException("ORA-01017: invalid username/password", "72000", 1017)));
  }

  @Test
  void aMissingConfiguredTableNamesTheSchemaThatWasSearched() throws Exception {
    java.sql.Connection c = FakeJdbc.connection(Map.of(OracleDialect.CURRENT_SCHEMA_SQL, List.of(List.of("BC_SYNCER"))),
        (id, always) -> StringUtils.enquoteIdentifier((String) id, (Boolean) always), new java.util.ArrayList<>());
    String searched = dialect.searchedSchemas(c, dialect.schemas(c, config()));
    assertEquals("schema searched: BC_SYNCER, the connecting user's", searched);
    assertEquals(List.of("'Comma-separated list of tables' (tables) names table 'customers', which does not exist in"
        + " database 'FREEPDB1' (schema searched: BC_SYNCER, the connecting user's) (did you mean 'CUSTOMERS'? names are"
        + " case-sensitive): correct the name, or use * for every table"),
        io.beamconnectors.sources.database.DatabaseConnector.missingTables(List.of("customers", "ORDERS"),
            java.util.Set.of("CUSTOMERS", "ORDERS"), "FREEPDB1", searched));
    java.sql.Connection silent = FakeJdbc.connection(Map.of(OracleDialect.CURRENT_SCHEMA_SQL, List.of()), null,
        new java.util.ArrayList<>());
    assertThrows(SQLException.class, () -> dialect.searchedSchemas(silent, List.of("")),
        "no schema named: the check fails rather than print an empty list");
  }
}
