package io.beamconnectors.sources.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.beamconnectors.sources.ConnectorConfiguration;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * TLS against a real PostgreSQL with {@code ssl=on}: BC_PG_TLS_PORT, BC_PG_TLS_PASSWORD (user
 * postgres) and BC_PG_TLS_CA_FILE (the CA that signed its certificate, for localhost and
 * 127.0.0.1). Skipped without them (the shared fixture has no TLS).
 */
class PostgresqlTlsTest {
  private final PostgresqlConnector pg = new PostgresqlConnector();
  private final PostgresqlDialect dialect = new PostgresqlDialect();

  private ConnectorConfiguration config(String host, String ca) {
    return pg.configuration(Map.of("host", host, "port", System.getenv("BC_PG_TLS_PORT"), "username", "postgres",
        "password", System.getenv("BC_PG_TLS_PASSWORD"), "database", "postgres", "ssl_enabled", "true", "ssl_ca", ca));
  }

  private Connection open(ConnectorConfiguration c) throws SQLException {
    pg.validate(c);
    Connection conn = DriverManager.getConnection(dialect.jdbcUrl(c), dialect.connectionProperties(c));
    dialect.prepareSession(conn);
    return conn;
  }

  private static String otherCa() throws IOException {
    try (InputStream in = PostgresqlTlsTest.class.getResourceAsStream("other-ca.pem")) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  @Test
  void connectsOnlyWithTheRightCaAndHostName() throws Exception {
    assumeTrue(System.getenv("BC_PG_TLS_PORT") != null, "no TLS PostgreSQL (BC_PG_TLS_PORT)");
    String ca = Files.readString(Path.of(System.getenv("BC_PG_TLS_CA_FILE")));
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    long pemFilesBefore;
    try (var files = Files.list(tmp)) {
      pemFilesBefore = files.filter(p -> p.getFileName().toString().endsWith(".pem")).count();
    }
    for (String host : new String[] {"localhost", "127.0.0.1"}) {
      try (Connection c = open(config(host, ca));
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
        assertTrue(rs.next());
        assertTrue(rs.getBoolean(1), "the session is encrypted");
      }
    }
    try (var files = Files.list(tmp)) {
      assertEquals(pemFilesBefore, files.filter(p -> p.getFileName().toString().endsWith(".pem")).count(),
          "no CA file written");
    }
    // A CA that did not sign the server's certificate: refused, never a fallback to no verification.
    SQLException wrongCa = assertThrows(SQLException.class, () -> open(config("localhost", otherCa())).close());
    assertFalse(wrongCa.getMessage().contains(System.getenv("BC_PG_TLS_PASSWORD")), wrongCa.getMessage());
    // The right CA but a name the certificate does not carry: refused (verify-full).
    // (This machine's own host name resolves to 127.0.0.1 but is not in the certificate.)
    String otherName = java.net.InetAddress.getLocalHost().getHostName();
    assumeTrue(!otherName.equals("localhost"), "the machine is named localhost");
    SQLException wrongName = assertThrows(SQLException.class, () -> open(config(otherName, ca)).close());
    assertTrue(wrongName.getMessage().toLowerCase(java.util.Locale.ROOT).contains("host"), wrongName.getMessage());
  }
}
