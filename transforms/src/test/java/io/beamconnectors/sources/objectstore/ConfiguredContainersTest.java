package io.beamconnectors.sources.objectstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.beamconnectors.sources.ConfigurationException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfiguredContainersTest {
  private final FakeObjectStore store = new FakeObjectStore(List.of("real", "also-real"), null);

  @Test
  void missingContainersAreAConfigurationErrorNamingTheField() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> ConfiguredContainers.check(store, List.of("real", "typo", "*", "gone"), "'Buckets' (buckets)"));
    assertEquals(List.of("'Buckets' (buckets) names buckets 'typo', 'gone' that do not exist or that these"
        + " credentials may not list: fix the name, create the buckets or remove them from the field"
        + " (nothing was synced)"), e.problems());
    e = assertThrows(ConfigurationException.class,
        () -> ConfiguredContainers.check(store, List.of("typo"), "'Buckets' (buckets)"));
    assertEquals(List.of("'Buckets' (buckets) names bucket 'typo' that does not exist or that these"
        + " credentials may not list: fix the name, create the bucket or remove it from the field"
        + " (nothing was synced)"), e.problems());
  }

  @Test
  void existingContainersAndStarPass() throws Exception {
    ConfiguredContainers.check(store, List.of("real", "also-real", "real"), "'Buckets' (buckets)");
    ConfiguredContainers.check(store, List.of("*"), "'Buckets' (buckets)");
    ConfiguredContainers.check(store, List.of(), "'Buckets' (buckets)");
  }
}
