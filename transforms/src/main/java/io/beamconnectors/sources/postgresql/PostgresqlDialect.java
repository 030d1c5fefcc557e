package io.beamconnectors.sources.postgresql;

import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.database.CatalogQueries;
import io.beamconnectors.sources.database.ChunkBoundaries;
import io.beamconnectors.sources.database.ColumnValue;
import io.beamconnectors.sources.database.DatabaseConnector;
import io.beamconnectors.sources.database.DatabaseDialect;
import io.beamconnectors.sources.database.DatabaseHost;
import io.beamconnectors.sources.database.KeyBoundaries;
import io.beamconnectors.sources.database.KeyColumns;
import io.beamconnectors.sources.database.JdbcConnections;
import io.beamconnectors.sources.database.ListedTable;
import io.beamconnectors.sources.database.TableChunk;
import io.beamconnectors.sources.database.TableRef;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * PostgreSQL SQL and connection details: a URL whose host and database are validated and encoded,
 * TLS that trusts exactly the configured CA (in memory, {@link PemCaSslSocketFactory}), connect,
 * socket, statement and lock timeouts, a session pinned so values print the same on every machine,
 * {@code ONLY} so an inheritance parent does not read its children's rows, and exact values
 * ({@link PostgresqlValues}).
 */
final class PostgresqlDialect implements DatabaseDialect {
  private static final long serialVersionUID = 1L;

  static final int CONNECT_TIMEOUT_SECONDS = 30;
  /** How long one read from the server may take (a fetch of fetch_size rows) before the connection is dropped. */
  static final int SOCKET_TIMEOUT_SECONDS = 900;
  /** How long one statement may run (each cursor fetch is one). */
  static final String STATEMENT_TIMEOUT = "10min";
  /** How long a read may wait for a lock (e.g. behind a migration's ALTER TABLE) before the table fails. */
  static final String LOCK_TIMEOUT = "30s";

  /** The URL host part (an IPv6 address in brackets, zone kept), or a {@link ConfigurationException} naming the field. */
  static String urlHost(String host) {
    DatabaseHost h = DatabaseHost.parse(host, true, "port, path or parameters");
    return h.ipv6() ? "[" + h.address() + h.zone() + "]" : h.address();
  }

