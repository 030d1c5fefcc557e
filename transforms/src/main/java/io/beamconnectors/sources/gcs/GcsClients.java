package io.beamconnectors.sources.gcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.gax.retrying.RetrySettings;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.ServiceOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.Secrets;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the GCS configuration (credentials JSON, project, emulator host) and builds clients. */
final class GcsClients {
  static final String READ_ONLY_SCOPE = "https://www.googleapis.com/auth/devstorage.read_only";
  private static final ObjectMapper JSON = new ObjectMapper();

  private GcsClients() {}

  static String emulatorHost(ConnectorConfiguration config) {
    String h = config.getString(GcsConnector.EMULATOR_HOST);
    return h == null || h.isBlank() ? null : h.trim();
  }

  /** The credentials as a JSON object; throws a ConfigurationException that quotes none of it. */
  static ObjectNode credentialsJson(ConnectorConfiguration config) {
    String raw = config.getString(GcsConnector.SERVICE_ACCOUNT_CREDENTIALS);
    if (raw == null || raw.isBlank()) {
      throw new ConfigurationException(
          "'Google Cloud service account JSON' (service_account_credentials) cannot be empty:"
              + " paste the service account key file (JSON)");
    }
    JsonNode node;
    try {
      node = JSON.readTree(raw);
    } catch (IOException e) {
      throw new ConfigurationException(
          "'Google Cloud service account JSON' (service_account_credentials) is not valid JSON:"
              + " paste the whole key file downloaded from the Google Cloud console");
    }
    if (!(node instanceof ObjectNode obj)) {
      throw new ConfigurationException(
          "'Google Cloud service account JSON' (service_account_credentials) must be a JSON object:"
              + " paste the whole key file downloaded from the Google Cloud console");
    }
    return obj;
  }

  /** The project: the {@code project_id} field, else the credentials' {@code project_id}. */
  static String projectId(ConnectorConfiguration config) {
    String p = config.getString(GcsConnector.PROJECT_ID);
    if (p != null && !p.isBlank()) {
      return p.trim();
    }
    JsonNode fromCreds = credentialsJson(config).get("project_id");
    if (fromCreds == null || !fromCreds.isTextual() || fromCreds.asText().isBlank()) {
      throw new ConfigurationException(
          "'Google Cloud service account JSON' (service_account_credentials) has no project_id:"
              + " use the key file of a service account, or set 'Project ID' (project_id)");
    }
    return fromCreds.asText().trim();
  }

  /** Re-wraps a private key given on one line into PEM lines, as the reference does. */
  static String rewrapPrivateKey(String key) {
    if (key == null || key.contains("\n")) {
      return key;
    }
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    String body = key.replace(begin, "").replace(end, "").replaceAll("\\s+", "");
    StringBuilder sb = new StringBuilder(begin).append('\n');
    for (int i = 0; i < body.length(); i += 64) {
      sb.append(body, i, Math.min(body.length(), i + 64)).append('\n');
    }
    return sb.append(end).append('\n').toString();
  }

  /** The credentials JSON with its private key re-wrapped when needed. */
  static ObjectNode normalizedCredentials(ConnectorConfiguration config) {
    ObjectNode creds = credentialsJson(config);
    JsonNode key = creds.get("private_key");
    if (key != null && key.isTextual()) {
      creds.put("private_key", rewrapPrivateKey(key.asText()));
    }
    return creds;
  }

  /** Every secret value a message could echo: the whole JSON, and its key fields on their own. */
  static List<String> secrets(ConnectorConfiguration config) {
    List<String> out = new ArrayList<>(Secrets.of(config));
    try {
      ObjectNode creds = credentialsJson(config);
      for (String f : List.of("private_key", "private_key_id", "client_secret", "refresh_token")) {
        JsonNode v = creds.get(f);
        if (v != null && v.isTextual()) {
          out.add(v.asText());
          out.add(rewrapPrivateKey(v.asText()));
          // Key bodies are often quoted line by line.
          for (String line : (v.asText() + "\n" + rewrapPrivateKey(v.asText())).split("\n")) {
            if (line.length() >= 16 && !line.startsWith("-----")) {
              out.add(line);
            }
          }
        }
      }
    } catch (ConfigurationException e) {
      // not JSON: the whole value is already in the list
    }
    return out;
  }

  static RetrySettings retrySettings(ConnectorConfiguration config) {
    int retries = Math.max(0, config.getInt(GcsConnector.RETRY_COUNT));
    return ServiceOptions.getDefaultRetrySettings().toBuilder().setMaxAttempts(retries + 1).build();
  }

  /** A client for this configuration: the emulator with no credentials, or GCS with the service account. */
  static Storage open(ConnectorConfiguration config) throws IOException {
    StorageOptions.Builder b = StorageOptions.newBuilder()
        .setProjectId(projectId(config))
        .setRetrySettings(retrySettings(config));
    String emulator = emulatorHost(config);
    if (emulator != null) {
      b.setHost(emulator).setCredentials(NoCredentials.getInstance());
    } else {
      byte[] json = normalizedCredentials(config).toString().getBytes(StandardCharsets.UTF_8);
      ServiceAccountCredentials creds;
      try {
        creds = ServiceAccountCredentials.fromStream(new ByteArrayInputStream(json));
      } catch (IOException | RuntimeException e) {
        throw new IOException("the service account credentials cannot be loaded ("
            + e.getClass().getSimpleName() + "): check service_account_credentials is a service account key file");
      }
      b.setCredentials(creds.createScoped(List.of(READ_ONLY_SCOPE)));
    }
    return b.build().getService();
  }
}
