package io.beamconnectors.sources.mssql;

import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.database.CatalogQueries;
import io.beamconnectors.sources.database.ColumnValue;
import io.beamconnectors.sources.database.DatabaseConnector;
import io.beamconnectors.sources.database.ChunkBoundaries;
import io.beamconnectors.sources.database.DatabaseHost;
import io.beamconnectors.sources.database.DateTimeValues;
import io.beamconnectors.sources.database.ExpandedKeysetDialect;
import io.beamconnectors.sources.database.KeyBinding;
import io.beamconnectors.sources.database.JdbcConnections;
import io.beamconnectors.sources.database.ListedTable;
import io.beamconnectors.sources.database.LobValues;
import io.beamconnectors.sources.database.TableRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * SQL Server SQL and connection details for mssql-jdbc: server, port and database passed as
 * driver properties (never spliced into the URL), TLS with {@link MssqlTrustManager}, a server
 * cursor ({@code selectMethod=cursor}) so a table is fetched {@code fetch_size} rows at a time,
 * catalog queries on {@code sys.*}, identifiers quoted by the driver, and exact values
 * ({@link MssqlValues}).
 */
final class MssqlDialect extends ExpandedKeysetDialect {
  private static final long serialVersionUID = 1L;


  static final int LOGIN_TIMEOUT_SECONDS = 30;
  static final int SOCKET_TIMEOUT_MILLIS = 900_000;
  static final int LOCK_TIMEOUT_MILLIS = 30_000;

  /** Tables the reference skipped ({@code tables_to_skip}), by database. */
  static final Map<String, Set<String>> TABLES_TO_SKIP = Map.of("msdb", Set.of("sysutility_ucp_configuration_internal"));

  /**
   * Error numbers worth another attempt: deadlock victim (1205), Azure SQL's transient errors
   * (40197, 40501, 40613, 49918-49920, 4221, 10928, 10929), lost connections (233, 64, 10053,
   * 10054, 10060).
   */
  static final Set<Integer> TRANSIENT_ERRORS = Set.of(
      1205, 40197, 40501, 40613, 49918, 49919, 49920, 4221, 10928, 10929, 233, 64, 10053, 10054, 10060);

  static String host(String host) {
    return DatabaseHost.parse(host, false, "port, instance name or parameters").address();
  }

  static String database(String database) {
    if (database == null || database.isBlank()) {
      throw new ConfigurationException("'Database' (database) cannot be empty: set the database name");
    }
    if (database.length() > 128 || database.chars().anyMatch(Character::isISOControl)) {
      throw new ConfigurationException("'Database' (database) must be a SQL Server database name"
          + " (at most 128 characters, no control characters): got '" + database + "'");
    }
    return database;
  }

  static String schema(String schema) {
    if (schema == null || schema.isBlank()) {
      throw new ConfigurationException("'Database schema' (schema) cannot be empty: set the schema to sync, e.g. dbo");
    }
    return schema;
  }

  /** Whether the connection is encrypted: {@code ssl_enabled} or the older {@code secured_connection}. */
  static boolean encrypted(ConnectorConfiguration config) {
    return config.getBoolean(MssqlConnector.SSL_ENABLED) || config.getBoolean(MssqlConnector.SECURED_CONNECTION);
  }

  /** The URL names only the driver: every configured part is a driver property, so none can add parameters. */
  @Override
  public String jdbcUrl(ConnectorConfiguration config) {
    host(config.getString(DatabaseConnector.HOST));
    database(config.getString(DatabaseConnector.DATABASE));
    return "jdbc:sqlserver://";
  }

