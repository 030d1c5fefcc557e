package io.beamconnectors.sources.database;

import io.beamconnectors.sources.ConnectorConfiguration;
import java.io.Serializable;
import java.sql.Connection;
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
  default void prepareSession(Connection connection) throws SQLException {}

  /** The schemas to read, or a single "" for dialects without a schema level. */
  List<String> schemas(Connection connection, ConnectorConfiguration config) throws SQLException;

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
   * ordering, with one {@code ?} per bound value, lower bound values first, each bound as text
   * ({@link java.sql.PreparedStatement#setString}). Dialects that return chunk boundaries must
   * override this.
   */
  default String selectChunk(TableChunk chunk) {
    if (chunk.isWholeTable()) {
      return selectAll(chunk.table());
    }
    throw new UnsupportedOperationException(getClass().getSimpleName() + " finds chunk boundaries but"
        + " does not say how to select " + chunk);
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
