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
    assertEquals("{\"id\":\"x\",\"_timestamp\":\"2024-01-01T00:00:00+00:00\",\"_token\":\"" + StoredToken.of(r)
        + "\",\"_scope\":\"a/b\",\"_lookup\":\"" + LookupKey.encode("x", StoredToken.of(r)) + "\"}", doc);
    String file = IndexOperations.indexJson(r.withTimestamp("2020-02-02T00:00:00+00:00"), "2024-01-01T00:00:00+00:00");
    assertTrue(file.contains("\"_timestamp\":\"2020-02-02T00:00:00+00:00\""), file);
  }

  @Test
  void theLookupKeyHoldsTheIdAndTheTokenStoredAndASourceFieldOfThatNameIsDropped() throws Exception {
    SourceRecord r = SourceRecord.of("a\u00e9,b", "tok", Scope.of("t"), "{\"_lookup\":\"spoof\",\"x\":1}");
    com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(IndexOperations.indexJson(r, "2024-01-01T00:00:00+00:00"));
    assertEquals(new LookupKey.Entry(LookupKey.idHash("a\u00e9,b"), doc.path("_token").asText()),
        LookupKey.decode(doc.path("_lookup").asText()));
    assertEquals(StoredToken.of(r), doc.path("_token").asText());

    com.fasterxml.jackson.databind.node.ObjectNode retry = IndexOperations.document(r, "2024-01-01T00:00:00+00:00");
    IndexOperations.markForRetry(retry);
    assertEquals(StoredToken.RETRY, retry.path("_token").asText());
    assertEquals(new LookupKey.Entry(LookupKey.idHash("a\u00e9,b"), StoredToken.RETRY), LookupKey.decode(retry.path("_lookup").asText()),
        "a document marked for retry reads as such through its lookup key too");
  }

  @Test
  void theStreamingDocumentEqualsTheTreeDocument() {
    SourceRecord r = SourceRecord.of("k\u00e9y", "tok", Scope.of("t"),
        "{\"id\":5,\"name\":\"a \\\"q\\\" \\u0001 \u00e9\",\"nested\":{\"id\":[1,2.50,{\"x\":null}],\"_scope\":true},"
            + "\"_token\":\"spoof\",\"e\":[],\"o\":{},\"f\":false,\"big\":1.000000000000000000001}");
    String streamed = IndexOperations.indexJson(r, "2024-01-01T00:00:00+00:00");
    assertEquals(IndexOperations.toJson(IndexOperations.document(r, "2024-01-01T00:00:00+00:00")), streamed);
    assertTrue(streamed.startsWith("{\"id\":\"k\u00e9y\",\"name\""), streamed);
    assertEquals("k\u00e9y", IndexOperations.idOf(streamed));
    assertTrue(streamed.contains("\"nested\":{\"id\":[1,2.50,{\"x\":null}],\"_scope\":true}"), streamed);
  }

  @Test
  void theSplicedDocumentEqualsTheTreeDocument() {
    String seenAt = "2024-01-01T00:00:00+00:00";
    String[] spliced = {
        "{}",
        "{\"a\":1}",
        "{\"t_payload\":\"x\\\"y\\n\u00e9\ud83d\ude00\",\"n\":12.50,\"big\":1.000000000000000000001,\"o\":{\"k\":[1,null,true]},\"Database\":\"d\"}",
        "{\"ids\":\"idx\",\"_tokens\":1,\"scope\":\"s\"}"};
    for (String fields : spliced) {
      SourceRecord r = SourceRecord.of("k\"\u00e9\\y", "tok", Scope.of("a/b", "c"), fields);
      assertTrue(IndexOperations.splicable(fields), fields);
      String doc = IndexOperations.indexJson(r, seenAt);
      assertEquals(IndexOperations.toJson(IndexOperations.document(r, seenAt)), doc, fields);
      assertEquals("k\"\u00e9\\y", IndexOperations.idOf(doc));
    }
    // Anything that could hold an engine field, or spell one in escapes, takes the streaming path.
    String[] streamed = {
        "{\"id\":1}", "{\"x\":\"id\"}", "{\"\\u0069d\":2,\"b\":3}", "{\"o\":{\"_scope\":1}}", "{ \"a\":1}", "[1]", "\"s\"",
        "{\"_lookup\":\"spoof\",\"a\":1}"};
    for (String fields : streamed) {
      assertEquals(false, IndexOperations.splicable(fields), fields);
      SourceRecord r = SourceRecord.of("x", "tok", Scope.of("t"), fields);
      assertEquals(IndexOperations.toJson(IndexOperations.document(r, seenAt)), IndexOperations.indexJson(r, seenAt), fields);
    }
    assertTrue(IndexOperations.indexJson(SourceRecord.of("x", "t", Scope.of("t"), "{\"\\u0069d\":2,\"b\":3}"), seenAt)
        .startsWith("{\"id\":\"x\",\"b\":3,"));
  }

  @Test
  void aDeleteIsExactlyTheMarkerOperationOfItsId() {
    String del = IndexOperations.deleteJson("x");
    assertTrue(IndexOperations.isDelete(del, "x"));
    assertEquals("x", IndexOperations.idOf(del));
    SourceRecord sneaky = SourceRecord.of("x", "t", Scope.of("t"), "{\"__bc_delete\":true}");
    String doc = IndexOperations.indexJson(sneaky, "2024-01-01T00:00:00+00:00");
    assertEquals(false, IndexOperations.isDelete(doc, "x"));
    assertEquals(null, IndexOperations.idOf("{\"name\":\"x\",\"id\":\"x\"}"));
  }

  @Test
  void invalidFieldsNameTheRecord() {
    SourceRecord bad = SourceRecord.of("row-7", "", Scope.of("t"), "{\"a\":");
    java.io.UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class,
        () -> IndexOperations.indexJson(bad, "2024-01-01T00:00:00+00:00"));
    assertTrue(e.getMessage().contains("row-7"), e.getMessage());
  }
}
