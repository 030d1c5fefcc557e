package io.beamconnectors.sources.mssql;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.sqlserver.jdbc.SQLServerDriver;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.SourceConnector;
import io.beamconnectors.sources.database.ColumnValue;
import io.beamconnectors.sources.database.FakeJdbc;
import io.beamconnectors.sources.database.ListedTable;
import io.beamconnectors.sources.database.LobValues;
import io.beamconnectors.sources.database.RowDocuments;
import io.beamconnectors.sources.database.RowIds;
import io.beamconnectors.sources.database.TableRef;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.Statement;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class MssqlDialectTest {
  private final MssqlConnector connector = new MssqlConnector();
  private final MssqlDialect dialect = new MssqlDialect();
  /** mssql-jdbc does not override Statement.enquoteIdentifier: the JDBC interface's default is the driver's quoting. */
  private static final Statement JDBC_QUOTING = FakeJdbc.quoter(null);

  private ConnectorConfiguration config(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return connector.configuration(m);
  }

  private static String pgResource(String name) throws IOException {
    try (InputStream in = MssqlDialectTest.class.getResourceAsStream("/io/beamconnectors/sources/postgresql/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  private static Map<String, String> driverView(String url, Properties p) throws SQLException {
    Map<String, String> out = new HashMap<>();
    for (DriverPropertyInfo i : new SQLServerDriver().getPropertyInfo(url, p)) {
      out.put(i.name, i.value);
    }
    return out;
  }

  @Test
  void registeredWithTheGuidesDefaults() {
    SourceConnector found = ServiceLoader.load(SourceConnector.class).stream().map(ServiceLoader.Provider::get)
        .filter(c -> c.serviceType().equals("mssql")).findFirst().orElseThrow();
    assertTrue(found instanceof MssqlConnector);
    ConnectorConfiguration c = config();
    assertEquals("127.0.0.1", c.getString("host"));
    assertEquals(9090, c.getLong("port"));
    assertEquals("xe", c.getString("database"));
    assertEquals(50, c.getInt("fetch_size"));
    assertEquals(3, c.getInt("retry_count"));
    assertEquals("dbo", c.getString("schema"));
    assertEquals("ODBC Driver 18 for SQL Server", c.getString("mssql_driver"));
    assertFalse(c.getBoolean("secured_connection"));
    assertFalse(c.getBoolean("ssl_enabled"));
    assertFalse(c.getBoolean("validate_host"));
    assertDoesNotThrow(() -> connector.validate(c));
  }

  @Test
  void databaseCannotInjectDriverProperties() throws SQLException {
    ConnectorConfiguration c = config("host", "db1.example.com", "port", 1433, "password", "Pw;encrypt=false",
        "database", "sales;encrypt=false;trustServerCertificate=true;databaseName=master}");
    String url = dialect.jdbcUrl(c);
    assertEquals("jdbc:sqlserver://", url);
    Properties p = dialect.connectionProperties(c);
    Map<String, String> seen = driverView(url, p);
    assertEquals("sales;encrypt=false;trustServerCertificate=true;databaseName=master}", seen.get("databaseName"));
    assertEquals("db1.example.com", seen.get("serverName"));
    assertEquals("1433", seen.get("portNumber"));
    assertEquals("cursor", seen.get("selectMethod"), "a server cursor: fetch_size rows per round trip");
    assertEquals("adaptive", seen.get("responseBuffering"));
    assertTrue("false".equalsIgnoreCase(seen.get("encrypt")), seen.get("encrypt"));
    assertFalse("true".equalsIgnoreCase(seen.get("trustServerCertificate")), "the database name set no driver property");
  }

  @Test
  void hostMustBeOnlyAHost() {
    for (String bad : List.of("db1;databaseName=master", "db1:1433", "db1\\SQLEXPRESS", "db1 x", "db1/x", " ")) {
      ConfigurationException e = assertThrows(ConfigurationException.class, () -> connector.validate(config("host", bad)), bad);
      assertTrue(e.getMessage().contains("'Host' (host) must be a host name or an IP address"), e.getMessage());
    }
    assertEquals("::1", MssqlDialect.host("[::1]"));
    ConfigurationException s = assertThrows(ConfigurationException.class, () -> connector.validate(config("schema", " ")));
    assertTrue(s.getMessage().contains("(schema)"), s.getMessage());
  }

  @Test
  void tlsModes() throws Exception {
    assertEquals("false", dialect.connectionProperties(config()).getProperty("encrypt"));
    Properties secured = dialect.connectionProperties(config("secured_connection", true, "host", "db1"));
    assertEquals("true", secured.getProperty("encrypt"));
    assertEquals("false", secured.getProperty("trustServerCertificate"), "never trust any certificate");
    assertEquals(MssqlTrustManager.class.getName(), secured.getProperty("trustManagerClass"));
    assertEquals("no-host-check\n", secured.getProperty("trustManagerConstructorArg"));
    String ca = pgResource("ca.pem");
    Properties verified = dialect.connectionProperties(config("ssl_enabled", true, "ssl_ca", ca, "validate_host", true,
        "host", "localhost"));
    assertEquals("host:localhost\n" + ca, verified.getProperty("trustManagerConstructorArg"));
    // The driver instantiates the class with the argument: it must trust exactly that CA and host.
    X509Certificate server = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new java.io.ByteArrayInputStream(pgResource("server.pem").getBytes(StandardCharsets.US_ASCII)));
    X509Certificate[] chain = {server};
    new MssqlTrustManager(verified.getProperty("trustManagerConstructorArg")).checkServerTrusted(chain, "RSA");
    CertificateException wrongHost = assertThrows(CertificateException.class,
        () -> new MssqlTrustManager(MssqlTrustManager.argument("db.example.com", true, ca)).checkServerTrusted(chain, "RSA"));
    assertTrue(wrongHost.getMessage().contains("does not name host db.example.com"), wrongHost.getMessage());
    new MssqlTrustManager(MssqlTrustManager.argument("db.example.com", false, ca)).checkServerTrusted(chain, "RSA");
    assertThrows(CertificateException.class,
        () -> new MssqlTrustManager(MssqlTrustManager.argument("localhost", true, pgResource("other-ca.pem")))
            .checkServerTrusted(chain, "RSA"));
    assertThrows(CertificateException.class,
        () -> new MssqlTrustManager(MssqlTrustManager.argument("localhost", false, "")).checkServerTrusted(chain, "RSA"),
        "no CA given: the JVM's trust store, which does not know the test CA");
    // A CA pasted as one line is accepted too.
    String oneLine = ca.replace("\n", " ");
    new MssqlTrustManager(MssqlTrustManager.argument("localhost", true, oneLine)).checkServerTrusted(chain, "RSA");
    ConfigurationException bad = assertThrows(ConfigurationException.class,
        () -> connector.validate(config("ssl_enabled", true, "ssl_ca", "not a certificate")));
    assertTrue(bad.getMessage().contains("'SSL certificate' (ssl_ca) is not a PEM certificate"), bad.getMessage());
  }

  @Test
  void selectQuotesWithTheDriver() throws SQLException {
    assertEquals("SELECT * FROM \"dbo\".\"Order Lines]x\"", MssqlDialect.selectSql(JDBC_QUOTING, new TableRef("dbo", "Order Lines]x")));
    assertEquals("SELECT * FROM \"sales_eu\".\"ünï\"", MssqlDialect.selectSql(JDBC_QUOTING, new TableRef("sales_eu", "ünï")));
    SQLException e = assertThrows(SQLException.class, () -> MssqlDialect.selectSql(JDBC_QUOTING, new TableRef("dbo", "\"abc\"")));
    assertTrue(e.getMessage().contains("double quote"), e.getMessage());
    assertEquals("SELECT * FROM [dbo].[a]]b]", dialect.selectAll(new ListedTable(new TableRef("dbo", "a]b"), "U", List.of())));
    assertTrue(MssqlDialect.TABLES_SQL.contains("o.type IN ('U', 'V')") && MssqlDialect.TABLES_SQL.contains("s.name = ?"));
    assertTrue(MssqlDialect.PRIMARY_KEY_SQL.contains("k.type = 'PK'") && MssqlDialect.PRIMARY_KEY_SQL.endsWith("ORDER BY ic.key_ordinal"));
    assertEquals(List.of("sales"), dialect.schemas(null, config("schema", "sales")));
  }

  @Test
  void idsAndFieldsAsTheReference() {
    TableRef t = new TableRef("dbo", "customers_0");
    assertEquals("xe_dbo_customers%5F0_0_user%5F5_", RowIds.id("xe", t, List.of("0", "user_5")));
    assertEquals("{\"dbo_customers_0_n\":12.50,\"Database\":\"xe\",\"Table\":\"customers_0\",\"schema\":\"dbo\"}",
        RowDocuments.fields("xe", t, List.of(RowDocuments.fieldName(t, "N")), List.of(MssqlValues.decimal(new BigDecimal("12.50")))));
  }

  private ColumnValue value(Object v, String type) throws SQLException {
    return dialect.value(FakeJdbc.row(v, 0, 0), 1, type);
  }

  @Test
  void typesAreExact() throws SQLException {
    assertEquals("7", value(7L, "int identity").json().toString());
    assertEquals("9223372036854775807", value(Long.MAX_VALUE, "bigint").keyText());
    assertEquals("True", value(true, "bit").keyText());
    ColumnValue money = value(new BigDecimal("12.5000"), "money");
    assertEquals("12.5000", money.keyText());
    assertEquals(new BigDecimal("12.5000"), money.json().decimalValue());
    assertEquals(new BigDecimal("5.0"), value(new BigDecimal("5"), "decimal").json().decimalValue());
    assertEquals("5", value(new BigDecimal("5"), "decimal").keyText(), "as Python's str(Decimal)");
    assertEquals("6f9619ff-8b86-d011-b42d-00c04fc964ff", value("6F9619FF-8B86-D011-B42D-00C04FC964FF", "uniqueidentifier").keyText());
    assertEquals("0x00000000000007D1", value(new byte[] {0, 0, 0, 0, 0, 0, 7, -47}, "timestamp").keyText(), "rowversion");
    assertEquals("0x", value(new byte[0], "varbinary").keyText());
    assertEquals("\"2024-03-01T10:15:30.123456700\"", value(LocalDateTime.of(2024, 3, 1, 10, 15, 30, 123_456_700), "datetime2").json().toString(),
        "datetime2(7) is not rounded");
    ColumnValue dto = value(OffsetDateTime.of(2024, 3, 1, 10, 15, 30, 0, ZoneOffset.ofHoursMinutes(-3, -30)), "datetimeoffset");
    assertEquals("\"2024-03-01T10:15:30-03:30\"", dto.json().toString(), "the stored offset is kept");
    assertEquals("2024-03-01 10:15:30-03:30", dto.keyText());
    assertEquals("\"2024-02-29\"", value(LocalDate.of(2024, 2, 29), "date").json().toString());
    assertEquals("\"23:59:59.999999900\"", value(LocalTime.of(23, 59, 59, 999_999_900), "time").json().toString());
    assertEquals("\"<a>é_ü</a>\"", value("<a>é_ü</a>", "xml").json().toString());
    assertEquals("1.0E10", value(1e10, "float").keyText());
    for (String type : List.of("int", "bit", "decimal", "datetimeoffset", "uniqueidentifier", "varbinary", "nvarchar", "real")) {
      ColumnValue v = value(null, type);
      assertTrue(v.json().isNull(), type);
      assertNull(v.keyText(), type);
    }
  }

  @Test
  void largeValuesAreCappedAndStillExactForChangeDetection() throws SQLException {
    String big = "é".repeat(LobValues.CAP_BYTES / 2) + "x"; // one byte over the cap in UTF-8
    ColumnValue over = value(big, "nvarchar");
    assertTrue(over.keyText().matches("sha256:[0-9a-f]{64} \\(" + (LobValues.CAP_BYTES + 1) + " bytes, over the "
        + LobValues.CAP_BYTES + "-byte cap\\)"), over.keyText());
    ColumnValue other = value("é".repeat(LobValues.CAP_BYTES / 2) + "y", "nvarchar");
    assertFalse(over.keyText().equals(other.keyText()), "a change past the cap changes the value");
    String atCap = "é".repeat(LobValues.CAP_BYTES / 2);
    assertEquals(atCap, value(atCap, "ntext").keyText());
    // One ASCII character first: the 8192-character reads then end between the two halves of a pair.
    String emoji = "x" + "😀".repeat(5000);
    assertEquals(emoji, value(emoji, "nvarchar").keyText(), "surrogate pairs across reads survive");
    String overEmoji = "x" + "😀".repeat(LobValues.CAP_BYTES / 4);
    ColumnValue overEmojiValue = value(overEmoji, "nvarchar");
    assertEquals("sha256:" + sha256Hex(overEmoji) + " (" + (LobValues.CAP_BYTES + 1) + " bytes, over the "
        + LobValues.CAP_BYTES + "-byte cap)", overEmojiValue.keyText(), "the digest is of the whole value's UTF-8");
    byte[] bytes = new byte[LobValues.CAP_BYTES + 1];
    assertTrue(value(bytes, "varbinary").keyText().startsWith("sha256:"));
  }

  private static String sha256Hex(String s) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
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
        "database", "sales");
    SQLException e = assertThrows(SQLException.class,
        () -> java.sql.DriverManager.getConnection(dialect.jdbcUrl(c), dialect.connectionProperties(c)).close());
    assertTrue(dialect.isTransient(e), e + " state " + e.getSQLState() + " code " + e.getErrorCode());
    assertFalse(String.valueOf(e.getMessage()).contains("Pw_secret_77"), e.getMessage());
    SQLException pinged = assertThrows(SQLException.class, () -> connector.ping(c));
    assertTrue(pinged.getMessage().startsWith("Can't connect to mssql on 127.0.0.1:"), pinged.getMessage());
    assertFalse(pinged.getMessage().contains("Pw_secret_77"), pinged.getMessage());
  }

  @Test
  void transientErrorsAreRetried() {
    assertTrue(dialect.isTransient(new SQLException("connection reset", "08S01", 0)));
    assertTrue(dialect.isTransient(new SQLException("deadlock victim", "40001", 1205)));
    assertTrue(dialect.isTransient(new SQLException("Azure busy", "S0001", 40501)));
    assertFalse(dialect.isTransient(new SQLException("Invalid object name", "S0002", 208)));
    assertFalse(dialect.isTransient(new SQLException("Login failed", "S0001", 18456)));
  }
}
