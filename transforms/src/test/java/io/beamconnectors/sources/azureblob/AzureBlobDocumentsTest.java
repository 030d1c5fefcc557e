package io.beamconnectors.sources.azureblob;

import io.beamconnectors.sources.ObjectLocation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.SourceRecord;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AzureBlobDocumentsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final OffsetDateTime MODIFIED = OffsetDateTime.of(2023, 5, 1, 12, 0, 0, 0, ZoneOffset.UTC);
  private static final OffsetDateTime CREATED = OffsetDateTime.of(2023, 4, 30, 8, 5, 9, 0, ZoneOffset.UTC);

  private static AzureBlobDocuments.BlobFacts blob(String name, String tier, long size) {
    return new AzureBlobDocuments.BlobFacts("box", name, MODIFIED, "\"0x8DB4A\"", CREATED, "text/plain", size, tier,
        "available", "unlocked", null, Map.of("owner", "alice"));
  }

  @Test
  void timesAreUtcIsoformatWhateverTheOffset() {
    AzureBlobDocuments.BlobFacts b = new AzureBlobDocuments.BlobFacts("box", "a.txt",
        OffsetDateTime.of(2023, 5, 1, 12, 0, 0, 123_456_789, ZoneOffset.ofHours(2)), "\"e\"",
        OffsetDateTime.of(2023, 4, 30, 8, 5, 9, 0, ZoneOffset.ofHoursMinutes(-9, -30)), null, 3, null, null, null,
        null, null);
    SourceRecord r = AzureBlobDocuments.record(b, null);
    assertEquals("2023-05-01T10:00:00.123456+00:00", r.timestamp());
    assertEquals("2023-05-01T10:00:00.123456+00:00;3;\"e\"", r.token());
    assertTrue(r.fieldsJson().contains("\"created_at\":\"2023-04-30T17:35:09+00:00\""), r.fieldsJson());
    assertTrue(r.fieldsJson().contains("\"metadata\":{}"), r.fieldsJson());
  }

  @Test
  void anOverwriteInTheSameSecondWithTheSameSizeChangesTheToken() {
    AzureBlobDocuments.BlobFacts before = blob("a.txt", "Hot", 5);
    AzureBlobDocuments.BlobFacts after = new AzureBlobDocuments.BlobFacts("box", "a.txt", MODIFIED, "\"0x8DB4B\"",
        CREATED, "text/plain", 5, "Hot", "available", "unlocked", null, Map.of("owner", "alice"));
    SourceRecord a = AzureBlobDocuments.record(before, null);
    SourceRecord b = AzureBlobDocuments.record(after, null);
    assertNotEquals(a.token(), b.token());
    assertEquals(a.fieldsJson(), b.fieldsJson());
    assertEquals(a.timestamp(), b.timestamp());
  }

  @Test
  void recordHasReferenceIdTokenAndJsonFields() throws Exception {
    SourceRecord r = AzureBlobDocuments.record(blob("f1/a.txt", "Hot", 12), "{\"team\":\"search\"}");
    assertEquals("box/f1/a.txt", r.id());
    assertEquals("2023-05-01T12:00:00+00:00;12;\"0x8DB4A\"", r.token());
    assertEquals("2023-05-01T12:00:00+00:00", r.timestamp());
    assertEquals("box/f1", r.scope());
    JsonNode f = JSON.readTree(r.fieldsJson());
    assertEquals("f1/a.txt", f.path("title").asText());
    assertEquals("Hot", f.path("tier").asText());
    assertEquals(12, f.path("size").asLong());
    assertEquals("box", f.path("container").asText());
    assertEquals("2023-04-30T08:05:09+00:00", f.path("created_at").asText());
    assertEquals("text/plain", f.path("content_type").asText());
    assertEquals("search", f.path("container_metadata").path("team").asText());
    assertEquals("alice", f.path("metadata").path("owner").asText());
    assertEquals("available", f.path("leasedata").path("state").asText());
    assertEquals("unlocked", f.path("leasedata").path("status").asText());
    assertTrue(f.path("leasedata").path("duration").isNull());
    assertNotNull(r.content());
    assertEquals("box/f1/a.txt", r.content().location());
    assertEquals("f1/a.txt", r.content().fileName());
    assertEquals(12, r.content().sizeBytes());
    assertEquals("box", ObjectLocation.parse(r.content().location()).container());
    assertEquals("f1/a.txt", ObjectLocation.parse(r.content().location()).key());
  }

  @Test
  void archiveTierAndFolderPlaceholdersHaveNoContent() {
    assertNull(AzureBlobDocuments.record(blob("old.txt", "Archive", 10), null).content());
    assertNull(AzureBlobDocuments.record(blob("folder/", "Hot", 0), null).content());
  }

  private static ConnectorConfiguration config(Map<String, Object> values) {
    return new AzureBlobConnector().configuration(values);
  }

  @Test
  void defaultsValidateAndKeyIsSensitive() {
    AzureBlobConnector c = new AzureBlobConnector();
    c.validate(config(Map.of()));
    assertTrue(c.configurationSpec().field("account_key").orElseThrow().sensitive());
    assertEquals(AzureBlobConnector.AZURITE_KEY, config(Map.of()).getString("account_key"));
    assertTrue(AzureBlobSettings.from(config(Map.of())).containers().isEmpty(), "* means every container");
  }

  @Test
  void badValuesNameTheFieldAndNeverTheKey() {
    Map<String, Object> bad = new HashMap<>();
    bad.put("account_key", "not base64 !!secret-value");
    bad.put("blob_endpoint", "ftp://example");
    bad.put("concurrent_downloads", "101");
    bad.put("containers", "Bad_Name,ok-one");
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> new AzureBlobConnector().validate(config(bad)));
    String m = e.getMessage();
    assertTrue(m.contains("(account_key)"), m);
    assertTrue(m.contains("(blob_endpoint)"), m);
    assertTrue(m.contains("(concurrent_downloads)"), m);
    assertTrue(m.contains("(containers)") && m.contains("Bad_Name"), m);
    assertFalse(m.contains("ok-one"), m);
    assertFalse(m.contains("secret-value"), m);
    assertEquals(4, e.problems().size(), m);
  }

  @Test
  void pageSizeIsChecked() {
    AzureBlobStore store = new AzureBlobStore(AzureBlobSettings.from(config(Map.of())));
    assertThrows(IllegalArgumentException.class, () -> store.withPageSize(0));
    assertThrows(IllegalArgumentException.class, () -> store.withPageSize(5001));
    assertEquals("azure_blob_storage", store.withPageSize(2).name());
  }
}
