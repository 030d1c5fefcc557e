package io.beamconnectors.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The request and response shapes of a lookup; the lookup itself runs against the real server in every ftest. */
class IndexLookupTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void asksForTheIdsDocValuesOnly() {
    String body = IndexLookup.body(List.of("a\"1", "", "é")).toString();
    assertEquals("{\"size\":3,\"_source\":false,\"stored_fields\":\"_none_\",\"track_total_hits\":false,\"query\":{\"ids\":{\"values\":[\"a\\\"1\",\"\",\"é\"]}},"
        + "\"docvalue_fields\":[\"id\",\"_token\",\"_scope\"]}", body);
  }

  @Test
  void readsEachHitsTokenAndScopeAndSkipsDocumentsWithoutTheKeywordId() throws Exception {
    String response = "{\"_shards\":{\"failed\":0},\"hits\":{\"hits\":["
        + "{\"_id\":\"a\",\"fields\":{\"id\":[\"a\"],\"_token\":[\"t#1\"],\"_scope\":[\"s/x\"]}},"
        + "{\"_id\":\"legacy\",\"fields\":{\"id\":[\"legacy\"],\"_token\":[\"t#2\"]}},"
        + "{\"_id\":\"foreign\",\"fields\":{}}]}}";
    Map<String, IndexedState> states = IndexLookup.states(JSON.readTree(response), new HashMap<>());
    assertEquals(Map.of("a", new IndexedState("t#1", "s/x"), "legacy", new IndexedState("t#2", "")), states);
  }
}
