package io.beamconnectors.sources.oracle;

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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Oracle SQL and connection details for the thin driver (ojdbc11, no Oracle client): a connect
 * descriptor whose parts are validated (no descriptor injection through host or database), SID or
 * service name, TCP or TCPS with a wallet directory, {@code AS SYSDBA}/{@code AS SYSOPER} logons,
 * the tables of the connecting user's schema, identifiers quoted by the driver, a session pinned to
 * UTC and American NLS settings, and exact values ({@link OracleValues}).
 */
final class OracleDialect extends ExpandedKeysetDialect {
  private static final long serialVersionUID = 1L;

  /** An Oracle SID: a letter, then letters, digits, _, $ or #. */
  static final Pattern SID = Pattern.compile("[A-Za-z][A-Za-z0-9_$#]{0,63}");
  /** A service name: a database name with an optional domain (letters, digits, _, $, #, '.', '-'). */
  static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_$#.-]{0,127}");
  /** {@code <user> AS SYSDBA} or {@code <user> AS SYSOPER}, as SQL*Plus writes a privileged logon. */
  static final Pattern PRIVILEGED_LOGON = Pattern.compile("(?i)\\s*(\\S+)\\s+as\\s+(sysdba|sysoper)\\s*");

  static final int CONNECT_TIMEOUT_MILLIS = 30_000;
  /** How long one read from the server (a fetch of fetch_size rows) may take before the connection is dropped. */
  static final int READ_TIMEOUT_MILLIS = 900_000;

  /** The settings every value read depends on: UTC for {@code TIMESTAMP WITH LOCAL TIME ZONE}, fixed NLS, binary text order. */
  static final List<String> SESSION_SETTINGS = List.of(
      "ALTER SESSION SET TIME_ZONE = '+00:00'",
      "ALTER SESSION SET NLS_LANGUAGE = 'AMERICAN' NLS_TERRITORY = 'AMERICA' NLS_NUMERIC_CHARACTERS = '.,'",
      // Binary order for ORDER BY and comparisons alike, so chunk boundaries and chunk predicates
      // agree (a column's own declared collation still decides for that column, in both).
      "ALTER SESSION SET NLS_SORT = 'BINARY' NLS_COMP = 'BINARY'",
      "ALTER SESSION SET NLS_DATE_FORMAT = 'YYYY-MM-DD HH24:MI:SS'",
      "ALTER SESSION SET NLS_TIMESTAMP_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF9'",
      "ALTER SESSION SET NLS_TIMESTAMP_TZ_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'");

  /** ORA- codes worth another attempt: lost or refused connections, an instance starting or stopping. */
  static final Set<Integer> TRANSIENT_ERRORS = Set.of(
      1033, 1034, 1089, 1090, 3113, 3114, 3135, 12150, 12152, 12153, 12170, 12500, 12514, 12516, 12519,
      12520, 12521, 12528, 12537, 12541, 12547, 12571, 17002, 17008, 17410);

  /** The logon: the user name and, for {@code AS SYSDBA}/{@code AS SYSOPER}, the privilege ("" otherwise). */
  record Logon(String user, String privilege) {}

  static Logon logon(String username) {
    String u = username == null ? "" : username;
    Matcher m = PRIVILEGED_LOGON.matcher(u);
    if (m.matches()) {
      return new Logon(m.group(1), m.group(2).toLowerCase(Locale.ROOT));
    }
    String plain = u.trim();
    if (plain.isEmpty()) {
      throw new ConfigurationException("'Username' (username) cannot be empty: set the Oracle user");
    }
    if (plain.equalsIgnoreCase("sys")) {
      throw new ConfigurationException("'Username' (username) is the sys user, which is only allowed with a"
          + " privileged logon (its schema holds the data dictionary): write 'sys as sysdba' or 'sys as sysoper',"
          + " or better use the user that owns the tables to sync");
    }
    if (plain.chars().anyMatch(Character::isWhitespace)) {
      throw new ConfigurationException("'Username' (username) must be one user name, optionally followed by"
          + " 'as sysdba' or 'as sysoper': got '" + plain + "'");
    }
    return new Logon(plain, "");
  }

