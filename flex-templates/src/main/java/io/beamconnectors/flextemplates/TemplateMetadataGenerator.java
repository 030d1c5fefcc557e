package io.beamconnectors.flextemplates;

import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.dataflow.model.ParameterMetadata;
import com.google.api.services.dataflow.model.ParameterMetadataEnumOption;
import com.google.api.services.dataflow.model.TemplateMetadata;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Hidden;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/**
 * Writes the flex template's {@code metadata.json} from the options interface by reflection, so an
 * option added to {@code FullSyncOptions} appears in the template without anything else to edit.
 * Every getter declared by an options interface outside Beam becomes a parameter: {@code name} is
 * the option name, {@code helpText} its {@code @Description} (plus its {@code @Default}),
 * {@code isOptional} unless {@code @Validation.Required}, {@code paramType} and {@code regexes}
 * from its Java type or {@link TemplateParameterFormats}. Beam's own options (runner, project,
 * temp location...) are not parameters: Dataflow sets them from the launch environment.
 *
 * <p>Run during the build: {@code TemplateMetadataGenerator target/metadata.json}. The output is
 * checked with {@link TemplateMetadataValidator} before it is written.
 */
public final class TemplateMetadataGenerator {
  static final String TEMPLATE_NAME = "beam-connectors full sync";
  static final String TEMPLATE_DESCRIPTION = "Mirrors one content source (PostgreSQL, network drive, S3, Google Cloud"
      + " Storage, Azure Blob Storage: choose with serviceType) into an Elasticsearch index: creates, updates and"
      + " deletes documents so the index equals the source. Secrets are read from Secret Manager.";
  static final String INTEGER_REGEX = "^-?[0-9]+$";
  static final String DECIMAL_REGEX = "^-?[0-9]+(\\.[0-9]+)?$";
  static final String BOOLEAN_REGEX = "^(true|false)$";
  private static final Map<String, String> WORDS = Map.of("es", "Elasticsearch", "url", "URL", "ca", "CA",
      "json", "JSON", "api", "API", "id", "ID");

