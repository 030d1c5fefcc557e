package io.beamconnectors.sources.postgresql;

import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.database.DatabaseConnector;
import io.beamconnectors.sources.database.DatabaseDialect;
import io.beamconnectors.sources.database.TableRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

/** PostgreSQL SQL and connection details. */
final class PostgresqlDialect implements DatabaseDialect {
  private static final long serialVersionUID = 1L;

  @Override
  public String jdbcUrl(ConnectorConfiguration config) {
    return "jdbc:postgresql://" + config.getString(DatabaseConnector.HOST) + ":"
        + config.getLong(DatabaseConnector.PORT) + "/" + config.getString(DatabaseConnector.DATABASE);
  }

  @Override
  public Properties connectionProperties(ConnectorConfiguration config) {
    Properties p = new Properties();
    p.setProperty("user", config.getString(DatabaseConnector.USERNAME));
    String password = config.getString(DatabaseConnector.PASSWORD);
    if (password != null) {
      p.setProperty("password", password);
    }
    p.setProperty("ApplicationName", "beam-connectors");
    p.setProperty("connectTimeout", "30");
    p.setProperty("tcpKeepAlive", "true");
    if (config.getBoolean(PostgresqlConnector.SSL_ENABLED)) {
      p.setProperty("ssl", "true");
      String ca = config.getString(PostgresqlConnector.SSL_CA);
      if (ca != null && !ca.isBlank()) {
        p.setProperty("sslmode", "verify-full");
        p.setProperty("sslrootcert", writeCa(ca).toString());
      } else {
        p.setProperty("sslmode", "require");
      }
    } else {
      p.setProperty("sslmode", "disable");
    }
    return p;
  }

  /** Writes the CA (PEM text, re-wrapped if pasted on one line) to a private temporary file named by its hash. */
  private static Path writeCa(String ca) {
    String pem = PemText.normalize(ca);
    try {
      byte[] bytes = pem.getBytes(StandardCharsets.US_ASCII);
      String name = "beam-connectors-pg-ca-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8) + ".pem";
      Path file = Path.of(System.getProperty("java.io.tmpdir"), name);
      if (!Files.exists(file)) {
        Path tmp = Files.createTempFile("pg-ca", ".pem", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, bytes);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the ssl_ca certificate to a temporary file", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public List<String> schemas(Connection c, ConnectorConfiguration config) throws SQLException {
    List<String> out = new ArrayList<>();
    // pg_catalog, not information_schema: information_schema hides what the user has no privilege
    // on, so a revoked schema or table would look deleted and its documents would be removed.
    try (PreparedStatement s = c.prepareStatement(
        "SELECT nspname FROM pg_catalog.pg_namespace"
            + " WHERE nspname NOT IN ('pg_toast', 'pg_catalog', 'information_schema')"
            + " AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'"
            + " ORDER BY nspname");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  @Override
  public List<String> tables(Connection c, ConnectorConfiguration config, String schema) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(
        "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition"
            + " ORDER BY c.relname")) {
      // Tables, partitioned tables (their partitions are read through the parent), views,
      // materialized views and foreign tables, whatever the user's privileges (see schemas()).
      s.setString(1, schema);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  @Override
  public List<String> primaryKey(Connection c, TableRef table) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(
        "SELECT a.attname FROM pg_index i"
            + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
            + " WHERE i.indrelid = (quote_ident(?) || '.' || quote_ident(?))::regclass AND i.indisprimary"
            + " ORDER BY array_position(i.indkey, a.attnum)")) {
      s.setString(1, table.schema());
      s.setString(2, table.name());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  @Override
  public String selectAll(TableRef table) {
    return "SELECT * FROM " + quote(table.schema()) + "." + quote(table.name());
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  @Override
  public void prepareForStreaming(Connection connection) throws SQLException {
    // The driver only uses a cursor (fetch_size rows at a time) inside a transaction.
    connection.setAutoCommit(false);
    connection.setReadOnly(true);
  }

  @Override
  public boolean isTransient(SQLException e) {
    String state = e.getSQLState();
    // 08xxx connection exceptions, 57P0x admin shutdown / cannot connect now, 53xxx resources, 40001 serialization.
    return state == null
        || state.startsWith("08")
        || state.startsWith("57P")
        || state.startsWith("53")
        || state.equals("40001");
  }
}
