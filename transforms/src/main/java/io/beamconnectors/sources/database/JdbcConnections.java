package io.beamconnectors.sources.database;

import io.beamconnectors.sources.ConnectorConfiguration;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Opens JDBC connections for a dialect, session pinned; the only place that touches the password. */
final class JdbcConnections {
  private JdbcConnections() {}

  static Connection open(DatabaseDialect dialect, ConnectorConfiguration config) throws SQLException {
    Connection c = DriverManager.getConnection(dialect.jdbcUrl(config), dialect.connectionProperties(config));
    try {
      dialect.prepareSession(c);
      return c;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }
}
