package io.beamconnectors.ftest.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.ftest.support.IndexInspector;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** What the database suites assert about an index: documented ids, exact documents, engine fields. */
public final class MirrorAssertions {
  private MirrorAssertions() {}

  /**
   * The documented id: every component with '%' as %25 and '_' as %5F, each followed by '_' (the
   * reference's format, made injective; docs/connectors/postgresql.md).
   */
  public static String idOf(String... components) {
    StringBuilder sb = new StringBuilder();
    for (String c : components) {
      sb.append(c.replace("%", "%25").replace("_", "%5F")).append('_');
    }
    return sb.toString();
  }

  /** The engine's fields checked (_timestamp a time, _token a change token) and removed. */
  public static ObjectNode withoutEngineTimes(String id, JsonNode doc) {
    assertTrue(doc.path("_timestamp").asText().matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}.*"),
        "_timestamp of " + id + " is a time: " + doc.path("_timestamp"));
    assertFalse(doc.path("_token").asText().isEmpty(), "_token of " + id);
    ObjectNode copy = (ObjectNode) doc.deepCopy();
    copy.remove("_timestamp");
    copy.remove("_token");
    return copy;
  }

  /** The documents without {@code _timestamp} (when a row was first seen differs between two syncs). */
  public static Map<String, JsonNode> withoutTimestamps(Map<String, JsonNode> docs) {
    Map<String, JsonNode> out = new TreeMap<>();
    docs.forEach((id, doc) -> {
      ObjectNode copy = (ObjectNode) doc.deepCopy();
      copy.remove("_timestamp");
      out.put(id, copy);
    });
    return out;
  }

  /**
   * The index holds exactly {@code expected}: the same ids, and each document whose expected value
   * is not null equal to it, field for field (engine fields aside).
   */
  public static void assertMirrors(Map<String, JsonNode> expected, IndexInspector index) throws IOException {
    Map<String, JsonNode> actual = index.documents();
    assertEquals(expected.keySet(), actual.keySet(), "document ids in the index");
    for (Map.Entry<String, JsonNode> e : expected.entrySet()) {
      ObjectNode doc = withoutEngineTimes(e.getKey(), actual.get(e.getKey()));
      if (e.getValue() != null) {
        assertEquals(e.getValue(), doc, "document " + e.getKey());
      }
    }
    assertEquals(expected.size(), index.count(), "_count");
  }
}
