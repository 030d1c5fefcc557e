package io.beamconnectors.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DocValuesAnswerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<String> read(String page, DocValuesAnswer[] result) throws IOException {
    List<String> seen = new ArrayList<>();
    try (com.fasterxml.jackson.core.JsonParser p = JSON.getFactory().createParser(
        new ByteArrayInputStream(page.getBytes(StandardCharsets.UTF_8)))) {
      result[0] = DocValuesAnswer.read(p, (id, token, scope) -> seen.add(id + "|" + token + "|" + scope));
    }
    return seen;
  }

  @Test
  void everyHitWithAnIdIsHandedOverWithItsTokenAndScopeWhateverTheirShape() throws IOException {
    ObjectNode response = JSON.createObjectNode();
    response.put("pit_id", "pit-2");
    response.put("took", 3);
    response.putObject("_shards").put("total", 1).put("successful", 1).put("failed", 0);
    ObjectNode outer = response.putObject("hits");
    outer.putNull("max_score");
    ArrayNode hits = outer.putArray("hits");
    String[] ids = {"", "0", "a|b", "quote\" and \\ slash", "Straße", "STRASSE", "A", "a", "日本語/ファイル", "\u0000nul"};
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      ObjectNode hit = hits.addObject();
      hit.put("_index", "content");
      hit.putNull("_score");
      ObjectNode fields = hit.putObject("fields");
      // The fields come in any order, some with more than one value.
      if (i % 2 == 0) {
        fields.putArray(IndexFields.SCOPE).add("table/t" + i);
        fields.putArray(IndexFields.ID).add(ids[i]);
        fields.putArray(IndexFields.TOKEN).add("#tok" + i).add("ignored second value");
      } else {
        fields.putArray(IndexFields.TOKEN).add("#tok" + i);
        fields.putArray(IndexFields.ID).add(ids[i]);
        fields.putArray(IndexFields.SCOPE).add("table/t" + i);
      }
      hit.putArray("sort").add(1000L + i);
      expected.add(ids[i] + "|#tok" + i + "|table/t" + i);
    }
    DocValuesAnswer[] page = new DocValuesAnswer[1];
    assertEquals(expected, read(response.toString(), page));
    assertEquals("pit-2", page[0].pitId());
    assertEquals(ids.length, page[0].hits());
    assertEquals("[1009]", page[0].lastSort().toString());
  }

  @Test
  void aHitWithoutAnIdCountsAsAHitButIsNotHandedOverAndMissingValuesAreNull() throws IOException {
    String page = "{\"hits\":{\"hits\":["
        + "{\"fields\":{\"_scope\":[\"s\"]},\"sort\":[1]},"
        + "{\"fields\":{\"id\":[\"x\"]},\"sort\":[2],\"extra\":{\"nested\":[{\"a\":[1,2]}]}},"
        + "{\"fields\":{\"id\":[],\"_token\":[\"t\"]},\"sort\":[3]},"
        + "{\"fields\":{\"id\":[\"y\"],\"_token\":[7],\"_scope\":{\"odd\":true}},\"sort\":[4]}"
        + "]},\"_shards\":{\"failed\":0}}";
    DocValuesAnswer[] result = new DocValuesAnswer[1];
    assertEquals(List.of("x|null|null", "y|7|null"), read(page, result));
    assertEquals(4, result[0].hits());
    assertEquals("[4]", result[0].lastSort().toString());
    assertNull(result[0].pitId());
  }

  @Test
  void anEmptyPageHasNoHitsAndNoSort() throws IOException {
    DocValuesAnswer[] result = new DocValuesAnswer[1];
    assertEquals(List.of(), read("{\"pit_id\":\"p\",\"hits\":{\"hits\":[]}}", result));
    assertEquals(0, result[0].hits());
    assertNull(result[0].lastSort());
  }

  @Test
  void aPageOnWhichAShardFailedThrowsWhereverItsShardsStand() {
    for (String page : List.of(
        "{\"_shards\":{\"failed\":1,\"failures\":[{\"reason\":{\"type\":\"node_closed\",\"reason\":\"gone\"}}]},\"hits\":{\"hits\":[]}}",
        "{\"hits\":{\"hits\":[{\"fields\":{\"id\":[\"x\"]},\"sort\":[1]}]},\"_shards\":{\"failed\":2}}")) {
      IOException e = assertThrows(IOException.class, () -> read(page, new DocValuesAnswer[1]));
      assertTrue(e.getMessage().contains("shard(s)") && e.getMessage().contains("nothing is deleted"), e.getMessage());
    }
    assertThrows(IOException.class, () -> read("[]", new DocValuesAnswer[1]));
  }

  @Test
  void readsWhatTheTreeReadsOnAPageOfTenThousandHits() throws IOException {
    ObjectNode response = JSON.createObjectNode();
    ArrayNode hits = response.putObject("hits").putArray("hits");
    for (int i = 0; i < 10_000; i++) {
      ObjectNode hit = hits.addObject();
      ObjectNode fields = hit.putObject("fields");
      fields.putArray(IndexFields.ID).add(Integer.toString(i, 36) + "/é" + i);
      fields.putArray(IndexFields.TOKEN).add(Integer.toHexString(i * 31));
      fields.putArray(IndexFields.SCOPE).add(i % 3 == 0 ? "" : "scope" + (i % 7));
      hit.putArray("sort").add(i);
    }
    List<String> fromTree = new ArrayList<>();
    for (JsonNode hit : JSON.readTree(response.toString()).path("hits").path("hits")) {
      JsonNode f = hit.path("fields");
      fromTree.add(first(f, IndexFields.ID) + "|" + first(f, IndexFields.TOKEN) + "|" + first(f, IndexFields.SCOPE));
    }
    DocValuesAnswer[] page = new DocValuesAnswer[1];
    assertEquals(fromTree, read(response.toString(), page));
    assertEquals(10_000, page[0].hits());
  }

  /** How the index state was read before: a tree of the page, the first value of each field. */
  private static String first(JsonNode fields, String name) {
    JsonNode v = fields.path(name);
    return v.isArray() && v.size() > 0 ? v.get(0).asText() : null;
  }
}
