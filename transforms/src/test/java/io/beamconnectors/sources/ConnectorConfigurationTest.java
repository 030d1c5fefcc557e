package io.beamconnectors.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.sources.postgresql.PostgresqlConnector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectorConfigurationTest {

  @Test
  void aProblemOutsideTheConnectorConfigurationKeepsItsOwnWords() {
    ConfigurationException setting = ConfigurationException.ofSetting("Elasticsearch refused the content index 'x'");
    assertEquals("Elasticsearch refused the content index 'x'", setting.getMessage());
    assertEquals(List.of("Elasticsearch refused the content index 'x'"), setting.problems());
    assertTrue(new ConfigurationException("'Port' (port) must be a number").getMessage()
        .startsWith("Invalid connector configuration: "));
  }
  private final PostgresqlConnector pg = new PostgresqlConnector();

  @Test
  void defaultsFillOptionalFieldsAndStringsAreConverted() {
    ConnectorConfiguration c = pg.configuration(Map.of("port", "19432", "tables", "a, b ,", "ssl_enabled", "yes"));
    assertEquals(19432, c.getInt("port"));
    assertEquals(List.of("a", "b"), c.getList("tables"));
    assertTrue(c.getBoolean("ssl_enabled"));
    assertEquals(50, c.getInt("fetch_size"));
    assertEquals("127.0.0.1", c.getString("host"));
  }

  @Test
  void connectorDocumentFormIsAccepted() {
    ConnectorConfiguration c = pg.configuration(Map.of("host", Map.of("value", "db1", "label", "Host")));
    assertEquals("db1", c.getString("host"));
  }

  @Test
  void everyProblemIsReportedWithFieldAndFixAndNoSecret() {
    ConnectorConfiguration c = pg.configuration(Map.of(
        "port", "not-a-port", "host", "", "password", "s3cr3t-value", "fetch_size", "0", "colour", "blue"));
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> pg.validate(c));
    String m = e.getMessage();
    assertTrue(m.contains("'Port' (port) must be a whole number"), m);
    assertTrue(m.contains("'Rows fetched per request' (fetch_size) must be greater than 0"), m);
    assertTrue(m.contains("'colour' is not a field of this connector"), m);
    assertEquals(3, e.problems().size(), e.problems().toString());
    assertFalse(m.contains("s3cr3t-value"));
  }

  @Test
  void requiredEmptyFieldWithoutDefaultIsNamed() {
    ConnectorConfiguration c = pg.configuration(Map.of("ssl_enabled", true, "ssl_ca", ""));
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> pg.validate(c));
    assertTrue(e.getMessage().contains("'SSL certificate' (ssl_ca) cannot be empty"), e.getMessage());
    // Not checked when the field it depends on is off.
    pg.validate(pg.configuration(Map.of("ssl_enabled", false)));
  }

  @Test
  void toStringMasksSensitiveValues() {
    String s = pg.configuration(Map.of("password", "hunter2-secret")).toString();
    assertFalse(s.contains("hunter2-secret"), s);
    assertTrue(s.contains("password=********"), s);
  }

  @Test
  void referenceFormatCarriesTheFieldProperties() {
    @SuppressWarnings("unchecked")
    Map<String, Object> password = (Map<String, Object>) pg.configurationSpec().toReferenceFormat().get("password");
    assertEquals(true, password.get("sensitive"));
    assertEquals("str", password.get("type"));
    assertEquals("Password", password.get("label"));
    @SuppressWarnings("unchecked")
    Map<String, Object> fetch = (Map<String, Object>) pg.configurationSpec().toReferenceFormat().get("fetch_size");
    assertEquals(List.of("advanced"), fetch.get("ui_restrictions"));
    assertEquals(false, fetch.get("required"));
  }

  @Test
  void booleansAcceptOnlyTrueAndFalseWords() {
    for (String yes : List.of("true", "TRUE", "yes", "y", "on", "1", " True ")) {
      assertTrue(pg.configuration(Map.of("ssl_enabled", yes)).getBoolean("ssl_enabled"), yes);
    }
    for (String no : List.of("false", "False", "no", "n", "off", "0")) {
      assertFalse(pg.configuration(Map.of("ssl_enabled", no)).getBoolean("ssl_enabled"), no);
    }
    for (String typo : List.of("treu", "ture", "enabled", "-1", "yes please")) {
      ConnectorConfiguration c = pg.configuration(Map.of("ssl_enabled", typo, "password", "s3cr3t-value"));
      ConfigurationException e = assertThrows(ConfigurationException.class, () -> pg.validate(c), typo);
      assertTrue(e.getMessage().contains("'Enable SSL verification' (ssl_enabled) must be true or false: got '" + typo + "'"),
          e.getMessage());
      assertFalse(e.getMessage().contains("s3cr3t-value"));
      assertThrows(ConfigurationException.class, () -> c.getBoolean("ssl_enabled"));
      assertTrue(c.toString().contains("ssl_enabled=<invalid>"), c.toString());
    }
  }

  @Test
  void aRequiredFieldOfOnlySpacesIsEmpty() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> pg.validate(pg.configuration(Map.of("ssl_enabled", "true", "ssl_ca", "  \n\t "))));
    assertTrue(e.getMessage().contains("'SSL certificate' (ssl_ca) cannot be empty"), e.getMessage());
  }
}
