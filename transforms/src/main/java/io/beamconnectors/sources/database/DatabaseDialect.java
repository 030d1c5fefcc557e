package io.beamconnectors.sources.database;

import io.beamconnectors.sources.ConnectorConfiguration;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/**
 * What differs between databases: how to connect (URL, properties, session settings, timeouts),
 * how to enumerate schemas, tables and primary keys, how to select a table's own rows, and how to
 * turn each column type into an exact, machine-independent {@link ColumnValue}. Everything else
 * (streaming, ids, fields, retries, issues) is shared by {@link DatabaseListing}.
 */
public interface DatabaseDialect extends Serializable {

  /** JDBC URL without credentials; every configured part validated and encoded (no parameter injection). */
  String jdbcUrl(ConnectorConfiguration config);

  /** Driver properties: user, password, TLS, timeouts. Writes no files. */
  Properties connectionProperties(ConnectorConfiguration config);

  /**
   * Pins the session settings that the text of values depends on (time zone, date and interval
   * styles...) and the statement and lock timeouts. Called on every new connection.
   */
  default void prepareSession(Connection connection) throws SQLException {
    try (java.sql.Statement s = connection.createStatement()) {
      for (String setting : sessionSettings()) {
        s.execute(setting);
      }
    }
  }

  /** The statements {@link #prepareSession} runs, in order; none by default. */
  default List<String> sessionSettings() {
    return List.of();
  }

  /** The schemas to read, or a single "" for dialects without a schema level. */
  List<String> schemas(Connection connection, ConnectorConfiguration config) throws SQLException;

  /**
   * Where the tables were looked for, for messages about a configured table that is missing:
   * by default {@code schemas searched: <schemas>}. Dialects whose {@link #schemas} has no schema
   * level ("") name the schema they read instead.
   */
  default String searchedSchemas(Connection connection, List<String> schemas) throws SQLException {
    return "schemas searched: " + (schemas.isEmpty() ? "none" : String.join(", ", schemas));
  }

  /** Every table (and view) of a schema, as the catalog lists them, with an empty primary key. */
  List<ListedTable> tables(Connection connection, ConnectorConfiguration config, String schema) throws SQLException;

  /**
   * Primary-key columns in key order; empty when the table has none. Throws when the table does
   * not exist (any more).
   */
  List<String> primaryKey(Connection connection, TableRef table) throws SQLException;

  /** The query for the table's own rows (not those of tables inheriting from it). */
  String selectAll(ListedTable table);

  /**
   * The query for the table's own rows on {@code connection}: dialects that quote identifiers with
   * the driver's {@link java.sql.Statement#enquoteIdentifier} or look at the table's columns
   * override this; by default {@link #selectAll(ListedTable)}.
   */
  default String selectAll(Connection connection, ListedTable table) throws SQLException {
    return selectAll(table);
  }

  /**
   * Where to cut a keyed table into chunks of about {@code rowsPerChunk} rows, found with one cheap
   * query over the primary key (never OFFSET). The default, for dialects that do not split: none,
   * the table is read as one chunk. The starts must come from the database's own ordering of the
   * key, the one {@link #selectChunk} compares with.
   *
   * @param table a table with a primary key (its columns in key order)
   */
  default KeyBoundaries chunkBoundaries(Connection connection, ListedTable table, long rowsPerChunk)
      throws SQLException {
    return KeyBoundaries.none();
  }

  /**
   * The catalog's row estimate of a table (a statistic, no scan), or empty when the dialect has
   * none or the table was never analysed. Default: none.
   */
  default java.util.OptionalLong estimatedRows(Connection connection, TableRef table) throws SQLException {
    return java.util.OptionalLong.empty();
  }

  /**
   * The query for one chunk's rows: {@link #selectAll} for a whole table; otherwise the rows whose
   * key is at or after {@code chunk.lower()} and before {@code chunk.upper()} in the database's own
   * ordering, its parameters set by {@link #bindChunk}. Dialects that return chunk boundaries must
   * override this or {@link #selectChunk(Connection, TableChunk)}.
   */
  default String selectChunk(TableChunk chunk) {
    if (chunk.isWholeTable()) {
      return selectAll(chunk.table());
    }
    throw new UnsupportedOperationException(getClass().getSimpleName() + " finds chunk boundaries but"
        + " does not say how to select " + chunk);
  }

  /**
   * The query for one chunk's rows on {@code connection}, the one the reader runs: a whole table
   * through {@link #selectAll(Connection, ListedTable)}, a part through {@link #selectChunk(TableChunk)}.
   * Dialects that quote with the driver override this.
   */
  default String selectChunk(Connection connection, TableChunk chunk) throws SQLException {
    return chunk.isWholeTable() ? selectAll(connection, chunk.table()) : selectChunk(chunk);
  }

  /**
   * Sets the parameters of the chunk query. The default, for a predicate with one {@code ?} per
   * bound value (lower bound values first) that casts text to the key's type in SQL: each bound as
   * text ({@link PreparedStatement#setString}). Dialects whose predicate differs override this,
   * e.g. with {@link KeysetPredicate#bind}.
   */
  default void bindChunk(PreparedStatement statement, TableChunk chunk) throws SQLException {
    int parameter = 1;
    for (String bound : chunk.lower()) {
      statement.setString(parameter++, bound);
    }
    for (String bound : chunk.upper()) {
      statement.setString(parameter++, bound);
    }
  }

  /** Prepares a connection for streaming a large result (cursor-based fetching). */
  default void prepareForStreaming(Connection connection) throws SQLException {}

  /**
   * The exact value of column {@code column} (1-based) of the current row, whose type name is
   * {@code typeName} (the driver's {@code getColumnTypeName}).
   */
  ColumnValue value(ResultSet row, int column, String typeName) throws SQLException;

  /** Whether a failure is worth another attempt (network, server restarts), as opposed to a bad query or denied access. */
  boolean isTransient(SQLException e);

  /** The "ping" query. */
  default String pingQuery() {
    return "SELECT 1";
  }
}
