package io.beamconnectors.sources.postgresql;

import io.beamconnectors.sources.ConfigurableField;
import io.beamconnectors.sources.ConfigurableField.Type;
import io.beamconnectors.sources.ConfigurationSpec;
import io.beamconnectors.sources.ConnectorConfiguration;
import java.util.List;
import io.beamconnectors.sources.database.DatabaseConnector;
import io.beamconnectors.sources.database.DatabaseDialect;

/**
 * PostgreSQL ({@code postgresql}): every table of every non-system schema (or the configured
 * tables), one document per row. Fields, ids and defaults follow the reference; the change token
 * is per row (a hash of its values), so one changed row re-indexes one document.
 */
public final class PostgresqlConnector extends DatabaseConnector {
  private static final long serialVersionUID = 1L;

  public static final String SSL_ENABLED = "ssl_enabled";
  public static final String SSL_CA = "ssl_ca";

  private static final ConfigurationSpec SPEC = baseSpec().with(
      ConfigurableField.of(SSL_ENABLED, Type.BOOL).withLabel("Enable SSL verification").withDefault(false)
          .withOrder(9),
      ConfigurableField.of(SSL_CA, Type.STR).withLabel("SSL certificate").withOrder(10)
          .dependsOn(SSL_ENABLED, true)
          .withTooltip("PEM text of the CA that signed the server's certificate"));

  @Override
  public String serviceType() {
    return "postgresql";
  }

  @Override
  public ConfigurationSpec configurationSpec() {
    return SPEC;
  }

  /**
   * What PostgreSQL checks: a host that is only a host, a database name that cannot smuggle URL
   * parameters, and, with TLS on, a CA that parses (never a silent fallback to unverified TLS).
   */
  @Override
  protected void checkFields(ConnectorConfiguration config, List<String> problems) {
    check(problems, () -> PostgresqlDialect.urlHost(config.getString(HOST)));
    check(problems, () -> PostgresqlDialect.urlDatabase(config.getString(DATABASE)));
    String ca = config.getString(SSL_CA);
    if (config.getBoolean(SSL_ENABLED) && ca != null && !ca.isBlank()) {
      checkCa(problems, () -> PemCaSslSocketFactory.trustManagers(ca));
    }
  }

  @Override
  protected DatabaseDialect dialect() {
    return new PostgresqlDialect();
  }
}