  /** The URL database part: any name PostgreSQL allows, percent-encoded so it cannot add URL parameters. */
  static String urlDatabase(String database) {
    if (database == null || database.isBlank()) {
      throw new ConfigurationException("'Database' (database) cannot be empty: set the database name");
    }
    if (database.getBytes(StandardCharsets.UTF_8).length > 63 || database.chars().anyMatch(Character::isISOControl)) {
      throw new ConfigurationException("'Database' (database) must be a PostgreSQL database name"
          + " (at most 63 bytes, no control characters): got '" + database + "'");
    }
    return URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public String jdbcUrl(ConnectorConfiguration config) {
    return "jdbc:postgresql://" + urlHost(config.getString(DatabaseConnector.HOST)) + ":"
        + config.getLong(DatabaseConnector.PORT) + "/" + urlDatabase(config.getString(DatabaseConnector.DATABASE));
  }

  @Override
  public Properties connectionProperties(ConnectorConfiguration config) {
    Properties p = JdbcConnections.credentials(config.getString(DatabaseConnector.USERNAME), config);
    p.setProperty("ApplicationName", "beam-connectors");
    p.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
    p.setProperty("loginTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
    p.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
    p.setProperty("tcpKeepAlive", "true");
    // Text transfer only: values are read from PostgreSQL's own text (see PostgresqlValues).
    p.setProperty("binaryTransfer", "false");
    if (config.getBoolean(PostgresqlConnector.SSL_ENABLED)) {
      String ca = config.getString(PostgresqlConnector.SSL_CA);
      if (ca == null || ca.isBlank()) {
        // Never fall back to TLS without verification.
        throw new ConfigurationException("'SSL certificate' (ssl_ca) cannot be empty when 'Enable SSL verification'"
            + " (ssl_enabled) is on: paste the PEM text of the CA");
      }
      p.setProperty("ssl", "true");
      p.setProperty("sslmode", "verify-full");
      p.setProperty("sslfactory", PemCaSslSocketFactory.class.getName());
      p.setProperty(PemCaSslSocketFactory.CA_PROPERTY, ca);
    } else {
      p.setProperty("sslmode", "disable");
    }
    return p;
  }

  /** The settings the text of values depends on, and the timeouts. */
  static final List<String> SESSION_SETTINGS = List.of(
      "SET TIME ZONE 'UTC'",
      "SET DateStyle = 'ISO, YMD'",
      "SET IntervalStyle = 'iso_8601'",
      "SET bytea_output = 'hex'",
      "SET extra_float_digits = 3",
      "SET lc_monetary = 'C'",
      "SET statement_timeout = '" + STATEMENT_TIMEOUT + "'",
      "SET lock_timeout = '" + LOCK_TIMEOUT + "'");

  @Override
  public List<String> sessionSettings() {
    return SESSION_SETTINGS;
  }

  @Override
  public List<String> schemas(Connection c, ConnectorConfiguration config) throws SQLException {
    // pg_catalog, not information_schema: information_schema hides what the user has no privilege
    // on, so a revoked schema or table would look deleted and its documents would be removed.
    return CatalogQueries.firstColumn(c, "SELECT nspname FROM pg_catalog.pg_namespace"
        + " WHERE nspname NOT IN ('pg_toast', 'pg_catalog', 'information_schema')"
        + " AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'"
        + " ORDER BY nspname");
  }

  @Override
  public List<ListedTable> tables(Connection c, ConnectorConfiguration config, String schema) throws SQLException {
    List<ListedTable> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(
        "SELECT c.relname, c.relkind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition"
            + " ORDER BY c.relname")) {
      // Tables, partitioned tables (their partitions are read through the parent), views,
      // materialized views and foreign tables, whatever the user's privileges (see schemas()).
      s.setString(1, schema);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(new ListedTable(new TableRef(schema, rs.getString(1)), rs.getString(2), List.of()));
        }
      }
    }
    return out;
  }

  /** {@code pg_class.reltuples}: -1 (PostgreSQL 14+) or 0 before the first ANALYZE or VACUUM. */
  @Override
  public java.util.OptionalLong estimatedRows(Connection c, TableRef table) throws SQLException {
    List<String> rows = CatalogQueries.firstColumn(c,
        "SELECT t.reltuples::bigint FROM pg_catalog.pg_class t"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = ? AND t.relname = ?",
        table.schema(), table.name());
    long estimate = rows.isEmpty() || rows.get(0) == null ? -1 : Long.parseLong(rows.get(0));
    return estimate > 0 ? java.util.OptionalLong.of(estimate) : java.util.OptionalLong.empty();
  }

  @Override
  public List<String> primaryKey(Connection c, TableRef table) throws SQLException {
    // By name through the catalog (no regclass cast): needs no privilege on the schema, so a table
    // the user cannot read is still listed, and then fails when it is read. A table that does not
    // exist has no key (the reader reports it as failed).
    return CatalogQueries.firstColumn(c,
        "SELECT a.attname FROM pg_catalog.pg_index i"
            + " JOIN pg_catalog.pg_class t ON t.oid = i.indrelid"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace"
            + " JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
            + " WHERE n.nspname = ? AND t.relname = ? AND i.indisprimary"
            + " ORDER BY array_position(i.indkey, a.attnum)",
        table.schema(), table.name());
  }

  @Override
  public String selectAll(ListedTable table) {
    return "SELECT * FROM " + from(table);
  }

  /**
   * The table in a FROM clause. ONLY: a table's own rows; the tables inheriting from it are listed
   * and read on their own. A partitioned table ('p') holds no rows itself: it is read whole (its
   * partitions are not listed).
   */
  static String from(ListedTable table) {
    String only = table.kind().equals("r") || table.kind().equals("f") ? "ONLY " : "";
    return only + quote(table.table().schema()) + "." + quote(table.table().name());
  }

  /**
   * Every {@code rowsPerChunk}-th key in the key's own order (row_number over the primary key,
   * which PostgreSQL answers from the key's index without sorting or reading the rows), each key
   * value as PostgreSQL prints it in this pinned session, and the key columns' types with
   * {@code format_type}, so the bounds can be cast back exactly.
   */
  @Override
  public KeyBoundaries chunkBoundaries(Connection c, ListedTable table, long rowsPerChunk) throws SQLException {
    return ChunkBoundaries.find(c, boundariesQuery(table), rowsPerChunk, keyTypes(c, table),
        (row, column, type) -> row.getString(column));
  }

  /** The starts of every chunk but the first: keys number 1 + n, 1 + 2n, ... in key order. */
  static String boundariesQuery(ListedTable table) {
    List<String> key = new ArrayList<>();
    for (String column : table.primaryKey()) {
      key.add(quote(column));
    }
    return ChunkBoundaries.query(key, from(table), "AS numbered", "(bc_row - 1) % ?");
  }

  /** The SQL types of the key columns, in key order; fails when a key column is gone. */
  static List<String> keyTypes(Connection c, ListedTable table) throws SQLException {
    return KeyColumns.types(table, CatalogQueries.byFirstColumn(c,
        "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a"
            + " JOIN pg_catalog.pg_class t ON t.oid = a.attrelid"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace"
            + " WHERE n.nspname = ? AND t.relname = ? AND a.attnum > 0 AND NOT a.attisdropped",
        row -> row.getString(2), table.table().schema(), table.table().name()), type -> true);
  }

  /**
   * {@code WHERE (k1, k2) >= (CAST(? AS t1), CAST(? AS t2)) AND (k1, k2) < (...)}: a row comparison,
   * ordered exactly as the ORDER BY of {@link #boundariesQuery} (the key columns' own collations and
   * operator classes), each bound cast from PostgreSQL's own text of the value.
   */
  @Override
  public String selectChunk(TableChunk chunk) {
    if (chunk.isWholeTable()) {
      return selectAll(chunk.table());
    }
    List<String> conditions = new ArrayList<>();
    if (!chunk.lower().isEmpty()) {
      conditions.add(keyRow(chunk.table()) + " >= " + boundRow(chunk.keyTypes()));
    }
    if (!chunk.upper().isEmpty()) {
      conditions.add(keyRow(chunk.table()) + " < " + boundRow(chunk.keyTypes()));
    }
    return selectAll(chunk.table()) + " WHERE " + String.join(" AND ", conditions);
  }

  private static String keyRow(ListedTable table) {
    List<String> quoted = new ArrayList<>();
    for (String column : table.primaryKey()) {
      quoted.add(quote(column));
    }
    return "(" + String.join(", ", quoted) + ")";
  }

  private static String boundRow(List<String> types) {
    List<String> casts = new ArrayList<>();
    for (String type : types) {
      casts.add("CAST(? AS " + type + ")");
    }
    return "(" + String.join(", ", casts) + ")";
  }

  @Override
  public ColumnValue value(ResultSet row, int column, String typeName) throws SQLException {
    return PostgresqlValues.fromText(row.getString(column), typeName);
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