  private TemplateMetadataGenerator() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: TemplateMetadataGenerator OUTPUT_FILE");
      System.exit(2);
    }
    TemplateMetadata metadata = generate(FlexTemplateOptions.class);
    String json = json(metadata);
    List<String> problems = TemplateMetadataValidator.validate(json);
    if (!problems.isEmpty()) {
      throw new IllegalStateException("Generated template metadata is invalid:\n  " + String.join("\n  ", problems));
    }
    Path out = Path.of(args[0]);
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, json + "\n", StandardCharsets.UTF_8);
    System.out.println("Wrote " + out + " (" + metadata.getParameters().size() + " parameters)");
  }

  /** The metadata of a template whose main parses {@code optionsInterface}. */
  public static TemplateMetadata generate(Class<? extends PipelineOptions> optionsInterface) {
    Map<String, Method> getters = new LinkedHashMap<>();
    collectGetters(optionsInterface, getters);
    List<ParameterMetadata> parameters = new ArrayList<>();
    for (Map.Entry<String, Method> e : getters.entrySet()) {
      parameters.add(parameter(e.getKey(), e.getValue()));
    }
    parameters.sort(Comparator.comparing((ParameterMetadata p) -> Boolean.TRUE.equals(p.getIsOptional()))
        .thenComparing(p -> groupOrder(p.getGroupName()))
        .thenComparing(ParameterMetadata::getName));
    return new TemplateMetadata()
        .setName(TEMPLATE_NAME)
        .setDescription(TEMPLATE_DESCRIPTION)
        .setStreaming(false)
        .setParameters(parameters);
  }

  /** The metadata as JSON, pretty-printed. */
  public static String json(TemplateMetadata metadata) throws IOException {
    return GsonFactory.getDefaultInstance().toPrettyString(metadata);
  }

  private static void collectGetters(Class<?> iface, Map<String, Method> out) {
    if (iface.getName().startsWith("org.apache.beam.")) {
      return; // Beam's own options: set by the runner and the launch environment, not template parameters
    }
    for (Method m : iface.getDeclaredMethods()) {
      if (Modifier.isStatic(m.getModifiers()) || m.isDefault() || m.getParameterCount() != 0
          || m.isAnnotationPresent(Hidden.class)) {
        continue; // @Hidden: set by the sync itself, not a parameter a user should see or pass
      }
      String property = property(m.getName(), m.getReturnType());
      if (property != null) {
        out.putIfAbsent(property, m);
      }
    }
    for (Class<?> parent : iface.getInterfaces()) {
      collectGetters(parent, out);
    }
  }

  private static String property(String methodName, Class<?> type) {
    String rest;
    if (methodName.startsWith("get") && methodName.length() > 3) {
      rest = methodName.substring(3);
    } else if (methodName.startsWith("is") && methodName.length() > 2 && (type == boolean.class || type == Boolean.class)) {
      rest = methodName.substring(2);
    } else {
      return null;
    }
    return Character.toLowerCase(rest.charAt(0)) + rest.substring(1);
  }

  private static ParameterMetadata parameter(String name, Method getter) {
    Description description = getter.getAnnotation(Description.class);
    if (description == null || description.value().isBlank()) {
      throw new IllegalStateException("Option " + name + " (" + getter.getDeclaringClass().getSimpleName()
          + ") has no @Description: add one, it becomes the template parameter's help text");
    }
    String defaultValue = defaultValue(getter);
    boolean documentProvided = FlexTemplateOptions.DOCUMENT_PROVIDED.contains(name);
    boolean required = getter.isAnnotationPresent(Validation.Required.class) && !documentProvided;
    Class<?> type = getter.getReturnType();
    TemplateParameterFormats.Format format = TemplateParameterFormats.of(name);

    StringBuilder help = new StringBuilder(description.value().strip());
    if (format != null && format.templateNote() != null) {
      help.append(' ').append(format.templateNote());
    }
    if (defaultValue != null && !defaultValue.isEmpty()) {
      help.append(" Default: ").append(defaultValue).append('.');
    }
    if (documentProvided) {
      help.append(" Required unless syncJobId or selfReportConnectorId is set (then it comes from that document).");
    }

    ParameterMetadata p = new ParameterMetadata()
        .setName(name)
        .setLabel(label(name))
        .setHelpText(help.toString())
        .setIsOptional(!required)
        .setGroupName(group(name))
        .setParamType("TEXT");
    if (defaultValue != null) {
      p.setDefaultValue(defaultValue);
    }
    List<String> enumValues = List.of();
    if (type.isEnum()) {
      enumValues = new ArrayList<>();
      for (Object c : type.getEnumConstants()) {
        enumValues.add(((Enum<?>) c).name());
      }
    } else if (format != null && !format.enumValues().isEmpty()) {
      enumValues = format.enumValues();
    }
    if (!enumValues.isEmpty()) {
      List<ParameterMetadataEnumOption> options = new ArrayList<>();
      for (String v : enumValues) {
        options.add(new ParameterMetadataEnumOption().setValue(v).setLabel(v));
      }
      p.setParamType("ENUM").setEnumOptions(options).setRegexes(List.of("^(" + String.join("|", enumValues) + ")$"));
    } else if (type == boolean.class || type == Boolean.class) {
      p.setParamType("BOOLEAN").setRegexes(List.of(BOOLEAN_REGEX));
    } else if (type == int.class || type == Integer.class || type == long.class || type == Long.class
        || type == short.class || type == Short.class) {
      p.setRegexes(List.of(INTEGER_REGEX));
    } else if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
      p.setRegexes(List.of(DECIMAL_REGEX));
    } else if (format != null && format.regex() != null) {
      p.setRegexes(List.of(format.regex()));
    }
    return p;
  }

  private static String defaultValue(Method getter) {
    if (getter.isAnnotationPresent(Default.String.class)) {
      return getter.getAnnotation(Default.String.class).value();
    }
    if (getter.isAnnotationPresent(Default.Integer.class)) {
      return Integer.toString(getter.getAnnotation(Default.Integer.class).value());
    }
    if (getter.isAnnotationPresent(Default.Long.class)) {
      return Long.toString(getter.getAnnotation(Default.Long.class).value());
    }
    if (getter.isAnnotationPresent(Default.Boolean.class)) {
      return Boolean.toString(getter.getAnnotation(Default.Boolean.class).value());
    }
    if (getter.isAnnotationPresent(Default.Double.class)) {
      return Double.toString(getter.getAnnotation(Default.Double.class).value());
    }
    if (getter.isAnnotationPresent(Default.Float.class)) {
      return Float.toString(getter.getAnnotation(Default.Float.class).value());
    }
    if (getter.isAnnotationPresent(Default.Short.class)) {
      return Short.toString(getter.getAnnotation(Default.Short.class).value());
    }
    if (getter.isAnnotationPresent(Default.Enum.class)) {
      return getter.getAnnotation(Default.Enum.class).value();
    }
    return null;
  }

  /** "esApiKeySecret" -> "Elasticsearch API key secret". */
  static String label(String name) {
    String[] words = name.split("(?<=[a-z0-9])(?=[A-Z])");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < words.length; i++) {
      String w = words[i].toLowerCase(Locale.ROOT);
      String mapped = WORDS.getOrDefault(w, w);
      if (i == 0 && mapped.equals(w)) {
        mapped = Character.toUpperCase(w.charAt(0)) + w.substring(1);
      }
      sb.append(i == 0 ? "" : " ").append(mapped);
    }
    return sb.toString();
  }

  static String group(String name) {
    if (name.endsWith("Secret")) {
      return "Secrets";
    }
    if (name.startsWith("es")) {
      return "Elasticsearch";
    }
    if (name.startsWith("bulk")) {
      return "Bulk writes";
    }
    if (name.startsWith("content") && !name.startsWith("connector") || name.startsWith("maxFileSize")
        || name.startsWith("extraction")) {
      return "Content";
    }
    if (name.equals("serviceType") || name.startsWith("connector")) {
      return "Source";
    }
    return "Sync";
  }

  private static int groupOrder(String group) {
    return List.of("Source", "Elasticsearch", "Secrets", "Content", "Bulk writes", "Sync").indexOf(group);
  }
}
