package io.beamconnectors.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.sources.Scope;
import io.beamconnectors.sources.SourceRecord;
import org.junit.jupiter.api.Test;

class IndexOperationsTest {
  @Test
  void numbersReachTheDocumentExactly() {
    SourceRecord r = SourceRecord.of("x", "", Scope.of("t"),
        "{\"price\":12.50,\"big\":123456789012345678901234567890.000000001,\"n\":0.00,\"i\":12345678901234567890123}");
    String doc = IndexOperations.indexJson(r, "2024-01-01T00:00:00+00:00");
    assertTrue(doc.contains("\"price\":12.50,"), doc);
    assertTrue(doc.contains("\"big\":123456789012345678901234567890.000000001,"), doc);
    assertTrue(doc.contains("\"n\":0.00,"), doc);
    assertTrue(doc.contains("\"i\":12345678901234567890123,"), doc);
  }

  @Test
  void theEngineFieldsAreAddedAndARowWithoutATimeGetsTheSyncStart() {
    SourceRecord r = SourceRecord.of("x", "tok", Scope.of("a", "b"), "{\"_timestamp\":\"spoofed\"}");
    String doc = IndexOperations.indexJson(r, "2024-01-01T00:00:00+00:00");
    assertEquals("{\"_timestamp\":\"2024-01-01T00:00:00+00:00\",\"id\":\"x\",\"_token\":\"" + StoredToken.of(r)
        + "\",\"_scope\":\"a/b\"}", doc);
    String file = IndexOperations.indexJson(r.withTimestamp("2020-02-02T00:00:00+00:00"), "2024-01-01T00:00:00+00:00");
    assertTrue(file.contains("\"_timestamp\":\"2020-02-02T00:00:00+00:00\""), file);
  }
}
