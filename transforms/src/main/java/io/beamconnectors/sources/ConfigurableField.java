package io.beamconnectors.sources;

import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One configuration field of a source, in the reference's configurable-field format (label, type,
 * default, display, required, sensitive, order, depends_on, validations). Immutable; built with
 * checked {@code with*} methods from {@link #of(String, Type)}, which holds the defaults. Every
 * check's message names the field. {@link #toString()} never shows the default of a sensitive
 * field.
 *
 * @param name the key in the configuration
 * @param type how a value arriving as a string is converted
 * @param label shown in the UI
 * @param defaultValue the value of an empty optional field (a String, an integral number, a Boolean
 *     or a list, as {@code type} says), or null
 * @param display the UI widget: {@code text}, {@code textarea}, {@code numeric}, {@code toggle} or
 *     {@code dropdown}
 * @param required an empty required field fails validation
 * @param sensitive masked in every string form, never logged
 * @param order position in the UI, 1 or more
 * @param tooltip shown in the UI, or null
 * @param advanced shown in the UI's advanced section
 * @param dependsOnList the field matters only when each of these fields has the given value
 * @param lessThan exclusive upper bound of an integer field, or null
 * @param greaterThan exclusive lower bound of an integer field, or null
 */
public record ConfigurableField(String name, Type type, String label, Object defaultValue, String display,
    boolean required, boolean sensitive, int order, String tooltip, boolean advanced, List<Dependency> dependsOnList,
    Long lessThan, Long greaterThan) implements Serializable {
  private static final long serialVersionUID = 2L;

  /** The UI widgets of the reference's field format. */
  public static final Set<String> DISPLAYS = Set.of("text", "textarea", "numeric", "toggle", "dropdown");

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

  public ConfigurableField {
    checkArgument(name != null && !name.isBlank() && name.chars().noneMatch(Character::isWhitespace),
        "a configuration field needs a name without spaces: got '%s'", name);
    checkArgument(type != null, "configuration field '%s': type cannot be null", name);
    checkArgument(label != null && !label.isBlank(), "configuration field '%s': label cannot be empty", name);
    checkArgument(fits(type, defaultValue), "configuration field '%s': default %s is not a %s value", name,
        defaultValue, type.wireName());
    checkArgument(DISPLAYS.contains(display), "configuration field '%s': display '%s' is not one of %s", name, display,
        DISPLAYS);
    checkArgument(order >= 1, "configuration field '%s': order must be 1 or more, got %s", name, order);
    dependsOnList = List.copyOf(dependsOnList);
    checkArgument((lessThan == null && greaterThan == null) || type == Type.INT,
        "configuration field '%s': bounds are for int fields, this one is %s", name, type.wireName());
    checkArgument(lessThan == null || greaterThan == null || greaterThan < lessThan,
        "configuration field '%s': the lower bound %s must be below the upper bound %s", name, greaterThan, lessThan);
    if (defaultValue instanceof Number n) {
      checkArgument((greaterThan == null || n.longValue() > greaterThan) && (lessThan == null || n.longValue() < lessThan),
          "configuration field '%s': default %s is outside the bounds (%s, %s)", name, n, greaterThan, lessThan);
    }
  }

  private static boolean fits(Type type, Object value) {
    if (value == null) {
      return true;
    }
    return switch (type) {
      case STR -> value instanceof String;
      case INT -> value instanceof Long || value instanceof Integer;
      case BOOL -> value instanceof Boolean;
      case LIST -> value instanceof String || value instanceof List;
    };
  }

  /**
   * A required, not sensitive field labelled with its name in upper case, no default, first in
   * order, shown as the type's widget ({@code numeric} for int, {@code toggle} for bool, else
   * {@code text}): the defaults, all here.
   */
  public static ConfigurableField of(String name, Type type) {
    checkArgument(type != null, "configuration field '%s': type cannot be null", name);
    String display = type == Type.INT ? "numeric" : type == Type.BOOL ? "toggle" : "text";
    return new ConfigurableField(name, type, name == null ? null : name.toUpperCase(java.util.Locale.ROOT), null,
        display, true, false, 1, null, false, List.of(), null, null);
  }

  public ConfigurableField withLabel(String v) {
    return with(b -> b.label = v);
  }

  public ConfigurableField withDefault(Object v) {
    return with(b -> b.defaultValue = v);
  }

  public ConfigurableField withDisplay(String v) {
    return with(b -> b.display = v);
  }

  /** Optional fields fall back to their default when empty; required empty fields fail validation. */
  public ConfigurableField asOptional() {
    return with(b -> b.required = false);
  }

  /** Sensitive values are masked in every string form and never logged. */
  public ConfigurableField asSensitive() {
    return with(b -> b.sensitive = true);
  }

  public ConfigurableField withOrder(int v) {
    return with(b -> b.order = v);
  }

  public ConfigurableField withTooltip(String v) {
    checkArgument(v != null && !v.isBlank(), "configuration field '%s': tooltip cannot be empty", name);
    return with(b -> b.tooltip = v);
  }

  /** Shown in the UI's advanced section. */
  public ConfigurableField asAdvanced() {
    return with(b -> b.advanced = true);
  }

  /** This field matters only when {@code field} (another field) equals {@code value}. */
  public ConfigurableField dependsOn(String field, Object value) {
    checkArgument(field != null && !field.isBlank() && !field.equals(name),
        "configuration field '%s': depends_on needs another field's name, got '%s'", name, field);
    List<Dependency> deps = new ArrayList<>(dependsOnList);
    deps.add(new Dependency(field, value));
    return with(b -> b.dependsOn = deps);
  }

  /** Integer bounds, exclusive, as the reference's {@code less_than}/{@code greater_than}; null: none. */
  public ConfigurableField withBounds(Long greaterThanValue, Long lessThanValue) {
    return with(b -> {
      b.greaterThan = greaterThanValue;
      b.lessThan = lessThanValue;
    });
  }

  /** A copy with {@code change} applied, checked by the canonical constructor. */
  private ConfigurableField with(Consumer<Copy> change) {
    Copy b = new Copy(this);
    change.accept(b);
    return new ConfigurableField(name, type, b.label, b.defaultValue, b.display, b.required, b.sensitive, b.order,
        b.tooltip, b.advanced, b.dependsOn, b.lessThan, b.greaterThan);
  }

  /** The changeable components of a field while one {@code with*} changes them. */
  private static final class Copy {
    String label;
    Object defaultValue;
    String display;
    boolean required;
    boolean sensitive;
    int order;
    String tooltip;
    boolean advanced;
    List<Dependency> dependsOn;
    Long lessThan;
    Long greaterThan;

    Copy(ConfigurableField f) {
      label = f.label;
      defaultValue = f.defaultValue;
      display = f.display;
      required = f.required;
      sensitive = f.sensitive;
      order = f.order;
      tooltip = f.tooltip;
      advanced = f.advanced;
      dependsOn = f.dependsOnList;
      lessThan = f.lessThan;
      greaterThan = f.greaterThan;
    }
  }

  /** This field's entry of a connector document's {@code configuration} object, value set to the default. */
  public Map<String, Object> toReferenceFormat() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("default_value", defaultValue);
    List<Map<String, Object>> deps = new ArrayList<>();
    for (Dependency d : dependsOnList) {
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

  /** The field's shape; the default of a sensitive field shown as {@code ****}. */
  @Override
  public String toString() {
    Object shown = sensitive && defaultValue != null ? "****" : defaultValue;
    return "ConfigurableField{" + name + ": " + type.wireName() + ", label='" + label + "', default=" + shown
        + (required ? ", required" : "") + (sensitive ? ", sensitive" : "") + ", order=" + order
        + (lessThan != null || greaterThan != null ? ", bounds=(" + greaterThan + ", " + lessThan + ")" : "") + "}";
  }
}
