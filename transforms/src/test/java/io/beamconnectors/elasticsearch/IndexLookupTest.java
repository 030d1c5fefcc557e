package io.beamconnectors.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The request and response shapes of a lookup; the lookup itself runs against the real server in every ftest. */
class IndexLookupTest {

  @Test
  void asksForTheIdsDocValuesOnly() throws IOException {
    String head = "{\"size\":3,\"_source\":false,\"stored_fields\":\"_none_\",\"track_total_hits\":false,"
        + "\"query\":{\"ids\":{\"values\":[\"a\\\"1\",\"\",\"é\"]}},";
    assertEquals(head + "\"docvalue_fields\":[\"_lookup\"]}", IndexLookup.body(List.of("a\"1", "", "é"), true).toString());
    assertEquals(head + "\"docvalue_fields\":[\"id\",\"_token\",\"_scope\"]}",
        IndexLookup.body(List.of("a\"1", "", "é"), false).toString());
    org.elasticsearch.client.Request search = IndexLookup.searchRequest(List.of("a"), "pit-1", true);
    assertEquals("pit_id,_shards,hits.hits._score,hits.hits.fields", search.getParameters().get("filter_path"));
    String sent = new String(search.getEntity().getContent().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(sent.endsWith(",\"pit\":{\"id\":\"pit-1\",\"keep_alive\":\"10m\"}}"), sent);
  }

  @Test
  void readsEachHitsTokenAndScopeAndSkipsDocumentsWithoutTheKeywordId() throws Exception {
    String response = "{\"_shards\":{\"failed\":0},\"hits\":{\"hits\":["
        + "{\"_id\":\"a\",\"fields\":{\"id\":[\"a\"],\"_token\":[\"t#1\"],\"_scope\":[\"s/x\"]}},"
        + "{\"_id\":\"legacy\",\"fields\":{\"id\":[\"legacy\"],\"_token\":[\"t#2\"]}},"
        + "{\"_id\":\"foreign\",\"fields\":{}}]}}";
    LookupResponse read = LookupResponse.read(response);
    assertEquals(Map.of("a", new IndexedState("t#1", "s/x"), "legacy", new IndexedState("t#2", "")), read.found());
    assertNull(read.pitId(), "no new point in time: the old one stays");
    assertEquals(3, read.hits(), "every hit counted, the foreign one too");
  }

  @Test
  void aBatchWhoseIdsShareAHashIsNotMatchedByHash() {
    assertEquals(Map.of(LookupKey.idHash("a"), "a", LookupKey.idHash("b"), "b"),
        IndexLookup.byHash(List.of("a", "b", "a"), LookupKey::idHash), "one id twice is no clash");
    assertNull(IndexLookup.byHash(List.of("a", "b"), id -> 7L), "two ids, one hash: the batch is searched the older way");
  }

  @Test
  void readsTheIdAndTokenFromTheLookupKeyAndCountsHitsWithoutOne() throws Exception {
    String id = "a,b\u0000é/\"x";
    String fingerprinted = "t#0123456789abcdef0123456789abcdef";
    Map<Long, String> asked = Map.of(LookupKey.idHash(id), id, LookupKey.idHash("0"), "0");
    String response = "{\"hits\":{\"hits\":["
        + "{\"_score\":1.0,\"fields\":{\"_lookup\":[\"" + LookupKey.encode(id, fingerprinted) + "\"]}},"
        + "{\"_score\":1.0,\"fields\":{\"_lookup\":[\"" + LookupKey.encode("0", "") + "\"]}},"
        + "{\"_score\":1.0,\"fields\":{\"_lookup\":[\"" + LookupKey.encode("not asked", "") + "\"]}},"
        + "{\"_score\":1.0,\"fields\":{\"_lookup\":[\"bm90IG91cnM=\"]}},"
        + "{\"_score\":1.0}]}}";
    LookupResponse read = LookupResponse.read(response, asked::get);
    assertEquals(Map.of(id, new IndexedState(fingerprinted, ""), "0", new IndexedState("", "")), read.found());
    assertEquals(5, read.hits(), "an id not asked for, a value not written by LookupKey and a hit without one are"
        + " counted, not handed on");
    assertEquals(Map.of(), LookupResponse.read(response).found(), "without the ids asked for, no hash stands for an id");
  }

  @Test
  void readsAnUnfilteredAnswerOfAnyShapeTheSameWay() throws Exception {
    // What Elasticsearch sends without filter_path, fields in another order, and shapes a lookup never asks for.
    String response = "{\"pit_id\":\"p2\",\"took\":3,\"timed_out\":false,"
        + "\"hits\":{\"total\":{\"value\":2,\"relation\":\"eq\"},\"max_score\":null,\"hits\":["
        + "{\"_index\":\"i\",\"_score\":1.0,\"sort\":[1,{\"x\":[2]}],\"fields\":{\"_scope\":[\"\"],\"extra\":[{\"o\":[1]}],"
        + "\"_token\":[\"t\\\"é\\u0000#\",\"second\"],\"id\":[\"0\"]}},"
        + "{\"fields\":{\"id\":[],\"_token\":[\"x\"]}},"
        + "{\"fields\":{\"id\":[42],\"_token\":[null],\"_scope\":{\"not\":\"an array\"}}},"
        + "\"not a hit\"]},"
        + "\"_shards\":{\"total\":1,\"successful\":1,\"skipped\":0,\"failed\":0},\"aggregations\":{\"a\":[[]]}}";
    LookupResponse read = LookupResponse.read(response);
    assertEquals(Map.of("0", new IndexedState("t\"é\u0000#", ""), "42", new IndexedState("null", "")), read.found());
    assertEquals("p2", read.pitId());
    assertEquals(Map.of(), LookupResponse.read("{\"hits\":{\"hits\":[]}}").found());
  }

  @Test
  void aFailedShardOrAnAnswerThatIsNoObjectFailsTheLookup() {
    IOException shard = assertThrows(IOException.class, () -> LookupResponse.read("{\"_shards\":{\"failed\":1,"
        + "\"failures\":[{\"reason\":{\"type\":\"node_closed\",\"reason\":\"gone\"}}]},\"hits\":{\"hits\":[]}}"));
    assertTrue(shard.getMessage().contains("failed on 1 shard(s): node_closed: gone"), shard.getMessage());
    assertThrows(IOException.class, () -> LookupResponse.read("[]"));
    assertThrows(IOException.class, () -> LookupResponse.read("{\"hits\":{\"hits\":[{\"fields\":{\"id\":[\"a\"]"));
  }
}
