package io.beamconnectors.sources.postgresql;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.database.ListedTable;
import io.beamconnectors.sources.database.TableRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

class PostgresqlConnectorTest {
  private final PostgresqlConnector pg = new PostgresqlConnector();
  private final PostgresqlDialect dialect = new PostgresqlDialect();

  private static String resource(String name) throws IOException {
    try (InputStream in = PostgresqlConnectorTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  private ConnectorConfiguration config(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return pg.configuration(m);
  }

  @Test
  void databaseCannotInjectUrlParameters() {
    ConnectorConfiguration c = config("host", "db1.example.com", "port", 5432,
        "database", "xe?sslmode=disable&socketFactory=evil&user=postgres");
    String url = dialect.jdbcUrl(c);
    assertFalse(url.contains("?"), url);
    Properties parsed = Driver.parseURL(url, new Properties());
    assertEquals("xe?sslmode=disable&socketFactory=evil&user=postgres", parsed.getProperty("PGDBNAME"));
    assertEquals(null, parsed.getProperty("sslmode"));
    assertEquals(null, parsed.getProperty("socketFactory"));
    assertEquals("db1.example.com", parsed.getProperty("PGHOST"));
    // Names with spaces, percent signs and unicode survive the round trip.
    assertEquals("my db%20ü", Driver.parseURL(dialect.jdbcUrl(config("database", "my db%20ü")), new Properties())
        .getProperty("PGDBNAME"));
  }

  @Test
  void hostMustBeOnlyAHost() {
    for (String bad : List.of("db1/xe?ssl=false", "db1:5432", "a,b", "db1 x", "db1?x=y", "db1#frag", " ")) {
      ConfigurationException e = assertThrows(ConfigurationException.class,
          () -> pg.validate(config("host", bad, "ssl_enabled", false)), bad);
      assertTrue(e.getMessage().contains("(host)"), e.getMessage());
    }
    assertEquals("[::1]", PostgresqlDialect.urlHost("::1"));
    assertEquals("[fe80::1%eth0]", PostgresqlDialect.urlHost("[fe80::1%eth0]"));
    assertDoesNotThrow(() -> pg.validate(config("host", "db-1.internal_zone.example.com")));
    assertDoesNotThrow(() -> pg.validate(config("host", "10.0.0.7")));
  }

  @Test
  void booleansAreStrict() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> pg.validate(config("ssl_enabled", "treu")));
    assertTrue(e.getMessage().contains("'Enable SSL verification' (ssl_enabled) must be true or false: got 'treu'"),
        e.getMessage());
    assertThrows(ConfigurationException.class, () -> config("ssl_enabled", "treu").getBoolean("ssl_enabled"));
  }

  @Test
  void blankOrBadCaIsRejectedNeverUnverifiedTls() {
    ConfigurationException blank = assertThrows(ConfigurationException.class,
        () -> pg.validate(config("ssl_enabled", true, "ssl_ca", "   \n ")));
    assertTrue(blank.getMessage().contains("(ssl_ca) cannot be empty"), blank.getMessage());
    assertThrows(ConfigurationException.class,
        () -> dialect.connectionProperties(config("ssl_enabled", true, "ssl_ca", " ")));
    ConfigurationException garbage = assertThrows(ConfigurationException.class,
        () -> pg.validate(config("ssl_enabled", true, "ssl_ca", "not a certificate")));
    assertTrue(garbage.getMessage().contains("(ssl_ca) is not a PEM certificate"), garbage.getMessage());
  }

  @Test
  void caIsPassedInMemoryWithHostVerification() throws Exception {
    String ca = resource("ca.pem");
    pg.validate(config("ssl_enabled", true, "ssl_ca", ca));
    Properties p = dialect.connectionProperties(config("ssl_enabled", true, "ssl_ca", ca, "password", "pw-secret"));
    assertEquals("verify-full", p.getProperty("sslmode"));
    assertEquals(PemCaSslSocketFactory.class.getName(), p.getProperty("sslfactory"));
    assertEquals(ca, p.getProperty(PemCaSslSocketFactory.CA_PROPERTY));
    assertFalse(p.containsKey("sslrootcert"), "no CA file");
    assertDoesNotThrow(() -> new PemCaSslSocketFactory(p));
    // One-line paste (as the reference accepts) gives the same trust.
    String oneLine = ca.replace("\n", " ");
    assertDoesNotThrow(() -> PemCaSslSocketFactory.trustManagers(oneLine));
  }

  @Test
  void theTrustManagerTrustsExactlyTheConfiguredCa() throws Exception {
    X509Certificate server = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(PostgresqlConnectorTest.class.getResourceAsStream("server.pem"));
    X509TrustManager ours = (X509TrustManager) PemCaSslSocketFactory.trustManagers(resource("ca.pem")).getTrustManagers()[0];
    ours.checkServerTrusted(new X509Certificate[] {server}, "RSA");
    X509TrustManager other = (X509TrustManager) PemCaSslSocketFactory.trustManagers(resource("other-ca.pem"))
        .getTrustManagers()[0];
    assertThrows(CertificateException.class, () -> other.checkServerTrusted(new X509Certificate[] {server}, "RSA"));
  }

  @Test
  void timeoutsAndTextTransferAreSet() {
    Properties p = dialect.connectionProperties(config());
    assertEquals("disable", p.getProperty("sslmode"));
    assertEquals("900", p.getProperty("socketTimeout"));
    assertEquals("30", p.getProperty("connectTimeout"));
    assertEquals("false", p.getProperty("binaryTransfer"));
    assertTrue(PostgresqlDialect.SESSION_SETTINGS.contains("SET statement_timeout = '10min'"));
    assertTrue(PostgresqlDialect.SESSION_SETTINGS.contains("SET lock_timeout = '30s'"));
    assertTrue(PostgresqlDialect.SESSION_SETTINGS.contains("SET TIME ZONE 'UTC'"));
  }

  @Test
  void retryCountIsBounded() {
    assertDoesNotThrow(() -> pg.validate(config("retry_count", 10)));
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> pg.validate(config("retry_count", 64)));
    assertTrue(e.getMessage().contains("(retry_count) must be less than 11"), e.getMessage());
  }

  @Test
  void inheritanceParentsReadOnlyTheirOwnRows() {
    assertEquals("SELECT * FROM ONLY \"public\".\"pa\"\"rent\"",
        dialect.selectAll(new ListedTable(new TableRef("public", "pa\"rent"), "r", List.of("id"))));
    assertEquals("SELECT * FROM \"public\".\"measurements\"",
        dialect.selectAll(new ListedTable(new TableRef("public", "measurements"), "p", List.of("id"))));
  }
}
