package io.beamconnectors.sources;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The values of a connector's configuration, resolved against its {@link ConfigurationSpec}:
 * strings converted to the declared type, empty optional fields replaced by their defaults. Accepts
 * both a plain map ({@code {"host": "db1"}}) and the connector document form
 * ({@code {"host": {"value": "db1", ...}}}). Immutable and serializable; {@link #toString()} masks
 * sensitive fields.
 */
public final class ConnectorConfiguration implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The reference's words for true; {@link #FALSE_WORDS} are their opposites. Anything else is an error. */
  private static final Set<String> TRUE_WORDS = Set.of("y", "yes", "true", "1", "on");
  private static final Set<String> FALSE_WORDS = Set.of("n", "no", "false", "0", "off");
  private static final String MASK = "********";

  private final ConfigurationSpec spec;
  private final Map<String, Object> raw;

  private ConnectorConfiguration(ConfigurationSpec spec, Map<String, Object> raw) {
    this.spec = spec;
    this.raw = raw;
  }

  /** Reads values given as plain values or as configurable-field objects with a {@code value} key. */
  public static ConnectorConfiguration of(ConfigurationSpec spec, Map<String, ?> values) {
    Map<String, Object> raw = new LinkedHashMap<>();
    if (values != null) {
      for (Map.Entry<String, ?> e : values.entrySet()) {
        Object v = e.getValue();
        if (v instanceof Map<?, ?> m && m.containsKey("value")) {
          v = m.get("value");
        }
        raw.put(e.getKey(), v);
      }
    }
    return new ConnectorConfiguration(spec, Collections.unmodifiableMap(raw));
  }

  /** A copy with one value replaced (tests, CLI overrides). */
  public ConnectorConfiguration with(String name, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(raw);
    copy.put(name, value);
    return new ConnectorConfiguration(spec, Collections.unmodifiableMap(copy));
  }

  public ConfigurationSpec spec() {
    return spec;
  }

  /**
   * Checks every field and throws one {@link ConfigurationException} listing all problems. A
   * field whose {@code depends_on} conditions do not hold is not checked.
   */
  public ConnectorConfiguration validate() {
    List<String> problems = new ArrayList<>();
    for (ConfigurableField f : spec.fields()) {
      boolean holds;
      try {
        holds = dependenciesHold(f);
      } catch (IllegalArgumentException | ConfigurationException e) {
        // The field it depends on has a bad value, reported for that field.
        continue;
      }
      if (!holds) {
        continue;
      }
      Object v = raw.get(f.name());
      if (isEmpty(v) || (f.required() && v instanceof String s && s.isBlank())) {
        if (f.required() && isEmpty(f.defaultValue())) {
          problems.add(
              String.format(Locale.ROOT,
                  "'%s' (%s) cannot be empty: set a value for it", f.label(), f.name()));
        }
        continue;
      }
      try {
        Object converted = convert(f, v);
        if (converted instanceof Long n) {
          if (f.lessThan() != null && n >= f.lessThan()) {
            problems.add(
                String.format(Locale.ROOT,
                    "'%s' (%s) must be less than %d: got %s", f.label(), f.name(), f.lessThan(),
                    display(f, v)));
          }
          if (f.greaterThan() != null && n <= f.greaterThan()) {
            problems.add(
                String.format(Locale.ROOT,
                    "'%s' (%s) must be greater than %d: got %s", f.label(), f.name(),
                    f.greaterThan(), display(f, v)));
          }
        }
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    for (String name : raw.keySet()) {
      if (spec.field(name).isEmpty()) {
        problems.add(
            String.format(Locale.ROOT,
                "'%s' is not a field of this connector: remove it (known fields: %s)",
                name, fieldNames()));
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    return this;
  }

  private String fieldNames() {
    List<String> names = new ArrayList<>();
    for (ConfigurableField f : spec.fields()) {
      names.add(f.name());
    }
    return String.join(", ", names);
  }

  private boolean dependenciesHold(ConfigurableField f) {
    for (ConfigurableField.Dependency d : f.dependsOnList()) {
      ConfigurableField other = spec.field(d.field()).orElse(null);
      Object actual = other == null ? raw.get(d.field()) : value(other);
      Object expected = other == null ? d.value() : convert(other, d.value());
      if (!Objects.equals(actual, expected)) {
        return false;
      }
    }
    return true;
  }

  private Object value(ConfigurableField f) {
    Object v = raw.get(f.name());
    if (isEmpty(v)) {
      v = f.defaultValue();
    }
    if (isEmpty(v)) {
      return null;
    }
    try {
      return convert(f, v);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage());
    }
  }

  private static String display(ConfigurableField f, Object v) {
    return f.sensitive() ? MASK : "'" + v + "'";
  }

  private static Object convert(ConfigurableField f, Object v) {
    if (v == null) {
      return null;
    }
    switch (f.type()) {
      case INT:
        if (v instanceof Number n) {
          return n.longValue();
        }
        try {
          return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              String.format(Locale.ROOT,
                  "'%s' (%s) must be a whole number: got %s", f.label(), f.name(), display(f, v)));
        }
      case BOOL:
        if (v instanceof Boolean b) {
          return b;
        }
        String word = v.toString().trim().toLowerCase(Locale.ROOT);
        if (TRUE_WORDS.contains(word)) {
          return true;
        }
        if (FALSE_WORDS.contains(word)) {
          return false;
        }
        // A typo must never turn a security switch off: "treu" is an error, not false.
        throw new IllegalArgumentException(
            String.format(Locale.ROOT,
                "'%s' (%s) must be true or false: got %s", f.label(), f.name(), display(f, v)));
      case LIST:
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) {
          for (Object o : l) {
            if (o != null && !o.toString().isBlank()) {
              out.add(o.toString().trim());
            }
          }
        } else {
          for (String s : v.toString().split(",")) {
            if (!s.isBlank()) {
              out.add(s.trim());
            }
          }
        }
        return List.copyOf(out);
      case STR:
      default:
        return v.toString();
    }
  }

  private static boolean isEmpty(Object v) {
    if (v == null) {
      return true;
    }
    if (v instanceof String s) {
      return s.isEmpty();
    }
    if (v instanceof List<?> l) {
      return l.stream().allMatch(o -> o == null || "".equals(o));
    }
    return false;
  }

  private ConfigurableField required(String name) {
    return spec.field(name)
        .orElseThrow(() -> new IllegalArgumentException("No configuration field named " + name));
  }

  public String getString(String name) {
    Object v = value(required(name));
    return v == null ? null : v.toString();
  }

  public long getLong(String name) {
    Object v = value(required(name));
    if (v == null) {
      throw new ConfigurationException(
          String.format(Locale.ROOT, "'%s' cannot be empty: set a whole number", name));
    }
    return (Long) v;
  }

  public int getInt(String name) {
    return Math.toIntExact(getLong(name));
  }

  public boolean getBoolean(String name) {
    Object v = value(required(name));
    return v != null && (Boolean) v;
  }

  @SuppressWarnings("unchecked")
  public List<String> getList(String name) {
    Object v = value(required(name));
    return v == null ? List.of() : (List<String>) v;
  }

  /** The resolved values (sensitive ones included: never log this map). */
  public Map<String, Object> resolvedValues() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (ConfigurableField f : spec.fields()) {
      m.put(f.name(), value(f));
    }
    return m;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ConnectorConfiguration{");
    boolean first = true;
    for (ConfigurableField f : spec.fields()) {
      if (!first) {
        sb.append(", ");
      }
      first = false;
      Object v;
      try {
        v = value(f);
      } catch (ConfigurationException e) {
        v = "<invalid>";
      }
      sb.append(f.name()).append('=').append(f.sensitive() && v != null ? MASK : v);
    }
    return sb.append('}').toString();
  }
}
