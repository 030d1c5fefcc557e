package io.beamconnectors.sources.database;

import io.beamconnectors.sources.ConnectorConfiguration;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/**
 * What differs between databases: how to connect, how to enumerate schemas, tables and primary
 * keys, and how to quote a table for {@code SELECT *}. Everything else (streaming, ids, fields,
 * change tokens, retries, issues) is shared by {@link DatabaseListing}.
 */
public interface DatabaseDialect extends Serializable {

  /** JDBC URL without credentials. */
  String jdbcUrl(ConnectorConfiguration config);

  /** Driver properties: user, password, TLS. May write files (a CA) under a temporary directory. */
  Properties connectionProperties(ConnectorConfiguration config);

  /** The schemas to read, or a single "" for dialects without a schema level. */
  List<String> schemas(Connection connection, ConnectorConfiguration config) throws SQLException;

  /** Every table (and view) of a schema, as the catalog lists them. */
  List<String> tables(Connection connection, ConnectorConfiguration config, String schema) throws SQLException;

  /** Primary-key columns in key order; empty when the table has none. */
  List<String> primaryKey(Connection connection, TableRef table) throws SQLException;

  /** {@code SELECT * FROM <quoted table>}. */
  String selectAll(TableRef table);

  /** Prepares a connection for streaming a large result (cursor-based fetching). */
  default void prepareForStreaming(Connection connection) throws SQLException {}

  /** Whether a failure is worth another attempt (network, server restarts), as opposed to a bad query or denied access. */
  boolean isTransient(SQLException e);

  /** The "ping" query. */
  default String pingQuery() {
    return "SELECT 1";
  }
}
