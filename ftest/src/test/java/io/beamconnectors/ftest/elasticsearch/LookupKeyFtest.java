package io.beamconnectors.ftest.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamconnectors.elasticsearch.ContentIndex;
import io.beamconnectors.elasticsearch.ContentIndex.LookupMapping;
import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import io.beamconnectors.elasticsearch.IndexLookup;
import io.beamconnectors.elasticsearch.IndexOperations;
import io.beamconnectors.elasticsearch.IndexedState;
import io.beamconnectors.elasticsearch.StoredToken;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.Scope;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.ftest.support.IndexInspector;
import io.beamconnectors.ftest.support.ScratchIndex;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code _lookup} against the real Elasticsearch: a lookup reads the id and token from that one
 * binary doc value where the index maps it and every hit has it, and goes the older way (the keyword
 * doc values) with the same answers where not; the mapping is added to an index that lacks it and
 * an index that maps it otherwise is refused before anything is written.
 */
class LookupKeyFtest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INDEX = "ftest-lookup-key";
  private ElasticsearchConnection connection;
  private RestClient client;
  private ScratchIndex scratch;

  @BeforeEach
  void setUp() throws IOException {
    scratch = ScratchIndex.recreate(INDEX);
    connection = scratch.connection();
    client = scratch.client();
  }

  @AfterEach
  void tearDown() throws IOException {
    scratch.close();
  }

  @Test
  void documentsTheEngineWroteAreLookedUpThroughTheirLookupKey() throws Exception {
    // Ids a separator or a length prefix could confuse: empty-looking, NUL, unicode, a case twin.
    Map<String, String> tokens = Map.of(
        "0", writeEngineDocument("0", "", "t"),
        "a\u0000b", writeEngineDocument("a\u0000b", "2024|12|\"etag\"", "t/x"),
        "é,ü 1", writeEngineDocument("é,ü 1", "tok", "t"),
        "A", writeEngineDocument("A", "tok", "t"));
    refresh();
    try (IndexLookup.Session lookups = IndexLookup.Session.open(client, INDEX)) {
      assertTrue(lookups.readsLookupKey(), "the content index maps _lookup readably");
      List<String> ids = List.of("0", "a\u0000b", "é,ü 1", "A", "a", "missing");
      Map<String, IndexedState> expected = Map.of(
          "0", new IndexedState(tokens.get("0"), ""),
          "a\u0000b", new IndexedState(tokens.get("a\u0000b"), ""),
          "é,ü 1", new IndexedState(tokens.get("é,ü 1"), ""),
          "A", new IndexedState(tokens.get("A"), ""));
      assertEquals(expected, lookups.lookup(ids));
      assertEquals(expected, IndexLookupFtest.lookupAsync(lookups, ids));
      assertTrue(lookups.readsLookupKey(), "every hit had its lookup key: still the fast way");
    }
  }

  @Test
  void aDocumentWithoutALookupKeyTurnsTheSessionToTheOlderWayWithTheSameAnswers() throws Exception {
    String engineToken = writeEngineDocument("new", "tok", "t");
    putWithoutLookupKey("old", "#old", "scope/old");
    refresh();
    Map<String, IndexedState> expected = Map.of(
        "new", new IndexedState(engineToken, "t"),
        "old", new IndexedState("#old", "scope/old"));
    try (IndexLookup.Session lookups = IndexLookup.Session.open(client, INDEX)) {
      assertTrue(lookups.readsLookupKey());
      assertEquals(expected, lookups.lookup(List.of("new", "old", "none")), "the batch is searched again the older way");
      assertFalse(lookups.readsLookupKey());
      assertEquals(Map.of("new", new IndexedState(engineToken, "t")), lookups.lookup(List.of("new")));
    }
    try (IndexLookup.Session lookups = IndexLookup.Session.open(client, INDEX)) {
      // Asynchronously the batch comes back failed, as for any failure, and the caller looks it up again.
      CompletableFuture<Exception> failed = new CompletableFuture<>();
      lookups.lookupAsync(List.of("new", "old"), (found, failure) -> failed.complete(failure));
      Exception failure = failed.get(1, TimeUnit.MINUTES);
      assertTrue(failure instanceof IOException && failure.getMessage().contains("_lookup"), () -> "failure: " + failure);
      assertFalse(lookups.readsLookupKey());
      assertEquals(expected, lookups.lookup(List.of("new", "old")));
      assertEquals(expected, IndexLookupFtest.lookupAsync(lookups, List.of("new", "old")));
    }
  }

  @Test
  void anIndexThatMapsTheFieldOtherwiseIsReadTheOlderWayAndRefusedForWriting() throws Exception {
    IndexInspector.delete(connection);
    Request create = new Request("PUT", "/" + INDEX);
    create.setJsonEntity("{\"mappings\":{\"properties\":{\"id\":{\"type\":\"keyword\"},\"_token\":{\"type\":\"keyword\"},"
        + "\"_scope\":{\"type\":\"keyword\"},\"_lookup\":{\"type\":\"keyword\"}}}}");
    client.performRequest(create);
    String token = writeEngineDocument("k", "tok", "t");
    refresh();
    assertEquals(LookupMapping.OTHER, ContentIndex.lookupMapping(client, INDEX));
    try (IndexLookup.Session lookups = IndexLookup.Session.open(client, INDEX)) {
      assertFalse(lookups.readsLookupKey());
      assertEquals(Map.of("k", new IndexedState(token, "t")), lookups.lookup(List.of("k", "x")));
    }
    try (ContentIndex index = new ContentIndex(connection)) {
      ConfigurationException e = assertThrows(ConfigurationException.class, index::ensureLookupField);
      assertEquals("The content index '" + INDEX + "' maps the field '_lookup' other than as binary with doc values, and"
          + " the sync writes that field itself: nothing was synced. Sync into a new index, or reindex this one"
          + " without that field's mapping", e.getMessage());
    }
  }

  @Test
  void theFieldIsAddedToAnIndexThatLacksItAndAMissingIndexReadsAsAbsent() throws Exception {
    assertEquals(LookupMapping.READABLE, ContentIndex.lookupMapping(client, INDEX), "created by the engine");
    IndexInspector.delete(connection);
    assertEquals(LookupMapping.ABSENT, ContentIndex.lookupMapping(client, INDEX), "no index");
    Request create = new Request("PUT", "/" + INDEX);
    create.setJsonEntity("{\"mappings\":{\"properties\":{\"id\":{\"type\":\"keyword\"},\"title\":{\"type\":\"text\"}}}}");
    client.performRequest(create);
    assertEquals(LookupMapping.ABSENT, ContentIndex.lookupMapping(client, INDEX), "an index Kibana or an older version created");
    try (ContentIndex index = new ContentIndex(connection)) {
      index.ensureLookupField();
      index.ensureLookupField();
    }
    assertEquals(LookupMapping.READABLE, ContentIndex.lookupMapping(client, INDEX));
    String token = writeEngineDocument("k", "tok", "t");
    refresh();
    try (IndexLookup.Session lookups = IndexLookup.Session.open(client, INDEX)) {
      assertEquals(Map.of("k", new IndexedState(token, "")), lookups.lookup(List.of("k")));
      assertTrue(lookups.readsLookupKey());
    }
  }

  /** Writes the document the engine writes for a record; returns its stored token. */
  private String writeEngineDocument(String id, String sourceToken, String scope) throws IOException {
    SourceRecord record = SourceRecord.of(id, sourceToken, Scope.of(scope), "{\"title\":\"" + id.length() + "\"}");
    Request r = new Request("PUT", "/" + INDEX + "/_doc/" + encode(id));
    r.setJsonEntity(IndexOperations.indexJson(record, "2024-01-01T00:00:00+00:00"));
    client.performRequest(r);
    return StoredToken.of(record);
  }

  /** A document as versions before {@code _lookup} wrote it. */
  private void putWithoutLookupKey(String id, String token, String scope) throws IOException {
    Request r = new Request("PUT", "/" + INDEX + "/_doc/" + encode(id));
    r.setJsonEntity(JSON.createObjectNode().put("id", id).put("_token", token).put("_scope", scope).toString());
    client.performRequest(r);
  }

  private static String encode(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private void refresh() throws IOException {
    client.performRequest(new Request("POST", "/" + INDEX + "/_refresh"));
  }
}