  static String descriptorHost(String host) {
    return DatabaseHost.parse(host, false, "port, protocol or descriptor").address();
  }

  static String protocol(String value) {
    String p = value == null || value.isBlank() ? OracleConnector.PROTOCOL_TCP : value.trim().toUpperCase(Locale.ROOT);
    if (!p.equals(OracleConnector.PROTOCOL_TCP) && !p.equals(OracleConnector.PROTOCOL_TCPS)) {
      throw new ConfigurationException("'Oracle connection protocol' (oracle_protocol) must be TCP or TCPS: got '"
          + value + "'");
    }
    return p;
  }

  static boolean byServiceName(String value) {
    String v = value == null || value.isBlank() ? OracleConnector.CONNECT_BY_SID : value.trim().toUpperCase(Locale.ROOT);
    if (v.equals(OracleConnector.CONNECT_BY_SID)) {
      return false;
    }
    if (v.equals(OracleConnector.CONNECT_BY_SERVICE_NAME)) {
      return true;
    }
    throw new ConfigurationException("'Connect by' (oracle_connect_by) must be SID or SERVICE_NAME: got '" + value + "'");
  }

  /** The CONNECT_DATA entry: {@code (SID=<database>)} or {@code (SERVICE_NAME=<database>)}. */
  static String connectData(String database, boolean serviceName) {
    String d = database == null ? "" : database.trim();
    if (serviceName) {
      if (!SERVICE_NAME.matcher(d).matches()) {
        throw new ConfigurationException("'Database' (database) must be an Oracle service name (letters, digits,"
            + " _ $ # . -) when 'Connect by' (oracle_connect_by) is SERVICE_NAME: got '" + database + "'");
      }
      return "(SERVICE_NAME=" + d + ")";
    }
    if (!SID.matcher(d).matches()) {
      throw new ConfigurationException("'Database' (database) must be an Oracle SID (a letter, then letters, digits,"
          + " _ $ #): got '" + database + "'; set 'Connect by' (oracle_connect_by) to SERVICE_NAME for a service name");
    }
    return "(SID=" + d + ")";
  }

  /**
   * The wallet directory for TCPS: {@code wallet_configuration_path}, else
   * {@code <oracle_home>/network/admin} (the reference's default location), else none (the JVM's
   * trust store).
   */
  static String walletDirectory(ConnectorConfiguration config) {
    String wallet = config.getString(OracleConnector.WALLET_CONFIGURATION_PATH);
    if (wallet != null && !wallet.isBlank()) {
      return wallet.trim();
    }
    String home = config.getString(OracleConnector.ORACLE_HOME);
    if (home != null && !home.isBlank()) {
      return Path.of(home.trim(), "network", "admin").toString();
    }
    return null;
  }

  @Override
  public String jdbcUrl(ConnectorConfiguration config) {
    return "jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=" + protocol(config.getString(OracleConnector.ORACLE_PROTOCOL))
        + ")(HOST=" + descriptorHost(config.getString(DatabaseConnector.HOST)) + ")(PORT="
        + config.getLong(DatabaseConnector.PORT) + "))(CONNECT_DATA=" + connectData(
            config.getString(DatabaseConnector.DATABASE), byServiceName(config.getString(OracleConnector.CONNECT_BY)))
        + "))";
  }

