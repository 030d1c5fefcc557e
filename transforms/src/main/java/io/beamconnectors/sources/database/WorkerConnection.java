package io.beamconnectors.sources.database;

import io.beamconnectors.sources.ConnectorConfiguration;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The one connection a DoFn instance keeps across elements (opened on first use, session pinned,
 * optionally prepared for streaming), dropped after a failure so the next attempt opens a fresh
 * one, and closed in {@code @Teardown}. Not serialized: each DoFn instance on each worker has its own.
 */
final class WorkerConnection {
  private final DatabaseDialect dialect;
  private final ConnectorConfiguration config;
  private final boolean streaming;
  private Connection connection;

  WorkerConnection(DatabaseDialect dialect, ConnectorConfiguration config, boolean streaming) {
    this.dialect = dialect;
    this.config = config;
    this.streaming = streaming;
  }

  /** The open connection, opened (and prepared for streaming) when there is none or it was closed. */
  Connection get() throws SQLException {
    if (connection == null || connection.isClosed()) {
      connection = JdbcConnections.open(dialect, config);
      if (streaming) {
        dialect.prepareForStreaming(connection);
      }
    }
    return connection;
  }

  /** Closes the connection, ignoring a failure to close a broken one. */
  void drop() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // already broken
      }
      connection = null;
    }
  }
}
