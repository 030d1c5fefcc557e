package io.beamconnectors.sources.objectstore;

import io.beamconnectors.sources.ConfigurationException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The configured-parts check of an object store ({@code SourceConnector.checkConfiguredParts}): every
 * container named explicitly must exist and be listable before anything is synced, so a typo is a
 * configuration error (nothing written) and never looks like an emptied container.
 */
public final class ConfiguredContainers {
  private ConfiguredContainers() {}

  /**
   * Throws {@link ConfigurationException} naming {@code field} (e.g. "'AWS Buckets' (buckets)")
   * and every configured container that does not exist or cannot be listed. Names "*" (every
   * container) need no check. Any other failure is thrown as an IOException free of secrets.
   */
  public static void check(ObjectStore<?> store, Collection<String> configured, String field) throws IOException {
    LinkedHashSet<String> names = new LinkedHashSet<>(configured);
    names.remove("*");
    if (names.isEmpty()) {
      return;
    }
    List<String> missing = new ArrayList<>();
    try (ObjectStore.Session<?> session = store.connect()) {
      for (String name : names) {
        if (!session.readable(name)) {
          missing.add("'" + name + "'");
        }
      }
    } catch (ConfigurationException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("cannot check the configured " + store.containerNoun() + "s: " + store.explain(e));
    }
    if (!missing.isEmpty()) {
      String noun = store.containerNoun() + (missing.size() == 1 ? "" : "s");
      throw new ConfigurationException(field + " names " + noun + " " + String.join(", ", missing)
          + " that " + (missing.size() == 1 ? "does" : "do") + " not exist or that these credentials may not list:"
          + " fix the name, create the " + noun + " or remove " + (missing.size() == 1 ? "it" : "them")
          + " from the field (nothing was synced)");
    }
  }
}
