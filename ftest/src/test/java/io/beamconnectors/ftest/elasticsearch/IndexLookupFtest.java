package io.beamconnectors.ftest.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import io.beamconnectors.elasticsearch.IndexLookup;
import io.beamconnectors.elasticsearch.IndexedState;
import io.beamconnectors.ftest.support.IndexInspector;
import io.beamconnectors.ftest.support.ScratchIndex;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link IndexLookup.Session} against the real Elasticsearch: what it finds, that it reads the
 * index as it was when opened, that it survives its point in time going away, and that looking up
 * leaves the shard search-idle (a plain search, the control, wakes it).
 */
class IndexLookupFtest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INDEX = "ftest-index-lookup";
  private ElasticsearchConnection connection;
  private RestClient client;
  private ScratchIndex scratch;

  @BeforeEach
  void setUp() throws IOException {
    scratch = ScratchIndex.recreate(INDEX);
    connection = scratch.connection();
    client = scratch.client();
    // Idle after one second without a search, instead of thirty: the test can watch it happen.
    Request settings = new Request("PUT", "/" + INDEX + "/_settings");
    settings.setJsonEntity("{\"index\":{\"search.idle.after\":\"1s\"}}");
    client.performRequest(settings);
    for (String id : List.of("a", "0", "é/ü 1", "A")) {
      put(id, "#token-" + id, "scope/" + id);
    }
  }

  @AfterEach
  void tearDown() throws IOException {
    scratch.close();
  }

  @Test
  void findsWhatEarlierWritesLeftAndNothingWrittenAfterOpening() throws IOException {
    try (IndexLookup.Session lookups = IndexLookup.Session.open(client, INDEX)) {
      put("later", "#later", "scope/later");
      client.performRequest(new Request("POST", "/" + INDEX + "/_refresh"));
      Map<String, IndexedState> found = lookups.lookup(List.of("a", "0", "é/ü 1", "A", "b", "later", "a ", ""));
      assertEquals(Map.of(
          "a", new IndexedState("#token-a", "scope/a"),
          "0", new IndexedState("#token-0", "scope/0"),
          "é/ü 1", new IndexedState("#token-é/ü 1", "scope/é/ü 1"),
          "A", new IndexedState("#token-A", "scope/A")), found);
    }
  }

  @Test
  void countsWhatTheIndexHeldWhenItOpenedRefreshedFirst() throws IOException {
    Request noRefresh = new Request("PUT", "/" + INDEX + "/_settings");
    noRefresh.setJsonEntity("{\"index\":{\"refresh_interval\":\"-1\"}}");
    client.performRequest(noRefresh);
    Request unrefreshed = new Request("PUT", "/" + INDEX + "/_doc/unrefreshed");
    unrefreshed.setJsonEntity(JSON.createObjectNode().put("id", "unrefreshed").put("_token", "#u").put("_scope", "scope/u").toString());
    client.performRequest(unrefreshed);
    try (IndexLookup.Session lookups = IndexLookup.Session.open(client, INDEX)) {
      assertEquals(5, lookups.heldAtOpen(), "the four documents of setUp and the one not yet refreshed");
      put("later", "#later", "scope/later");
      assertEquals(5, lookups.heldAtOpen());
      assertEquals(Map.of("unrefreshed", new IndexedState("#u", "scope/u")), lookups.lookup(List.of("unrefreshed")));
    }
    IndexInspector.delete(connection);
    try (IndexLookup.Session lookups = IndexLookup.Session.open(client, INDEX)) {
      assertEquals(0, lookups.heldAtOpen(), "a missing index holds nothing");
      assertEquals(Map.of(), lookups.lookup(List.of("a")));
    }
  }

  @Test
  void aPointInTimeThatWentAwayIsOpenedAgain() throws IOException {
    try (IndexLookup.Session lookups = IndexLookup.Session.open(client, INDEX)) {
      assertEquals(1, lookups.lookup(List.of("a")).size());
      // What an expired keep-alive leaves: the session's point in time is gone from the node.
      Request close = new Request("DELETE", "/_pit");
      close.setJsonEntity(JSON.createObjectNode().put("id", lookups.pointInTime()).toString());
      assertTrue(read(client.performRequest(close)).path("succeeded").asBoolean());
      assertEquals(Map.of("A", new IndexedState("#token-A", "scope/A")), lookups.lookup(List.of("A", "missing")));
    }
  }

  @Test
  void anAsynchronousLookupAnswersLikeTheSynchronousOneAndReportsAGonePointInTime() throws Exception {
    try (IndexLookup.Session lookups = IndexLookup.Session.open(client, INDEX)) {
      List<String> ids = List.of("a", "0", "é/ü 1", "b", "");
      assertEquals(lookups.lookup(ids), lookupAsync(lookups, ids));
      assertEquals(Map.of(), lookupAsync(lookups, List.of("", "nothing")));
      Request close = new Request("DELETE", "/_pit");
      close.setJsonEntity(JSON.createObjectNode().put("id", lookups.pointInTime()).toString());
      assertTrue(read(client.performRequest(close)).path("succeeded").asBoolean());
      // Not retried asynchronously: the failure comes back, and the synchronous lookup recovers.
      java.util.concurrent.CompletableFuture<Exception> failed = new java.util.concurrent.CompletableFuture<>();
      lookups.lookupAsync(List.of("a"), (found, failure) -> failed.complete(failure));
      Exception failure = failed.get(1, java.util.concurrent.TimeUnit.MINUTES);
      assertTrue(failure instanceof org.elasticsearch.client.ResponseException, () -> "failure: " + failure);
      assertEquals(404, ((org.elasticsearch.client.ResponseException) failure).getResponse().getStatusLine().getStatusCode());
      assertEquals(Map.of("a", new IndexedState("#token-a", "scope/a")), lookups.lookup(List.of("a")));
      assertEquals(Map.of("0", new IndexedState("#token-0", "scope/0")), lookupAsync(lookups, List.of("0")));
    }
  }

  /** One asynchronous lookup's answer, waited for (a minute at most); its failure is thrown. */
  static Map<String, IndexedState> lookupAsync(IndexLookup.Session lookups, List<String> ids) throws Exception {
    java.util.concurrent.CompletableFuture<Map<String, IndexedState>> answer = new java.util.concurrent.CompletableFuture<>();
    lookups.lookupAsync(ids, (found, failure) -> {
      if (failure != null) {
        answer.completeExceptionally(failure);
      } else {
        answer.complete(found);
      }
    });
    return answer.get(1, java.util.concurrent.TimeUnit.MINUTES);
  }

  @Test
  void lookingUpLeavesTheShardSearchIdleWhereAPlainSearchWakesIt() throws Exception {
    awaitTrue(this::searchIdle, "the shard never went search-idle after its writes");
    // Control: a plain search wakes the shard, so the check below can see a wake-up.
    client.performRequest(new Request("POST", "/" + INDEX + "/_search"));
    assertFalse(searchIdle(), "a plain search should wake the shard");
    awaitTrue(this::searchIdle, "the shard never went back to search-idle");

    try (IndexLookup.Session lookups = IndexLookup.Session.open(client, INDEX)) {
      // Opening the point in time wakes the shard once; lookups through it must not keep it awake.
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      boolean idleWhileLookingUp = false;
      while (!idleWhileLookingUp && System.nanoTime() < deadline) {
        assertEquals(1, lookups.lookup(List.of("a")).size());
        idleWhileLookingUp = searchIdle();
      }
      assertTrue(idleWhileLookingUp, "lookups kept the shard search-active for 20 s");
    }
  }

  /**
   * The engine maps {@code _token} as doc values only: lookups read it, and a user's search for it
   * (the documents marked for retry) still finds exactly what it names, through the doc values.
   */
  @Test
  void aSearchOnTheDocValuesOnlyTokenStillFindsItsDocuments() throws IOException {
    JsonNode mapping = read(client.performRequest(new Request("GET", "/" + INDEX + "/_mapping/field/_token")));
    assertFalse(mapping.path(INDEX).path("mappings").path("_token").path("mapping").path("_token").path("index").asBoolean(true),
        "created by the engine with _token not indexed: " + mapping);
    put("to-retry", "retry", "scope/x");
    put("retry", "#retry", "scope/y");
    Request search = new Request("GET", "/" + INDEX + "/_search");
    search.setJsonEntity("{\"query\":{\"term\":{\"_token\":\"retry\"}}}");
    JsonNode hits = read(client.performRequest(search)).path("hits").path("hits");
    assertEquals(1, hits.size(), hits::toString);
    assertEquals("to-retry", hits.path(0).path("_id").asText());
    try (IndexLookup.Session lookups = IndexLookup.Session.open(client, INDEX)) {
      assertEquals(Map.of("to-retry", new IndexedState("retry", "scope/x")), lookups.lookup(List.of("to-retry")));
    }
  }

  private void put(String id, String token, String scope) throws IOException {
    Request r = new Request("PUT", "/" + INDEX + "/_doc/" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20"));
    r.addParameter("refresh", "true");
    r.setJsonEntity(JSON.createObjectNode().put("id", id).put("_token", token).put("_scope", scope).toString());
    client.performRequest(r);
  }

  private boolean searchIdle() {
    try {
      Request stats = new Request("GET", "/" + INDEX + "/_stats/refresh");
      stats.addParameter("level", "shards");
      JsonNode shard = read(client.performRequest(stats)).path("indices").path(INDEX).path("shards").path("0").path(0);
      return shard.path("search_idle").asBoolean(false);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void awaitTrue(BooleanSupplier condition, String message) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, message);
      Thread.sleep(100);
    }
  }

  private static JsonNode read(org.elasticsearch.client.Response response) throws IOException {
    try (InputStream in = response.getEntity().getContent()) {
      return JSON.readTree(in);
    }
  }
}
