package io.beamconnectors.ftest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.ftest.support.IndexInspector;
import io.beamconnectors.ftest.support.ScratchIndex;
import java.io.IOException;
import java.util.Map;
import org.elasticsearch.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bench's warm-up plants copies of an indexed document for its re-sync to delete
 * ({@link WarmJvmSyncs#plantStrays}); against a real Elasticsearch: it copies the smallest of the
 * documents it looks at, in requests that stop growing at the byte cap it is given. A hundred
 * copies of a 1 MiB document in one request were refused (HTTP 429) and failed a bench run.
 */
class WarmUpStraysFtest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INDEX = "ftest-warmup-strays";
  private ScratchIndex scratch;

  @BeforeEach
  void setUp() throws IOException {
    scratch = ScratchIndex.recreate(INDEX);
  }

  @AfterEach
  void tearDown() throws IOException {
    scratch.close();
  }

  @Test
  void copiesTheSmallestDocumentInRequestsCutAtTheByteCap() throws IOException {
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < WarmJvmSyncs.STRAY_CANDIDATES; i++) {
      // One small document among large ones, neither first nor last; the large ones grow with i,
      // so "the first hit" or "the last" is never the smallest by chance.
      String body = i == 7 ? "kleine Datei, 0 ü 😀" : "x".repeat(20_000 + i);
      ObjectNode doc = JSON.createObjectNode().put("id", "doc;" + i).put("body", body).put("size", body.length());
      ObjectNode action = JSON.createObjectNode();
      action.putObject("index").put("_id", "doc;" + i);
      bulk.append(action).append('\n').append(doc).append('\n');
    }
    Request load = new Request("POST", "/" + INDEX + "/_bulk");
    load.addParameter("refresh", "true");
    load.setJsonEntity(bulk.toString());
    scratch.client().performRequest(load);

    WarmJvmSyncs.Planted planted = WarmJvmSyncs.plantStrays(scratch.client(), INDEX, 100, 2_000);

    assertEquals(100, planted.documents());
    // Each copy's two lines are about 140 bytes: 15 of them reach the 2,000-byte cap, so 7 requests.
    assertTrue(planted.requests() >= 5 && planted.requests() <= 10, () -> "requests: " + planted.requests());
    try (IndexInspector inspector = new IndexInspector(scratch.connection())) {
      Map<String, JsonNode> docs = inspector.documents();
      assertEquals(WarmJvmSyncs.STRAY_CANDIDATES + 100, docs.size());
      for (int i = 0; i < 100; i++) {
        JsonNode stray = docs.get("bench-warmup-stray-" + i);
        assertEquals("kleine Datei, 0 ü 😀", stray.path("body").asText(), () -> "a copy of the smallest: " + stray);
      }
    }
    // The bench's own cap (8 MiB): the same hundred copies in one request.
    assertEquals(1, WarmJvmSyncs.plantStrays(scratch.client(), INDEX, 100, WarmJvmSyncs.STRAY_REQUEST_BYTES).requests());
  }

  @Test
  void anEmptyIndexGetsNone() throws IOException {
    WarmJvmSyncs.Planted planted = WarmJvmSyncs.plantStrays(scratch.client(), INDEX, 100, WarmJvmSyncs.STRAY_REQUEST_BYTES);
    assertEquals(new WarmJvmSyncs.Planted(0, 0), planted);
  }
}
