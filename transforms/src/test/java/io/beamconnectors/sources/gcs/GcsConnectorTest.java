package io.beamconnectors.sources.gcs;

import io.beamconnectors.sources.ObjectLocation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.Secrets;
import io.beamconnectors.sources.SourceRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GcsConnectorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7" + "A".repeat(100);
  private static final String CREDS = "{\"type\":\"service_account\",\"project_id\":\"my-proj\","
      + "\"private_key_id\":\"abcdef0123456789\",\"private_key\":\"-----BEGIN PRIVATE KEY-----" + KEY_BODY
      + "-----END PRIVATE KEY-----\",\"client_email\":\"x@my-proj.iam.gserviceaccount.com\"}";
  private final GcsConnector connector = new GcsConnector();

  private ConnectorConfiguration config(Map<String, Object> values) {
    return connector.configuration(values);
  }

  private static GcsDocuments.GcsObject object(String bucket, String name, Long size) {
    return new GcsDocuments.GcsObject(bucket, name, 1700000000123456L, bucket + "/" + name + "/1700000000123456",
        null, null, null, 1714564800000L, 1714564800123L, Map.of("k", "v"), size, "STANDARD", "text/plain");
  }

  @Test
  void specFollowsTheReference() {
    var spec = connector.configurationSpec();
    var creds = spec.field("service_account_credentials").orElseThrow();
    assertTrue(creds.sensitive());
    assertTrue(creds.required());
    assertNull(creds.defaultValue());
    assertEquals(3L, spec.field("retry_count").orElseThrow().defaultValue());
    assertEquals("*", spec.field("buckets").orElseThrow().defaultValue());
    assertEquals("google_cloud_storage", connector.serviceType());
  }

  @Test
  void validConfigurationPasses() {
    connector.validate(config(Map.of("service_account_credentials", CREDS)));
    assertEquals("my-proj", GcsClients.projectId(config(Map.of("service_account_credentials", CREDS))));
    assertEquals("other", GcsClients.projectId(config(Map.of("service_account_credentials", CREDS,
        "project_id", "other"))));
  }

  @Test
  void badCredentialsNameTheFieldAndLeakNothing() {
    String secretish = "{not json private-key-material-123";
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> connector.validate(config(Map.of("service_account_credentials", secretish))));
    assertTrue(e.getMessage().contains("service_account_credentials"), e.getMessage());
    assertFalse(e.getMessage().contains("private-key-material"), e.getMessage());

    ConfigurationException noProject = assertThrows(ConfigurationException.class,
        () -> connector.validate(config(Map.of("service_account_credentials", "{\"type\":\"service_account\"}"))));
    assertTrue(noProject.getMessage().contains("project_id"), noProject.getMessage());

    ConfigurationException empty = assertThrows(ConfigurationException.class,
        () -> connector.validate(config(Map.of())));
    assertTrue(empty.getMessage().contains("service_account_credentials"), empty.getMessage());
  }

  @Test
  void emulatorWithProjectNeedsNoProjectInCredentials() {
    Map<String, Object> v = new HashMap<>();
    v.put("service_account_credentials", "{}");
    v.put("emulator_host", "http://127.0.0.1:19110");
    v.put("project_id", "demo-x");
    connector.validate(config(v));
    v.put("emulator_host", "127.0.0.1:19110");
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> connector.validate(config(v)));
    assertTrue(e.getMessage().contains("emulator_host"), e.getMessage());
    v.put("emulator_host", "http://127.0.0.1:19110");
    v.put("buckets", "a,b/c");
    e = assertThrows(ConfigurationException.class, () -> connector.validate(config(v)));
    assertTrue(e.getMessage().contains("buckets"), e.getMessage());
    v.put("retry_count", "many");
    e = assertThrows(ConfigurationException.class, () -> connector.validate(config(v)));
    assertTrue(e.getMessage().contains("retry_count"), e.getMessage());
  }

  @Test
  void privateKeyIsRewrappedAndRedacted() throws Exception {
    ConnectorConfiguration c = config(Map.of("service_account_credentials", CREDS));
    String key = GcsClients.normalizedCredentials(c).get("private_key").asText();
    assertTrue(key.startsWith("-----BEGIN PRIVATE KEY-----\n"));
    assertTrue(key.endsWith("\n-----END PRIVATE KEY-----\n"));
    for (String line : key.split("\n")) {
      assertTrue(line.length() <= 64, line);
    }
    assertEquals(key, GcsClients.rewrapPrivateKey(key), "a wrapped key is left alone");
    List<String> secrets = GcsClients.secrets(c);
    String leaked = Secrets.redact("oops " + KEY_BODY.substring(0, 64) + " and abcdef0123456789", secrets);
    assertFalse(leaked.contains(KEY_BODY.substring(0, 64)), leaked);
    assertFalse(leaked.contains("abcdef0123456789"), leaked);
  }

  @Test
  void documentFollowsTheReference() throws Exception {
    GcsDocuments.GcsObject o = object("bkt", "folder a/sub/r\u00e9sum\u00e9 #1.txt", 42L);
    SourceRecord r = GcsDocuments.record(o, "proj");
    assertEquals("bkt/folder a/sub/r\u00e9sum\u00e9 #1.txt/1700000000123456", r.id());
    assertEquals("2024-05-01T12:00:00.123000+00:00;42;1700000000123456", r.token());
    assertEquals("2024-05-01T12:00:00.123000+00:00", r.timestamp());
    assertEquals("bkt/folder a/sub", r.scope());
    JsonNode d = JSON.readTree(r.fieldsJson());
    assertEquals("42", d.get("size").asText());
    assertTrue(d.get("size").isTextual());
    assertEquals("1700000000123456", d.get("version").asText());
    assertEquals("2024-05-01T12:00:00.000Z", d.get("created_at").asText());
    assertEquals("2024-05-01T12:00:00.123Z", d.get("last_updated").asText());
    assertEquals("v", d.get("metadata").get("k").asText());
    assertTrue(d.get("component_count").isNull());
    assertEquals("STANDARD", d.get("storage_class").asText());
    assertEquals("text/plain", d.get("type").asText());
    assertEquals("bkt", d.get("bucket_name").asText());
    assertEquals("https://console.cloud.google.com/storage/browser/_details/bkt/folder%20a/sub/r%C3%A9sum%C3%A9%20%231.txt"
        + ";tab=live_object?project=proj", d.get("url").asText());
    assertEquals("bkt/folder a/sub/r\u00e9sum\u00e9 #1.txt", r.content().location());
    assertEquals(".txt", r.content().extension());
    assertEquals(42L, r.content().sizeBytes());
  }

  @Test
  void foldersAndEmptyObjectsHaveNoContent() {
    SourceRecord folder = GcsDocuments.record(object("bkt", "a/b/", 0L), "p");
    assertNull(folder.content());
    assertEquals("bkt/a/b", folder.scope(), "a placeholder lies in the unit that lists it");
    assertNull(GcsDocuments.record(object("bkt", "empty.txt", 0L), "p").content());
    assertEquals("bkt", GcsDocuments.record(object("bkt", "root.txt", 3L), "p").scope());
  }

  @Test
  void anOverwriteChangesGenerationIdAndToken() {
    GcsDocuments.GcsObject before = object("bkt", "a.txt", 3L);
    GcsDocuments.GcsObject after = new GcsDocuments.GcsObject("bkt", "a.txt", 1700000000123457L, null, null, null,
        null, before.createTimeMillis(), before.updateTimeMillis(), Map.of("k", "v"), 3L, "STANDARD", "text/plain");
    assertNotEquals(GcsDocuments.token(before), GcsDocuments.token(after));
    assertEquals("bkt/a.txt/1700000000123457", GcsDocuments.id(after), "the id is rebuilt when the API gives none");
    GcsDocuments.GcsObject noMetadata = new GcsDocuments.GcsObject("bkt", "a.txt", 1L, null, null, null, null, null,
        null, null, null, null, null);
    assertEquals(";0;1", GcsDocuments.token(noMetadata));
    assertNull(GcsDocuments.record(noMetadata, "p").timestamp());
    assertTrue(GcsDocuments.fields(noMetadata, "p").get("metadata").isNull());
  }

  @Test
  void bucketAndPathLocationsSplitAtTheFirstSlash() {
    ObjectLocation bn = ObjectLocation.parse("bkt/a/b/c.txt");
    assertEquals("bkt", bn.container());
    assertEquals("a/b/c.txt", bn.key());
  }
}
