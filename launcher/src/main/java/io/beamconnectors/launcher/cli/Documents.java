package io.beamconnectors.launcher.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.sources.ConfigurableField;
import io.beamconnectors.sources.SourceConnector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Building and showing connector documents for the CLI. */
final class Documents {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String DEFAULT_CRON = "0 0 0 * * ?";

  private Documents() {}

  /** A new custom connector in the 9.x shape (what {@code PUT _connector/{id}} writes). */
  static ObjectNode newConnector(String id, String name, String serviceType, String indexName, ObjectNode configuration) {
    ObjectNode c = JSON.createObjectNode();
    c.putNull("api_key_id");
    c.putNull("api_key_secret_id");
    c.set("configuration", configuration == null ? JSON.createObjectNode() : configuration);
    c.putObject("custom_scheduling");
    c.put("deleted", false);
    c.putNull("description");
    c.putNull("error");
    c.putObject("features");
    ObjectNode filtering = c.putArray("filtering").addObject();
    filtering.put("domain", "DEFAULT");
    filtering.set("active", defaultFilter());
    filtering.set("draft", defaultFilter());
    c.put("index_name", indexName);
    c.put("is_native", false);
    c.putNull("language");
    for (String f : new String[] {"last_access_control_sync_error", "last_access_control_sync_scheduled_at",
        "last_access_control_sync_status", "last_deleted_document_count", "last_incremental_sync_scheduled_at",
        "last_indexed_document_count", "last_seen", "last_sync_error", "last_sync_scheduled_at", "last_sync_status",
        "last_synced"}) {
      c.putNull(f);
    }
    c.put("name", name == null ? id : name);
    ObjectNode pipeline = c.putObject("pipeline");
    pipeline.put("extract_binary_content", true);
    pipeline.put("name", "search-default-ingestion");
    pipeline.put("reduce_whitespace", true);
    pipeline.put("run_ml_inference", true);
    ObjectNode scheduling = c.putObject("scheduling");
    for (String t : new String[] {"access_control", "full", "incremental"}) {
      scheduling.putObject(t).put("enabled", false).put("interval", DEFAULT_CRON);
    }
    c.put("service_type", serviceType);
    c.put("status", configuration == null || configuration.isEmpty() ? "created" : "configured");
    c.putNull("sync_cursor");
    return c;
  }

  private static ObjectNode defaultFilter() {
    ObjectNode f = JSON.createObjectNode();
    f.putObject("advanced_snippet").putObject("value");
    ObjectNode rule = f.putArray("rules").addObject();
    rule.put("id", "DEFAULT").put("policy", "include").put("field", "_").put("rule", "regex").put("value", ".*")
        .put("order", 0);
    ObjectNode validation = f.putObject("validation");
    validation.put("state", "valid");
    validation.putArray("errors");
    return f;
  }

  /** Reads a configuration file: {@code {"field": value}} or the document form {@code {"field": {"value": v}}}. */
  static ObjectNode readValues(Path file) throws IOException {
    if (!Files.isReadable(file)) {
      throw new CommandFailure(ExitCodes.BAD_INPUT, "--configuration file '" + file + "' cannot be read: check the path");
    }
    JsonNode n;
    try {
      n = JSON.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      // Only the position: the parser's message can quote the file, secrets included.
      throw new CommandFailure(ExitCodes.BAD_INPUT, "--configuration file '" + file + "' is not valid JSON"
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ")") + ": fix the syntax there");
    }
    if (n == null || !n.isObject()) {
      throw new CommandFailure(ExitCodes.BAD_INPUT, "--configuration file '" + file + "' must hold a JSON object of"
          + " field names to values");
    }
    return (ObjectNode) n;
  }

  /**
   * The connector document's {@code configuration}: the existing one (or the source's defaults)
   * with the given values set. A name the source does not have is an error naming it.
   */
  static ObjectNode mergeConfiguration(SourceConnector source, JsonNode existing, ObjectNode values) {
    ObjectNode merged = JSON.valueToTree(source.configurationSpec().toReferenceFormat());
    if (existing != null && existing.isObject()) {
      existing.properties().forEach(e -> {
        if (e.getValue().isObject() && merged.has(e.getKey())) {
          ((ObjectNode) merged.get(e.getKey())).set("value", e.getValue().get("value"));
        }
      });
    }
    for (Map.Entry<String, JsonNode> e : values.properties()) {
      if (!merged.has(e.getKey())) {
        throw new CommandFailure(ExitCodes.BAD_INPUT, "configuration field '" + e.getKey() + "' is not a field of "
            + source.serviceType() + ": use one of " + source.configurationSpec().fields().stream()
            .map(ConfigurableField::name).toList());
      }
      JsonNode v = e.getValue();
      if (v.isObject() && v.has("value")) {
        v = v.get("value");
      }
      ((ObjectNode) merged.get(e.getKey())).set("value", v);
    }
    return merged;
  }

  /** A copy with sensitive configuration values replaced by a mask (for show commands). */
  static JsonNode masked(JsonNode doc, String... configurationPath) {
    ObjectNode copy = doc.deepCopy();
    JsonNode conf = copy;
    for (String p : configurationPath) {
      conf = conf.path(p);
    }
    if (conf.isObject()) {
      conf.properties().forEach(e -> {
        JsonNode f = e.getValue();
        if (f.isObject() && f.path("sensitive").asBoolean(false) && !f.path("value").asText("").isEmpty()) {
          ((ObjectNode) f).put("value", "********");
        }
      });
    }
    return copy;
  }
}
