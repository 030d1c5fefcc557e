package io.beamconnectors.sources.oracle;

import io.beamconnectors.sources.ConfigurableField;
import io.beamconnectors.sources.ConfigurableField.Type;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.ConfigurationSpec;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.database.DatabaseConnector;
import io.beamconnectors.sources.database.DatabaseDialect;
import java.util.List;

/**
 * Oracle ({@code oracle}): every table of the connecting user's schema (or the configured tables),
 * one document per row, through the thin JDBC driver (no Oracle client). Fields, ids and defaults
 * follow the reference; {@code oracle_connect_by} chooses whether {@code database} is a SID (the
 * reference's only way) or a service name. The change token is per row (the engine fingerprints the
 * row's exact values), not the reference's per-table SCN time.
 */
public final class OracleConnector extends DatabaseConnector {
  private static final long serialVersionUID = 1L;

  public static final String ORACLE_PROTOCOL = "oracle_protocol";
  public static final String ORACLE_HOME = "oracle_home";
  public static final String WALLET_CONFIGURATION_PATH = "wallet_configuration_path";
  public static final String CONNECT_BY = "oracle_connect_by";

  public static final String PROTOCOL_TCP = "TCP";
  public static final String PROTOCOL_TCPS = "TCPS";
  public static final String CONNECT_BY_SID = "SID";
  public static final String CONNECT_BY_SERVICE_NAME = "SERVICE_NAME";

  private static final ConfigurationSpec SPEC = baseSpec().with(
      ConfigurableField.of(ORACLE_PROTOCOL, Type.STR).withLabel("Oracle connection protocol").withDefault(PROTOCOL_TCP)
          .withOrder(9).withTooltip("TCP, or TCPS for a TLS connection"),
      ConfigurableField.of(ORACLE_HOME, Type.STR).withLabel("Path to Oracle Home").withDefault("").withOrder(10)
          .asOptional().withTooltip("Only locates the wallet (<oracle_home>/network/admin) for TCPS:"
              + " the thin driver needs no Oracle client"),
      ConfigurableField.of(WALLET_CONFIGURATION_PATH, Type.STR).withLabel("Path to SSL Wallet configuration files")
          .withDefault("").withOrder(11).asOptional()
          .withTooltip("Directory holding the auto-login wallet (cwallet.sso) for TCPS"),
      ConfigurableField.of(CONNECT_BY, Type.STR).withLabel("Connect by").withDefault(CONNECT_BY_SID)
          .withOrder(12).asOptional().asAdvanced()
          .withTooltip("SID: 'database' is the SID (as the reference); SERVICE_NAME: 'database' is a service name"));

  @Override
  public String serviceType() {
    return "oracle";
  }

  @Override
  public ConfigurationSpec configurationSpec() {
    return SPEC;
  }

  /**
   * Oracle's checks: a host that is only a host, a SID or service name that cannot
   * add to the connect descriptor, a known protocol, and no plain {@code sys} logon.
   */
  @Override
  protected void checkFields(ConnectorConfiguration config, List<String> problems) {
    check(problems, () -> OracleDialect.descriptorHost(config.getString(HOST)));
    check(problems, () -> OracleDialect.protocol(config.getString(ORACLE_PROTOCOL)));
    check(problems, () -> OracleDialect.logon(config.getString(USERNAME)));
    try {
      boolean serviceName = OracleDialect.byServiceName(config.getString(CONNECT_BY));
      check(problems, () -> OracleDialect.connectData(config.getString(DATABASE), serviceName));
    } catch (ConfigurationException e) {
      problems.addAll(e.problems());
    }
    for (String field : List.of(ORACLE_HOME, WALLET_CONFIGURATION_PATH)) {
      String path = config.getString(field);
      if (path != null && path.chars().anyMatch(ch -> ch == '(' || ch == ')' || ch == '=' || Character.isISOControl(ch))) {
        problems.add("'" + config.spec().field(field).map(ConfigurableField::label).orElse(field) + "' (" + field
            + ") cannot contain '(', ')', '=' or control characters: got '" + path + "'");
      }
    }
  }

  @Override
  protected DatabaseDialect dialect() {
    return new OracleDialect();
  }
}