  @Override
  public Properties connectionProperties(ConnectorConfiguration config) {
    Logon logon = logon(config.getString(DatabaseConnector.USERNAME));
    OracleDriverLocale.initializeDriverClasses();
    Properties p = JdbcConnections.credentials(logon.user(), config);
    if (!logon.privilege().isEmpty()) {
      p.setProperty("internal_logon", logon.privilege());
    }
    p.setProperty("v$session.program", "beam-connectors");
    p.setProperty("oracle.net.CONNECT_TIMEOUT", Integer.toString(CONNECT_TIMEOUT_MILLIS));
    p.setProperty("oracle.jdbc.ReadTimeout", Integer.toString(READ_TIMEOUT_MILLIS));
    // The session's time zone as an offset, whatever the JVM's zone (prepareSession sets UTC).
    p.setProperty("oracle.jdbc.timezoneAsRegion", "false");
    if (protocol(config.getString(OracleConnector.ORACLE_PROTOCOL)).equals(OracleConnector.PROTOCOL_TCPS)) {
      p.setProperty("oracle.net.ssl_server_dn_match", "true");
      String wallet = walletDirectory(config);
      if (wallet != null) {
        // The thin driver reads an auto-login wallet (cwallet.sso) from this directory: no Oracle client.
        p.setProperty("oracle.net.wallet_location", "(SOURCE=(METHOD=FILE)(METHOD_DATA=(DIRECTORY=" + wallet + ")))");
      }
    }
    return p;
  }

  @Override
  public List<String> sessionSettings() {
    return SESSION_SETTINGS;
  }

  /** No schema level, as in the reference: the tables of the connecting user's schema. */
  @Override
  public List<String> schemas(Connection connection, ConnectorConfiguration config) {
    return List.of("");
  }

  static final String CURRENT_SCHEMA_SQL = "SELECT SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') FROM DUAL";

  /** The schema the tables are read from, as the server names it: the connecting user's. */
  @Override
  public String searchedSchemas(Connection c, List<String> schemas) throws SQLException {
    List<String> current = CatalogQueries.firstColumn(c, CURRENT_SCHEMA_SQL);
    if (current.isEmpty() || current.get(0) == null) {
      throw new SQLException("the server did not name the current schema (" + CURRENT_SCHEMA_SQL + ")");
    }
    return "schema searched: " + current.get(0) + ", the connecting user's";
  }

  /**
   * Tables of the current schema (the connecting user's), without dropped (recycle bin), nested,
   * secondary, temporary and IOT overflow tables. A table's owner always sees it, so a revoked
   * privilege cannot make it look deleted.
   */
  static final String TABLES_SQL = "SELECT TABLE_NAME FROM ALL_TABLES"
      + " WHERE OWNER = SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') AND DROPPED = 'NO' AND NESTED = 'NO'"
      + " AND SECONDARY = 'N' AND TEMPORARY = 'N' AND (IOT_TYPE IS NULL OR IOT_TYPE = 'IOT')"
      + " ORDER BY TABLE_NAME";

  static final String PRIMARY_KEY_SQL = "SELECT cc.COLUMN_NAME FROM ALL_CONSTRAINTS c"
      + " JOIN ALL_CONS_COLUMNS cc ON cc.OWNER = c.OWNER AND cc.CONSTRAINT_NAME = c.CONSTRAINT_NAME"
      + " AND cc.TABLE_NAME = c.TABLE_NAME"
      + " WHERE c.CONSTRAINT_TYPE = 'P' AND c.OWNER = SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') AND c.TABLE_NAME = ?"
      + " ORDER BY cc.POSITION";

  static final String COLUMNS_SQL = "SELECT COLUMN_NAME, DATA_TYPE FROM ALL_TAB_COLUMNS"
      + " WHERE OWNER = SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') AND TABLE_NAME = ? ORDER BY COLUMN_ID";

