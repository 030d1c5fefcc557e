package io.beamconnectors.sources;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One configuration field of a source, in the reference's configurable-field format (label, type,
 * default, display, required, sensitive, order, depends_on, validations). Immutable; built with
 * {@code with*} methods from {@link #of(String, Type)}.
 */
public final class ConfigurableField implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Value types of the reference: values arriving as strings are converted to these. */
  public enum Type {
    STR("str"),
    INT("int"),
    BOOL("bool"),
    LIST("list");

    private final String wireName;

    Type(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  /** A {@code depends_on} condition: this field matters only when {@code field} equals {@code value}. */
  public record Dependency(String field, Object value) implements Serializable {}

  private final String name;
  private final Type type;
  private final String label;
  private final Object defaultValue;
  private final String display;
  private final boolean required;
  private final boolean sensitive;
  private final int order;
  private final String tooltip;
  private final boolean advanced;
  private final List<Dependency> dependsOn;
  private final Long lessThan;
  private final Long greaterThan;

  private ConfigurableField(
      String name,
      Type type,
      String label,
      Object defaultValue,
      String display,
      boolean required,
      boolean sensitive,
      int order,
      String tooltip,
      boolean advanced,
      List<Dependency> dependsOn,
      Long lessThan,
      Long greaterThan) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
    this.label = label;
    this.defaultValue = defaultValue;
    this.display = display;
    this.required = required;
    this.sensitive = sensitive;
    this.order = order;
    this.tooltip = tooltip;
    this.advanced = advanced;
    this.dependsOn = List.copyOf(dependsOn);
    this.lessThan = lessThan;
    this.greaterThan = greaterThan;
  }

  public static ConfigurableField of(String name, Type type) {
    String display = type == Type.INT ? "numeric" : type == Type.BOOL ? "toggle" : "text";
    return new ConfigurableField(
        name, type, name.toUpperCase(), null, display, true, false, 1, null, false, List.of(), null,
        null);
  }

  private ConfigurableField copy(
      String label,
      Object defaultValue,
      String display,
      boolean required,
      boolean sensitive,
      int order,
      String tooltip,
      boolean advanced,
      List<Dependency> dependsOn,
      Long lessThan,
      Long greaterThan) {
    return new ConfigurableField(
        name, type, label, defaultValue, display, required, sensitive, order, tooltip, advanced,
        dependsOn, lessThan, greaterThan);
  }

  public ConfigurableField withLabel(String v) {
    return copy(v, defaultValue, display, required, sensitive, order, tooltip, advanced, dependsOn, lessThan, greaterThan);
  }

  public ConfigurableField withDefault(Object v) {
    return copy(label, v, display, required, sensitive, order, tooltip, advanced, dependsOn, lessThan, greaterThan);
  }

  public ConfigurableField withDisplay(String v) {
    return copy(label, defaultValue, v, required, sensitive, order, tooltip, advanced, dependsOn, lessThan, greaterThan);
  }

  /** Optional fields fall back to their default when empty; required empty fields fail validation. */
  public ConfigurableField asOptional() {
    return copy(label, defaultValue, display, false, sensitive, order, tooltip, advanced, dependsOn, lessThan, greaterThan);
  }

  /** Sensitive values are masked in every string form and never logged. */
  public ConfigurableField asSensitive() {
    return copy(label, defaultValue, display, required, true, order, tooltip, advanced, dependsOn, lessThan, greaterThan);
  }

  public ConfigurableField withOrder(int v) {
    return copy(label, defaultValue, display, required, sensitive, v, tooltip, advanced, dependsOn, lessThan, greaterThan);
  }

  public ConfigurableField withTooltip(String v) {
    return copy(label, defaultValue, display, required, sensitive, order, v, advanced, dependsOn, lessThan, greaterThan);
  }

  /** Shown in the UI's advanced section. */
  public ConfigurableField asAdvanced() {
    return copy(label, defaultValue, display, required, sensitive, order, tooltip, true, dependsOn, lessThan, greaterThan);
  }

  public ConfigurableField dependsOn(String field, Object value) {
    List<Dependency> deps = new ArrayList<>(dependsOn);
    deps.add(new Dependency(field, value));
    return copy(label, defaultValue, display, required, sensitive, order, tooltip, advanced, deps, lessThan, greaterThan);
  }

  /** Integer bounds, exclusive, as the reference's {@code less_than}/{@code greater_than}. */
  public ConfigurableField withBounds(Long greaterThanValue, Long lessThanValue) {
    return copy(label, defaultValue, display, required, sensitive, order, tooltip, advanced, dependsOn, lessThanValue, greaterThanValue);
  }

  public String name() {
    return name;
  }

  public Type type() {
    return type;
  }

  public String label() {
    return label;
  }

  public Object defaultValue() {
    return defaultValue;
  }

  public boolean required() {
    return required;
  }

  public boolean sensitive() {
    return sensitive;
  }

  public int order() {
    return order;
  }

  public List<Dependency> dependsOnList() {
    return dependsOn;
  }

  public Long lessThan() {
    return lessThan;
  }

  public Long greaterThan() {
    return greaterThan;
  }

  /** This field's entry of a connector document's {@code configuration} object, value set to the default. */
  public Map<String, Object> toReferenceFormat() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("default_value", defaultValue);
    List<Map<String, Object>> deps = new ArrayList<>();
    for (Dependency d : dependsOn) {
      Map<String, Object> dm = new LinkedHashMap<>();
      dm.put("field", d.field());
      dm.put("value", d.value());
      deps.add(dm);
    }
    m.put("depends_on", deps);
    m.put("display", display);
    m.put("label", label);
    m.put("options", List.of());
    m.put("order", order);
    m.put("required", required);
    m.put("sensitive", sensitive);
    m.put("tooltip", tooltip);
    m.put("type", type.wireName());
    m.put("ui_restrictions", advanced ? List.of("advanced") : List.of());
    List<Map<String, Object>> validations = new ArrayList<>();
    if (lessThan != null) {
      validations.add(Map.of("type", "less_than", "constraint", lessThan));
    }
    if (greaterThan != null) {
      validations.add(Map.of("type", "greater_than", "constraint", greaterThan));
    }
    m.put("validations", validations);
    m.put("value", defaultValue == null ? "" : defaultValue);
    return Collections.unmodifiableMap(m);
  }
}
