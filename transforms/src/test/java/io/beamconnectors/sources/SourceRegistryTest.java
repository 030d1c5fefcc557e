package io.beamconnectors.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceRegistryTest {
  @Test
  void builtInSourcesAreDiscoveredWithTheServiceLoader() {
    assertEquals(List.of("azure_blob_storage", "google_cloud_storage", "mssql", "network_drive", "oracle", "postgresql", "s3"),
        List.copyOf(SourceRegistry.builtIn().serviceTypes().keySet()));
    assertEquals("postgresql", SourceRegistry.builtIn().create("postgresql").serviceType());
  }

  /** A third party's source, named in config.yml's {@code sources}. */
  public static final class ThirdPartySource implements SourceConnector {
    @Override
    public String serviceType() {
      return "third_party";
    }

    @Override
    public ConfigurationSpec configurationSpec() {
      return null;
    }

    @Override
    public void ping(ConnectorConfiguration config) {}

    @Override
    public SourceListing listing(ConnectorConfiguration config) {
      return null;
    }
  }

  @Test
  void aSourceNamedByClassNameIsAddedAndCheckedAgainstItsOwnServiceType() {
    SourceRegistry r = SourceRegistry.withSources(Map.of("third_party", ThirdPartySource.class.getName()));
    assertInstanceOf(ThirdPartySource.class, r.create("third_party"));
    ConfigurationException wrongName = assertThrows(ConfigurationException.class,
        () -> SourceRegistry.withSources(Map.of("other", ThirdPartySource.class.getName())).create("other"));
    assertTrue(wrongName.getMessage().contains("'third_party'"), wrongName.getMessage());
    ConfigurationException missing = assertThrows(ConfigurationException.class,
        () -> SourceRegistry.withSources(Map.of("x", "com.example.Missing")).create("x"));
    assertTrue(missing.getMessage().contains("com.example.Missing") && missing.getMessage().contains("classpath"),
        missing.getMessage());
    ConfigurationException unknown = assertThrows(ConfigurationException.class, () -> r.create("sharepoint"));
    assertTrue(unknown.getMessage().contains("service_type 'sharepoint'"), unknown.getMessage());
  }
}