  @Override
  public List<ListedTable> tables(Connection c, ConnectorConfiguration config, String schema) throws SQLException {
    List<ListedTable> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(TABLES_SQL); ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        out.add(new ListedTable(new TableRef("", rs.getString(1)), "TABLE", List.of()));
      }
    }
    return out;
  }

  @Override
  public List<String> primaryKey(Connection c, TableRef table) throws SQLException {
    return CatalogQueries.firstColumn(c, PRIMARY_KEY_SQL, table.name());
  }

  /**
   * Without a connection: {@code SELECT *} with the name in double quotes (an Oracle identifier
   * cannot contain one). The reader uses {@link #selectAll(Connection, ListedTable)}.
   */
  @Override
  public String selectAll(ListedTable table) {
    String name = table.table().name();
    if (name.indexOf('"') >= 0 || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("table name " + name + " contains a double quote or NUL");
    }
    return "SELECT * FROM \"" + name + "\"";
  }

  /**
   * {@code SELECT} of the table's columns in order, quoted by the driver, with {@code XMLTYPE} and
   * {@code JSON} columns serialized to text by the server (the thin driver alone cannot read
   * XMLTYPE objects).
   */
  @Override
  public String selectAll(Connection c, ListedTable table) throws SQLException {
    List<String[]> columns = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(COLUMNS_SQL)) {
      s.setString(1, table.table().name());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          columns.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
    }
    try (Statement s = c.createStatement()) {
      return selectSql(s, table.table().name(), columns);
    }
  }

  /** The query text for {@code columns} ({name, DATA_TYPE}); {@code SELECT *} when there are none listed. */
  static String selectSql(Statement quoter, String tableName, List<String[]> columns) throws SQLException {
    String from = " FROM " + quote(quoter, tableName);
    if (columns.isEmpty()) {
      return "SELECT *" + from;
    }
    StringBuilder sb = new StringBuilder("SELECT ");
    for (int i = 0; i < columns.size(); i++) {
      String q = quote(quoter, columns.get(i)[0]);
      String type = columns.get(i)[1] == null ? "" : columns.get(i)[1];
      if (i > 0) {
        sb.append(", ");
      }
      if (type.equals("XMLTYPE")) {
        sb.append("XMLSERIALIZE(CONTENT ").append(q).append(" AS CLOB) AS ").append(q);
      } else if (type.equals("JSON")) {
        sb.append("JSON_SERIALIZE(").append(q).append(" RETURNING CLOB) AS ").append(q);
      } else {
        sb.append(q);
      }
    }
    return sb.append(from).toString();
  }

  static final String KEY_TYPES_SQL = "SELECT COLUMN_NAME, DATA_TYPE FROM ALL_TAB_COLUMNS"
      + " WHERE OWNER = SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') AND TABLE_NAME = ?";

  /** A {@code TIMESTAMP(n)} without zone, as ALL_TAB_COLUMNS names it. */
  private static final Pattern PLAIN_TIMESTAMP = Pattern.compile("TIMESTAMP\\(\\d\\)");

  /**
   * How a key column of type {@code dataType} (ALL_TAB_COLUMNS.DATA_TYPE) is bound in its own
   * type, or empty for the types a table is not split by (time zones, floats, intervals, ROWID...:
   * such a table is read as one chunk).
   */
  @Override
  public Optional<KeyBinding> keyBinding(String dataType) {
    String t = dataType == null ? "" : dataType;
    switch (t) {
      case "NUMBER":
      case "FLOAT":
        return Optional.of(KeyBinding.DECIMAL);
      case "VARCHAR2":
      case "CHAR":
        return Optional.of(KeyBinding.TEXT);
      case "NVARCHAR2":
      case "NCHAR":
        return Optional.of(KeyBinding.NATIONAL_TEXT);
      case "DATE":
        return Optional.of(KeyBinding.DATE_TIME);
      case "RAW":
        return Optional.of(KeyBinding.BYTES);
      default:
        return PLAIN_TIMESTAMP.matcher(t).matches() ? Optional.of(KeyBinding.DATE_TIME) : Optional.empty();
    }
  }

  /**
   * A DATE key is compared with {@code CAST(? AS DATE)} (the value is bound as a TIMESTAMP, and
   * comparing the column with a TIMESTAMP would convert the column and lose its index), every other
   * key with {@code ?}.
   */
  @Override
  public String keyParameter(String dataType) {
    return "DATE".equals(dataType) ? "CAST(? AS DATE)" : "?";
  }

  /** ALL_TAB_COLUMNS.DATA_TYPE by column, in the connecting user's schema. */
  @Override
  protected Map<String, String> columnTypes(Connection c, TableRef table) throws SQLException {
    return CatalogQueries.byFirstColumn(c, KEY_TYPES_SQL, row -> row.getString(2), table.name());
  }

  @Override
  protected String quoted(Statement quoter, String identifier) throws SQLException {
    return quote(quoter, identifier);
  }

  @Override
  protected String from(Statement quoter, TableRef table) throws SQLException {
    return quote(quoter, table.name());
  }

  /**
   * Oracle's spelling: a derived table without {@code AS}, {@code MOD}. Oracle orders the key with
   * the session's NLS_SORT, pinned to BINARY, or a column's declared collation, the same that the
   * chunk predicates compare with.
   */
  @Override
  protected String boundariesQuery(List<String> quotedKey, String from) {
    return ChunkBoundaries.query(quotedKey, from, "numbered", "MOD(bc_row - 1, ?)");
  }

  static String quote(Statement quoter, String identifier) throws SQLException {
    if (identifier.indexOf('"') >= 0 || identifier.indexOf('\0') >= 0) {
      throw new SQLException("identifier " + identifier + " contains a double quote or NUL and cannot be quoted");
    }
    return quoter.enquoteIdentifier(identifier, true);
  }

  @Override
  public ColumnValue value(ResultSet row, int column, String typeName) throws SQLException {
    String type = typeName == null ? "" : typeName.toUpperCase(Locale.ROOT);
    switch (type) {
      case "NUMBER":
      case "FLOAT": {
        ResultSetMetaData md = row.getMetaData();
        return OracleValues.number(row.getBigDecimal(column), md.getPrecision(column), md.getScale(column));
      }
      case "BINARY_FLOAT": {
        float f = row.getFloat(column);
        return OracleValues.binaryFloat(f, row.wasNull());
      }
      case "BINARY_DOUBLE": {
        double d = row.getDouble(column);
        return OracleValues.binaryDouble(d, row.wasNull());
      }
      case "BOOLEAN": {
        boolean b = row.getBoolean(column);
        return OracleValues.bool(b, row.wasNull());
      }
      case "DATE":
      case "TIMESTAMP":
        return DateTimeValues.dateTime(row.getObject(column, LocalDateTime.class));
      case "TIMESTAMP WITH TIME ZONE":
        return DateTimeValues.offsetDateTime(row.getObject(column, OffsetDateTime.class));
      case "TIMESTAMP WITH LOCAL TIME ZONE":
        // Read in the session's time zone, which prepareSession pins to UTC.
        return DateTimeValues.utcDateTime(row.getObject(column, LocalDateTime.class));
      case "RAW":
      case "LONG RAW":
      case "BLOB":
        return LobValues.bytes(row.getBinaryStream(column), LobValues.CAP_BYTES, OracleValues::hex);
      case "CLOB":
      case "NCLOB":
      case "LONG":
        return LobValues.text(row.getCharacterStream(column), LobValues.CAP_BYTES);
      default: {
        // CHAR, VARCHAR2, NCHAR, NVARCHAR2, ROWID, INTERVALYM (+01-02), INTERVALDS (+03 04:05:06.500000).
        String text = row.getString(column);
        return text == null ? ColumnValue.sqlNull() : ColumnValue.text(text);
      }
    }
  }

  @Override
  public boolean isTransient(SQLException e) {
    return e instanceof SQLRecoverableException
        || e instanceof SQLTransientException
        || TRANSIENT_ERRORS.contains(e.getErrorCode())
        || (e.getSQLState() != null && e.getSQLState().startsWith("08"));
  }

  @Override
  public String pingQuery() {
    return "SELECT 1 FROM DUAL";
  }
}
