package io.beamconnectors.launcher.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Secret values to keep out of messages: the values of configuration entries marked
 * {@code sensitive: true} in a connector or job document, plus the launcher's own credentials.
 */
public final class JobSecrets {
  private JobSecrets() {}

  public static List<String> of(JsonNode configuration, List<String> launcherSecrets) {
    List<String> out = new ArrayList<>(launcherSecrets);
    if (configuration != null && configuration.isObject()) {
      for (Map.Entry<String, JsonNode> e : configuration.properties()) {
        JsonNode f = e.getValue();
        if (f.isObject() && f.path("sensitive").asBoolean(false)) {
          String v = f.path("value").asText("");
          if (!v.isEmpty()) {
            out.add(v);
          }
        }
      }
    }
    return out;
  }
}
