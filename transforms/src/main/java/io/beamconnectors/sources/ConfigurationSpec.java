package io.beamconnectors.sources;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The ordered set of configuration fields a source declares. Immutable. */
public final class ConfigurationSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  private final LinkedHashMap<String, ConfigurableField> fields;

  private ConfigurationSpec(LinkedHashMap<String, ConfigurableField> fields) {
    this.fields = fields;
  }

  public static ConfigurationSpec of(ConfigurableField... fields) {
    return new ConfigurationSpec(new LinkedHashMap<>()).with(fields);
  }

  /** A copy with more fields; a field of the same name replaces the earlier one. */
  public ConfigurationSpec with(ConfigurableField... more) {
    LinkedHashMap<String, ConfigurableField> copy = new LinkedHashMap<>(fields);
    for (ConfigurableField f : more) {
      copy.put(f.name(), f);
    }
    return new ConfigurationSpec(copy);
  }

  public Collection<ConfigurableField> fields() {
    return List.copyOf(fields.values());
  }

  public Optional<ConfigurableField> field(String name) {
    return Optional.ofNullable(fields.get(name));
  }

  /** The {@code configuration} object of a connector document, every value at its default. */
  public Map<String, Object> toReferenceFormat() {
    Map<String, Object> m = new LinkedHashMap<>();
    List<ConfigurableField> sorted = new ArrayList<>(fields.values());
    for (ConfigurableField f : sorted) {
      m.put(f.name(), f.toReferenceFormat());
    }
    return m;
  }
}
