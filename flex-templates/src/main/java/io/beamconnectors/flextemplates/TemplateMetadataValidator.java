package io.beamconnectors.flextemplates;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a flex template {@code metadata.json} against the documented fields of Dataflow's
 * TemplateMetadata, ParameterMetadata and ParameterMetadataEnumOption (REST v1b3): no unknown
 * keys, required keys present with the documented JSON types, {@code paramType} one of the
 * documented ParameterType values, regexes that compile and use no construct RE2 (Dataflow's
 * regex engine) lacks, defaults that satisfy their own regexes and enum options. Plus one project
 * rule: a parameter whose name says it is a secret must only accept Secret Manager resource names.
 */
public final class TemplateMetadataValidator {
  static final Set<String> TEMPLATE_KEYS = Set.of("name", "description", "parameters", "streaming",
      "supportsAtLeastOnce", "supportsExactlyOnce", "defaultStreamingMode");
  static final Set<String> PARAMETER_KEYS = Set.of("name", "label", "helpText", "isOptional", "regexes", "paramType",
      "customMetadata", "groupName", "parentName", "parentTriggerValues", "enumOptions", "defaultValue", "hiddenUi");
  static final Set<String> ENUM_OPTION_KEYS = Set.of("value", "label", "description");
  /** ParameterType values documented for the v1beta3 API. */
  static final Set<String> PARAM_TYPES = Set.of("DEFAULT", "TEXT", "GCS_READ_BUCKET", "GCS_WRITE_BUCKET",
      "GCS_READ_FILE", "GCS_WRITE_FILE", "GCS_READ_FOLDER", "GCS_WRITE_FOLDER", "PUBSUB_TOPIC", "PUBSUB_SUBSCRIPTION",
      "BIGQUERY_TABLE", "JAVASCRIPT_UDF_FILE", "SERVICE_ACCOUNT", "MACHINE_TYPE", "KMS_KEY_NAME", "WORKER_REGION",
      "WORKER_ZONE", "BOOLEAN", "ENUM", "KAFKA_TOPIC", "KAFKA_READ_TOPIC", "KAFKA_WRITE_TOPIC");
  static final Set<String> STREAMING_MODES = Set.of("STREAMING_MODE_UNSPECIFIED", "STREAMING_MODE_EXACTLY_ONCE",
      "STREAMING_MODE_AT_LEAST_ONCE");
  private static final Pattern PARAMETER_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]*");
  /** Lookaround, backreferences, atomic groups and possessive quantifiers: Java has them, RE2 does not. */
  private static final Pattern NOT_RE2 = Pattern.compile("\\(\\?<?[=!]|\\(\\?>|\\\\[1-9]|\\\\k<|[*+?}]\\+");
  private static final Pattern SECRET_NAME = Pattern.compile(".*(password|secret|apikey|token|credential).*");

  private TemplateMetadataValidator() {}

  /** The problems found, one line each naming the field; empty when the metadata is valid. */
  public static List<String> validate(String json) {
    List<String> problems = new ArrayList<>();
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      problems.add("metadata is not JSON: " + e.getOriginalMessage());
      return problems;
    }
    if (root == null || !root.isObject()) {
      problems.add("metadata must be a JSON object");
      return problems;
    }
    unknownKeys(root, TEMPLATE_KEYS, "metadata", problems);
    requireText(root, "name", "metadata", problems);
    optionalType(root, "description", JsonNode::isTextual, "a string", "metadata", problems);
    for (String b : List.of("streaming", "supportsAtLeastOnce", "supportsExactlyOnce")) {
      optionalType(root, b, JsonNode::isBoolean, "a boolean", "metadata", problems);
    }
    if (root.has("defaultStreamingMode") && !STREAMING_MODES.contains(root.get("defaultStreamingMode").asText())) {
      problems.add("metadata.defaultStreamingMode is not one of " + STREAMING_MODES);
    }
    JsonNode parameters = root.get("parameters");
    if (parameters == null) {
      return problems;
    }
    if (!parameters.isArray()) {
      problems.add("metadata.parameters must be an array");
      return problems;
    }
    Set<String> names = new HashSet<>();
    for (JsonNode p : parameters) {
      String name = p.path("name").asText("");
      if (!names.add(name)) {
        problems.add("parameter " + name + " appears twice");
      }
    }
    int i = 0;
    for (JsonNode p : parameters) {
      parameter(p, "parameters[" + i++ + "]", names, problems);
    }
    return problems;
  }

  private static void parameter(JsonNode p, String where, Set<String> allNames, List<String> problems) {
    if (!p.isObject()) {
      problems.add(where + " must be an object");
      return;
    }
    String name = p.path("name").asText("");
    String at = name.isEmpty() ? where : "parameter " + name;
    unknownKeys(p, PARAMETER_KEYS, at, problems);
    requireText(p, "name", at, problems);
    if (!name.isEmpty() && !PARAMETER_NAME.matcher(name).matches()) {
      problems.add(at + ": name must be letters, digits and '_', starting with a letter (it becomes --" + name + ")");
    }
    requireText(p, "label", at, problems);
    requireText(p, "helpText", at, problems);
    for (String b : List.of("isOptional", "hiddenUi")) {
      optionalType(p, b, JsonNode::isBoolean, "a boolean", at, problems);
    }
    for (String s : List.of("groupName", "parentName", "defaultValue")) {
      optionalType(p, s, JsonNode::isTextual, "a string", at, problems);
    }
    String paramType = p.path("paramType").asText("TEXT");
    if (p.has("paramType") && !PARAM_TYPES.contains(paramType)) {
      problems.add(at + ": paramType '" + paramType + "' is not a documented ParameterType");
    }
    if (p.has("customMetadata")) {
      JsonNode c = p.get("customMetadata");
      if (!c.isObject()) {
        problems.add(at + ": customMetadata must be an object of strings");
      } else {
        c.fields().forEachRemaining(f -> {
          if (!f.getValue().isTextual()) {
            problems.add(at + ": customMetadata." + f.getKey() + " must be a string");
          }
        });
      }
    }
    if (p.has("parentName") && !allNames.contains(p.get("parentName").asText())) {
      problems.add(at + ": parentName '" + p.get("parentName").asText() + "' is not a parameter");
    }
    if (p.has("parentTriggerValues") && !p.has("parentName")) {
      problems.add(at + ": parentTriggerValues without parentName");
    }
    stringArray(p, "parentTriggerValues", at, problems);

    List<Pattern> regexes = new ArrayList<>();
    for (String r : stringArray(p, "regexes", at, problems)) {
      if (NOT_RE2.matcher(r).find()) {
        problems.add(at + ": regex " + r + " uses lookaround, a backreference or a possessive quantifier,"
            + " which Dataflow's RE2 does not support");
      }
      try {
        regexes.add(Pattern.compile(r));
      } catch (PatternSyntaxException e) {
        problems.add(at + ": regex " + r + " does not compile: " + e.getDescription());
      }
    }
    List<String> enumValues = new ArrayList<>();
    if (p.has("enumOptions")) {
      JsonNode options = p.get("enumOptions");
      if (!options.isArray() || options.isEmpty()) {
        problems.add(at + ": enumOptions must be a non-empty array");
      } else {
        for (JsonNode o : options) {
          unknownKeys(o, ENUM_OPTION_KEYS, at + " enum option", problems);
          String v = o.path("value").asText("");
          if (v.isEmpty()) {
            problems.add(at + ": an enum option has no value");
          } else if (enumValues.contains(v)) {
            problems.add(at + ": enum option " + v + " appears twice");
          } else {
            enumValues.add(v);
          }
          for (Pattern r : regexes) {
            if (!v.isEmpty() && !r.matcher(v).matches()) {
              problems.add(at + ": enum option " + v + " does not match its regex " + r.pattern());
            }
          }
        }
      }
      if (!"ENUM".equals(paramType)) {
        problems.add(at + ": enumOptions need paramType ENUM");
      }
    } else if ("ENUM".equals(paramType)) {
      problems.add(at + ": paramType ENUM needs enumOptions");
    }
    if (p.has("defaultValue") && p.get("defaultValue").isTextual()) {
      String d = p.get("defaultValue").asText();
      for (Pattern r : regexes) {
        if (!r.matcher(d).find()) {
          problems.add(at + ": defaultValue '" + d + "' does not match its own regex " + r.pattern());
        }
      }
      if (!enumValues.isEmpty() && !enumValues.contains(d)) {
        problems.add(at + ": defaultValue '" + d + "' is not one of its enumOptions");
      }
    }
    if (SECRET_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches()) {
      boolean takesSecretNames = !regexes.isEmpty()
          && regexes.stream().allMatch(r -> r.matcher("projects/p/secrets/s/versions/1").matches())
          && regexes.stream().anyMatch(r -> !r.matcher("hunter2").find());
      if (!takesSecretNames) {
        problems.add(at + ": a secret parameter must only accept Secret Manager names"
            + " (a regex such as " + SecretReference.SECRET_VERSION_REGEX + ")");
      }
    }
  }

  private static List<String> stringArray(JsonNode node, String key, String at, List<String> problems) {
    List<String> out = new ArrayList<>();
    if (!node.has(key)) {
      return out;
    }
    JsonNode a = node.get(key);
    if (!a.isArray()) {
      problems.add(at + ": " + key + " must be an array of strings");
      return out;
    }
    for (JsonNode s : a) {
      if (!s.isTextual()) {
        problems.add(at + ": " + key + " must be an array of strings");
      } else {
        out.add(s.asText());
      }
    }
    return out;
  }

  private static void unknownKeys(JsonNode node, Set<String> allowed, String at, List<String> problems) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
      String k = it.next();
      if (!allowed.contains(k)) {
        problems.add(at + ": '" + k + "' is not a documented field");
      }
    }
  }

  private static void requireText(JsonNode node, String key, String at, List<String> problems) {
    JsonNode v = node.get(key);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      problems.add(at + ": " + key + " is required (a non-empty string)");
    }
  }

  private static void optionalType(JsonNode node, String key, java.util.function.Predicate<JsonNode> ok,
      String expected, String at, List<String> problems) {
    if (node.has(key) && !ok.test(node.get(key))) {
      problems.add(at + ": " + key + " must be " + expected);
    }
  }
}