  @Override
  public Properties connectionProperties(ConnectorConfiguration config) {
    Properties p = JdbcConnections.credentials(config.getString(DatabaseConnector.USERNAME), config);
    String host = host(config.getString(DatabaseConnector.HOST));
    p.setProperty("serverName", host);
    p.setProperty("portNumber", Long.toString(config.getLong(DatabaseConnector.PORT)));
    p.setProperty("databaseName", database(config.getString(DatabaseConnector.DATABASE)));
    p.setProperty("applicationName", "beam-connectors");
    p.setProperty("loginTimeout", Integer.toString(LOGIN_TIMEOUT_SECONDS));
    p.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_MILLIS));
    p.setProperty("lockTimeout", Integer.toString(LOCK_TIMEOUT_MILLIS));
    // A server cursor: each fetch brings fetch_size rows, a table is never held in memory.
    p.setProperty("selectMethod", "cursor");
    p.setProperty("responseBuffering", "adaptive");
    if (encrypted(config)) {
      String ca = config.getBoolean(MssqlConnector.SSL_ENABLED) ? config.getString(MssqlConnector.SSL_CA) : null;
      p.setProperty("encrypt", "true");
      p.setProperty("trustServerCertificate", "false");
      p.setProperty("trustManagerClass", MssqlTrustManager.class.getName());
      p.setProperty("trustManagerConstructorArg",
          MssqlTrustManager.argument(host, config.getBoolean(MssqlConnector.VALIDATE_HOST), ca));
    } else {
      p.setProperty("encrypt", "false");
    }
    return p;
  }

  @Override
  public List<String> sessionSettings() {
    return List.of("SET LOCK_TIMEOUT " + LOCK_TIMEOUT_MILLIS);
  }

  /** The configured schema ({@code dbo} by default), as the reference. */
  @Override
  public List<String> schemas(Connection connection, ConnectorConfiguration config) {
    return List.of(schema(config.getString(MssqlConnector.SCHEMA)));
  }

  static final String TABLES_SQL = "SELECT o.name, o.type FROM sys.objects o"
      + " JOIN sys.schemas s ON s.schema_id = o.schema_id"
      + " WHERE s.name = ? AND o.type IN ('U', 'V') AND o.is_ms_shipped = 0 ORDER BY o.name";

  static final String PRIMARY_KEY_SQL = "SELECT c.name FROM sys.key_constraints k"
      + " JOIN sys.objects o ON o.object_id = k.parent_object_id"
      + " JOIN sys.schemas s ON s.schema_id = o.schema_id"
      + " JOIN sys.index_columns ic ON ic.object_id = k.parent_object_id AND ic.index_id = k.unique_index_id"
      + " JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id"
      + " WHERE k.type = 'PK' AND s.name = ? AND o.name = ? ORDER BY ic.key_ordinal";

  @Override
  public List<ListedTable> tables(Connection c, ConnectorConfiguration config, String schema) throws SQLException {
    Set<String> skip = TABLES_TO_SKIP.getOrDefault(config.getString(DatabaseConnector.DATABASE).toLowerCase(Locale.ROOT), Set.of());
    List<ListedTable> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(TABLES_SQL)) {
      s.setString(1, schema);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          if (!skip.contains(rs.getString(1))) {
            out.add(new ListedTable(new TableRef(schema, rs.getString(1)), rs.getString(2).trim(), List.of()));
          }
        }
      }
    }
    return out;
  }

  @Override
  public List<String> primaryKey(Connection c, TableRef table) throws SQLException {
    return CatalogQueries.firstColumn(c, PRIMARY_KEY_SQL, table.schema(), table.name());
  }

  /**
   * Without a connection: bracket quoting, SQL Server's own ({@code ]} doubled). The reader uses
   * {@link #selectAll(Connection, ListedTable)}.
   */
  @Override
  public String selectAll(ListedTable table) {
    return "SELECT * FROM " + bracket(table.table().schema()) + "." + bracket(table.table().name());
  }

  private static String bracket(String identifier) {
    return "[" + identifier.replace("]", "]]") + "]";
  }

  /** {@code SELECT * FROM "schema"."table"}, quoted by the driver (QUOTED_IDENTIFIER is on in JDBC sessions). */
  @Override
  public String selectAll(Connection c, ListedTable table) throws SQLException {
    try (Statement s = c.createStatement()) {
      return selectSql(s, table.table());
    }
  }

  static String selectSql(Statement quoter, TableRef table) throws SQLException {
    return "SELECT * FROM " + quote(quoter, table.schema()) + "." + quote(quoter, table.name());
  }

  static final String KEY_TYPES_SQL = "SELECT c.name, TYPE_NAME(c.system_type_id), c.max_length, c.precision, c.scale"
      + " FROM sys.columns c JOIN sys.objects o ON o.object_id = c.object_id"
      + " JOIN sys.schemas s ON s.schema_id = o.schema_id WHERE s.name = ? AND o.name = ?";

  /**
   * A column's type as a CAST target, from sys.columns ({@code max_length} in bytes, -1 for
   * {@code max}): {@code nvarchar(40)}, {@code decimal(10,2)}, {@code datetime2(7)}, {@code int}.
   */
  static String declaredType(String baseType, int maxLength, int precision, int scale) {
    String t = baseType.toLowerCase(Locale.ROOT);
    switch (t) {
      case "char":
      case "varchar":
      case "binary":
      case "varbinary":
        return t + "(" + (maxLength == -1 ? "max" : Integer.toString(maxLength)) + ")";
      case "nchar":
      case "nvarchar":
        return t + "(" + (maxLength == -1 ? "max" : Integer.toString(maxLength / 2)) + ")";
      case "decimal":
      case "numeric":
        return t + "(" + precision + "," + scale + ")";
      case "datetime2":
      case "time":
      case "datetimeoffset":
        return t + "(" + scale + ")";
      default:
        return t;
    }
  }

  /**
   * How a key column of {@code declaredType} is bound in its own type, or empty for the types a
   * table is not split by (bit, float, real, time, datetimeoffset, sql_variant...: such a table is
   * read as one chunk).
   */
  @Override
  public Optional<KeyBinding> keyBinding(String declaredType) {
    int paren = declaredType.indexOf('(');
    String base = paren < 0 ? declaredType : declaredType.substring(0, paren);
    switch (base) {
      case "tinyint":
      case "smallint":
      case "int":
      case "bigint":
        return Optional.of(KeyBinding.INTEGER);
      case "decimal":
      case "numeric":
      case "money":
      case "smallmoney":
        return Optional.of(KeyBinding.DECIMAL);
      case "char":
      case "varchar":
      case "nchar":
      case "nvarchar":
      case "uniqueidentifier":
        return Optional.of(KeyBinding.TEXT);
      case "date":
        return Optional.of(KeyBinding.DATE);
      case "datetime":
      case "datetime2":
      case "smalldatetime":
        return Optional.of(KeyBinding.DATE_TIME);
      case "binary":
      case "varbinary":
        return Optional.of(KeyBinding.BYTES);
      default:
        return Optional.empty();
    }
  }

  /**
   * {@code CAST(? AS <the key column's type>)}, so the column is compared in its own type and
   * collation (a varchar key compared with the driver's nvarchar parameter would be converted to
   * nvarchar, whose order differs under SQL collations, and lose its index).
   */
  @Override
  public String keyParameter(String declaredType) {
    return "CAST(? AS " + declaredType + ")";
  }

  /** Each column's declared type ({@link #declaredType}) from sys.columns. */
  @Override
  protected Map<String, String> columnTypes(Connection c, TableRef table) throws SQLException {
    return CatalogQueries.byFirstColumn(c, KEY_TYPES_SQL,
        row -> declaredType(row.getString(2), row.getInt(3), row.getInt(4), row.getInt(5)), table.schema(), table.name());
  }

  @Override
  protected String quoted(Statement quoter, String identifier) throws SQLException {
    return quote(quoter, identifier);
  }

  @Override
  protected String from(Statement quoter, TableRef table) throws SQLException {
    return quote(quoter, table.schema()) + "." + quote(quoter, table.name());
  }

  /** SQL Server's spelling: {@code AS numbered}, {@code %}. */
  @Override
  protected String boundariesQuery(List<String> quotedKey, String from) {
    return ChunkBoundaries.query(quotedKey, from, "AS numbered", "(bc_row - 1) % ?");
  }

  /**
   * The driver's quoting (the JDBC default: double quotes), refused for a name with a double
   * quote, which it would misread ({@code "a"} is taken as already quoted).
   */
  static String quote(Statement quoter, String identifier) throws SQLException {
    if (identifier.indexOf('"') >= 0 || identifier.indexOf('\0') >= 0) {
      throw new SQLException("identifier " + identifier + " contains a double quote or NUL, which JDBC quoting"
          + " cannot express: rename it to sync it");
    }
    return quoter.enquoteIdentifier(identifier, true);
  }

  @Override
  public ColumnValue value(ResultSet row, int column, String typeName) throws SQLException {
    String type = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
    if (type.endsWith(" identity")) {
      type = type.substring(0, type.length() - " identity".length());
    }
    switch (type) {
      case "tinyint":
      case "smallint":
      case "int":
      case "bigint": {
        long v = row.getLong(column);
        return MssqlValues.integer(v, row.wasNull());
      }
      case "bit": {
        boolean b = row.getBoolean(column);
        return MssqlValues.bit(b, row.wasNull());
      }
      case "decimal":
      case "numeric":
      case "money":
      case "smallmoney":
        return MssqlValues.decimal(row.getBigDecimal(column));
      case "real": {
        float f = row.getFloat(column);
        return MssqlValues.singlePrecision(f, row.wasNull());
      }
      case "float": {
        double d = row.getDouble(column);
        return MssqlValues.doublePrecision(d, row.wasNull());
      }
      case "date":
        return DateTimeValues.date(row.getObject(column, LocalDate.class));
      case "time":
        return DateTimeValues.time(row.getObject(column, LocalTime.class));
      case "datetime":
      case "datetime2":
      case "smalldatetime":
        return DateTimeValues.dateTime(row.getObject(column, LocalDateTime.class));
      case "datetimeoffset":
        return DateTimeValues.offsetDateTime(row.getObject(column, OffsetDateTime.class));
      case "uniqueidentifier":
        return MssqlValues.uuid(row.getString(column));
      case "binary":
      case "varbinary":
      case "image":
      case "timestamp": // rowversion
      case "hierarchyid":
      case "geometry":
      case "geography":
        return LobValues.bytes(row.getBinaryStream(column), LobValues.CAP_BYTES, MssqlValues::hex);
      case "char":
      case "varchar":
      case "nchar":
      case "nvarchar":
      case "text":
      case "ntext":
      case "xml":
        return LobValues.text(row.getCharacterStream(column), LobValues.CAP_BYTES);
      default: {
        String text = row.getString(column); // sql_variant and the rest: the driver's text
        return text == null ? ColumnValue.sqlNull() : ColumnValue.text(text);
      }
    }
  }

  @Override
  public boolean isTransient(SQLException e) {
    String state = e.getSQLState();
    return e instanceof SQLRecoverableException
        || e instanceof SQLTransientException
        || TRANSIENT_ERRORS.contains(e.getErrorCode())
        || (state != null && (state.startsWith("08") || state.equals("40001")));
  }
}
