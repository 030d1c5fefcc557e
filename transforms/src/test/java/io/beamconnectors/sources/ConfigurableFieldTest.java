package io.beamconnectors.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.sources.ConfigurableField.Type;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigurableFieldTest {
  private static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void defaultsAreInOnePlace() {
    ConfigurableField f = ConfigurableField.of("port", Type.INT);
    assertEquals("PORT", f.label());
    assertEquals("numeric", f.display());
    assertTrue(f.required());
    assertFalse(f.sensitive());
    assertEquals(1, f.order());
    assertEquals(List.of(), f.dependsOnList());
    assertEquals("toggle", ConfigurableField.of("ssl", Type.BOOL).display());
    assertEquals("text", ConfigurableField.of("tables", Type.LIST).display());
  }

  @Test
  void everyWithIsCheckedAndItsMessageNamesTheField() {
    ConfigurableField port = ConfigurableField.of("port", Type.INT);
    for (String m : List.of(
        message(() -> port.withLabel(" ")),
        message(() -> port.withDefault("9090")),
        message(() -> port.withDisplay("slider")),
        message(() -> port.withOrder(0)),
        message(() -> port.withTooltip("")),
        message(() -> port.dependsOn("port", true)),
        message(() -> port.withBounds(10L, 5L)),
        message(() -> port.withDefault(70_000L).withBounds(0L, 65_536L)),
        message(() -> port.withBounds(0L, 65_536L).withDefault(-1L)),
        message(() -> ConfigurableField.of("ssl", Type.BOOL).withBounds(0L, 1L)))) {
      assertTrue(m.startsWith("configuration field '"), m);
      assertTrue(m.contains("'port'") || m.contains("'ssl'"), m);
    }
    assertTrue(message(() -> ConfigurableField.of("two words", Type.STR)).contains("two words"));
    assertTrue(message(() -> ConfigurableField.of("flag", Type.BOOL).withDefault("yes")).contains("bool"));
    ConfigurableField ok = port.withDefault(9090L).withBounds(0L, 65_536L).withOrder(2).asOptional().asAdvanced()
        .dependsOn("ssl", false).withTooltip("The port");
    assertEquals(9090L, ok.defaultValue());
    assertEquals(65_536L, ok.lessThan());
    assertEquals(0L, ok.greaterThan());
    assertFalse(ok.required());
    assertEquals(List.of(new ConfigurableField.Dependency("ssl", false)), ok.dependsOnList());
    assertEquals(1, port.order(), "immutable: a with* returns a copy");
    assertEquals(5, ConfigurableField.of("n", Type.INT).withDefault(5).defaultValue(), "an int default may be an Integer");
  }

  @Test
  void aSensitiveDefaultNeverShowsInToString() {
    ConfigurableField password = ConfigurableField.of("password", Type.STR).withDefault("Password_123").asSensitive();
    assertFalse(password.toString().contains("Password_123"), password.toString());
    assertTrue(password.toString().contains("password"));
    assertTrue(ConfigurableField.of("host", Type.STR).withDefault("127.0.0.1").toString().contains("127.0.0.1"));
  }

  @Test
  void referenceFormatIsUnchanged() {
    Map<String, Object> m = ConfigurableField.of("port", Type.INT).withLabel("Port").withDefault(9090L)
        .withBounds(0L, 65_536L).withOrder(2).toReferenceFormat();
    assertEquals(9090L, m.get("default_value"));
    assertEquals("numeric", m.get("display"));
    assertEquals("int", m.get("type"));
    assertEquals(List.of(Map.of("type", "less_than", "constraint", 65_536L), Map.of("type", "greater_than", "constraint", 0L)),
        m.get("validations"));
    assertEquals(9090L, m.get("value"));
  }
}
