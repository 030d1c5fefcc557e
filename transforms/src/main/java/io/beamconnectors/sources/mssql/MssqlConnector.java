package io.beamconnectors.sources.mssql;

import io.beamconnectors.sources.ConfigurableField;
import io.beamconnectors.sources.ConfigurableField.Type;
import io.beamconnectors.sources.ConfigurationSpec;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.database.DatabaseConnector;
import io.beamconnectors.sources.database.DatabaseDialect;
import java.util.List;

/**
 * Microsoft SQL Server ({@code mssql}): every table of the configured schema (or the configured
 * tables), one document per row, through mssql-jdbc (which replaces the reference's ODBC driver:
 * {@code mssql_driver} is accepted and ignored). Fields, ids and defaults follow the reference; the
 * change token is per row, not the reference's per-table {@code last_user_update}.
 */
public final class MssqlConnector extends DatabaseConnector {
  private static final long serialVersionUID = 1L;

  public static final String MSSQL_DRIVER = "mssql_driver";
  public static final String SECURED_CONNECTION = "secured_connection";
  public static final String SCHEMA = "schema";
  public static final String SSL_ENABLED = "ssl_enabled";
  public static final String SSL_CA = "ssl_ca";
  public static final String VALIDATE_HOST = "validate_host";

  private static final ConfigurationSpec SPEC = baseSpec().with(
      ConfigurableField.of(SCHEMA, Type.STR).withLabel("Database schema").withDefault("dbo").withOrder(9),
      ConfigurableField.of(SSL_ENABLED, Type.BOOL).withLabel("Enable SSL verification").withDefault(false)
          .withOrder(10),
      ConfigurableField.of(SSL_CA, Type.STR).withLabel("SSL certificate").withOrder(11)
          .dependsOn(SSL_ENABLED, true).asOptional()
          .withTooltip("PEM text of the CA that signed the server's certificate; empty: the JVM's trust store"),
      ConfigurableField.of(VALIDATE_HOST, Type.BOOL).withLabel("Validate host").withDefault(false).withOrder(12),
      ConfigurableField.of(SECURED_CONNECTION, Type.BOOL).withLabel("Secured connection").withDefault(false)
          .withOrder(13).asOptional().asAdvanced()
          .withTooltip("Older name of ssl_enabled (TLS verified against the JVM's trust store)"),
      ConfigurableField.of(MSSQL_DRIVER, Type.STR).withLabel("Microsoft ODBC Driver for SQL Server")
          .withDefault("ODBC Driver 18 for SQL Server").withOrder(14).asOptional().asAdvanced()
          .withTooltip("Kept for compatibility and ignored: the JDBC driver (mssql-jdbc) replaces ODBC"));

  @Override
  public String serviceType() {
    return "mssql";
  }

  @Override
  public ConfigurationSpec configurationSpec() {
    return SPEC;
  }

  /** A host that is only a host, a database and schema that are names, a CA that parses. */
  @Override
  protected void checkFields(ConnectorConfiguration config, List<String> problems) {
    check(problems, () -> MssqlDialect.host(config.getString(HOST)));
    check(problems, () -> MssqlDialect.database(config.getString(DATABASE)));
    check(problems, () -> MssqlDialect.schema(config.getString(SCHEMA)));
    String ca = config.getString(SSL_CA);
    if (config.getBoolean(SSL_ENABLED) && ca != null && !ca.isBlank()) {
      checkCa(problems, () -> MssqlTrustManager.chainTrustManager(MssqlTrustManager.pemLines(ca)));
    }
  }

  @Override
  protected DatabaseDialect dialect() {
    return new MssqlDialect();
  }
}
