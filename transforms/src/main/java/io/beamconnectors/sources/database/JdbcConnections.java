package io.beamconnectors.sources.database;

import io.beamconnectors.sources.ConnectorConfiguration;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens JDBC connections for a dialect, session pinned, through the driver {@link JdbcDrivers}
 * finds; the only place that puts the password into driver properties.
 */
public final class JdbcConnections {
  private JdbcConnections() {}

  /** Driver properties holding {@code user} and the configured password (none when it is not set). */
  public static Properties credentials(String user, ConnectorConfiguration config) {
    Properties p = new Properties();
    p.setProperty("user", user);
    String password = config.getString(DatabaseConnector.PASSWORD);
    if (password != null) {
      p.setProperty("password", password);
    }
    return p;
  }

  static Connection open(DatabaseDialect dialect, ConnectorConfiguration config) throws SQLException {
    Connection c = JdbcDrivers.connect(dialect.jdbcUrl(config), dialect.connectionProperties(config));
    try {
      dialect.prepareSession(c);
      return c;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }
}
