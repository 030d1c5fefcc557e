package io.beamconnectors.sources.s3;

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
import io.beamconnectors.sources.SourceRecord;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3ConnectorTest {
  private final S3Connector connector = new S3Connector();

  private ConnectorConfiguration config(Map<String, Object> values) {
    return connector.configuration(values);
  }

  @Test
  void idIsMd5OfBucketSlashKey() {
    // printf 'b/a.txt' | md5sum
    assertEquals("17bd983bbf2dea1d05de707f77bd9d69", S3Documents.id("b", "a.txt"));
  }

  @Test
  void tokenIsTimeSizeAndEtagAndTimeIsPythonIsoformat() {
    Instant t = Instant.parse("2023-05-01T12:00:00.123Z");
    SourceRecord a = S3Documents.record("b", "k", 3, t, "\"aaa\"", "", "STANDARD");
    SourceRecord b = S3Documents.record("b", "k", 3, t, "\"bbb\"", "", "STANDARD");
    assertEquals("2023-05-01T12:00:00.123000+00:00;3;\"aaa\"", a.token());
    assertNotEquals(a.token(), b.token(), "a same-second, same-size overwrite changes the ETag");
    assertEquals(a.fieldsJson(), b.fieldsJson());
    assertEquals("2023-05-01T12:00:00.123000+00:00", a.timestamp());
    assertEquals("2023-05-01T12:00:00.000001+00:00",
        S3Documents.record("b", "k", 3, Instant.parse("2023-05-01T12:00:00.000001999Z"), null, "", null).timestamp());
  }

  @Test
  void scopeIsBucketAndParentPath() {
    assertEquals("b", S3Documents.record("b", "a.txt", 1, Instant.EPOCH, null, "", null).scope());
    assertEquals("b/x/y", S3Documents.record("b", "x/y/a.txt", 1, Instant.EPOCH, null, "", null).scope());
    // a folder key lies under its own prefix unit, so a failed unit keeps it
    assertEquals("b/x", S3Documents.record("b", "x/", 0, Instant.EPOCH, null, "", null).scope());
  }

  @Test
  void recordCarriesFieldsAndContentForFilesOnly() throws Exception {
    SourceRecord file = S3Documents.record("b", "d/r.pdf", 12, Instant.parse("2024-01-02T03:04:05Z"), "\"e\"", null,
        "STANDARD");
    JsonNode f = new ObjectMapper().readTree(file.fieldsJson());
    assertEquals("d/r.pdf", f.path("filename").asText());
    assertEquals(12, f.path("size_in_bytes").asLong());
    assertEquals("b", f.path("bucket").asText());
    assertEquals("", f.path("owner").asText());
    assertEquals("STANDARD", f.path("storage_class").asText());
    assertEquals("2024-01-02T03:04:05+00:00", file.timestamp());
    assertEquals("2024-01-02T03:04:05+00:00;12;\"e\"", file.token());
    assertEquals("b/d/r.pdf", file.content().location());
    assertEquals("d/r.pdf", file.content().fileName());
    assertEquals(List.of("b", "d/r.pdf"), List.of(ObjectLocation.parse("b/d/r.pdf").container(), ObjectLocation.parse("b/d/r.pdf").key()));
    assertNull(S3Documents.record("b", "d/", 0, Instant.EPOCH, null, "me", "STANDARD").content());
  }

  @Test
  void bucketLocationBecomesRegion() {
    assertEquals("us-east-1", S3Clients.normalizeLocation(null));
    assertEquals("us-east-1", S3Clients.normalizeLocation(""));
    assertEquals("eu-west-1", S3Clients.normalizeLocation("EU"));
    assertEquals("ap-south-1", S3Clients.normalizeLocation("ap-south-1"));
  }

  @Test
  void defaultsFollowTheReference() {
    ConnectorConfiguration c = config(Map.of());
    assertEquals(List.of("ent-search-ingest-dev"), c.getList(S3Connector.BUCKETS));
    assertEquals(90, c.getInt(S3Connector.READ_TIMEOUT));
    assertEquals(90, c.getInt(S3Connector.CONNECT_TIMEOUT));
    assertEquals(5, c.getInt(S3Connector.MAX_ATTEMPTS));
    assertEquals(100, c.getInt(S3Connector.PAGE_SIZE));
    assertFalse(c.getBoolean(S3Connector.PATH_STYLE));
    assertTrue(connector.configurationSpec().field(S3Connector.SECRET_ACCESS_KEY).get().sensitive());
    connector.validate(c);
  }

  @Test
  void badConfigurationNamesTheFieldAndHidesTheSecret() {
    Map<String, Object> v = new HashMap<>();
    v.put("buckets", "s3://my-bucket/x");
    v.put("aws_secret_access_key", "TopSecretValue123");
    v.put("endpoint", "ftp://host");
    v.put("page_size", "0");
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> connector.validate(config(v)));
    assertTrue(e.getMessage().contains("(page_size)"), e.getMessage());
    v.put("page_size", "10");
    e = assertThrows(ConfigurationException.class, () -> connector.validate(config(v)));
    assertTrue(e.getMessage().contains("(buckets)"), e.getMessage());
    assertTrue(e.getMessage().contains("(aws_access_key_id)"), e.getMessage());
    assertTrue(e.getMessage().contains("(endpoint)"), e.getMessage());
    assertFalse(e.getMessage().contains("TopSecretValue123"), e.getMessage());
    assertFalse(config(v).toString().contains("TopSecretValue123"));
  }
}
