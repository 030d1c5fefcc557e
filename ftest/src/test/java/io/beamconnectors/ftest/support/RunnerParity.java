package io.beamconnectors.ftest.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamconnectors.metrics.SyncCounters;
import io.beamconnectors.sync.SyncSummary;
import java.util.Map;

/**
 * The same sync on the DirectRunner (in-memory join) and on an embedded Flink cluster (shuffle
 * join), each into a fresh index of its own: the two indices must hold identical documents. Flink
 * also checks what the DirectRunner forgives (coders that differ across a Flatten, for example).
 */
public final class RunnerParity {
  private RunnerParity() {}

  private static Map<String, JsonNode> without(Map<String, JsonNode> docs, java.util.Set<String> fields) {
    for (JsonNode d : docs.values()) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) d).remove(fields);
    }
    return docs;
  }

  /** A short description of how two indices differ ("" when identical): ids on one side only, differing fields. */
  static String difference(Map<String, JsonNode> a, Map<String, JsonNode> b) {
    StringBuilder sb = new StringBuilder();
    java.util.Set<String> onlyA = new java.util.TreeSet<>(a.keySet());
    onlyA.removeAll(b.keySet());
    java.util.Set<String> onlyB = new java.util.TreeSet<>(b.keySet());
    onlyB.removeAll(a.keySet());
    if (!onlyA.isEmpty()) {
      sb.append("only on DirectRunner: ").append(onlyA.stream().limit(5).toList()).append("; ");
    }
    if (!onlyB.isEmpty()) {
      sb.append("only on FlinkRunner: ").append(onlyB.stream().limit(5).toList()).append("; ");
    }
    int shown = 0;
    for (Map.Entry<String, JsonNode> e : a.entrySet()) {
      JsonNode other = b.get(e.getKey());
      if (other == null || other.equals(e.getValue()) || shown >= 5) {
        continue;
      }
      shown++;
      sb.append(e.getKey()).append(" differs in");
      java.util.Set<String> fields = new java.util.TreeSet<>();
      e.getValue().fieldNames().forEachRemaining(fields::add);
      other.fieldNames().forEachRemaining(fields::add);
      for (String f : fields) {
        JsonNode x = e.getValue().get(f);
        JsonNode y = other.get(f);
        if (x == null || !x.equals(y)) {
          String xs = String.valueOf(x);
          String ys = String.valueOf(y);
          sb.append(' ').append(f).append(" (").append(xs.length() > 80 ? xs.substring(0, 80) + "..." : xs)
              .append(" vs ").append(ys.length() > 80 ? ys.substring(0, 80) + "..." : ys).append(')');
        }
      }
      sb.append("; ");
    }
    return sb.toString();
  }

  public static void assertFlinkMatchesDirect(String serviceType, Map<String, Object> config, String indexPrefix)
      throws Exception {
    assertFlinkMatchesDirect(serviceType, config, indexPrefix, java.util.Set.of());
  }

  /**
   * @param volatileFields fields the source itself reports differently from one listing to the
   *     next (each caller says why); left out of the comparison
   */
  public static void assertFlinkMatchesDirect(String serviceType, Map<String, Object> config, String indexPrefix,
      java.util.Set<String> volatileFields) throws Exception {
    String directIndex = indexPrefix + "-parity-direct";
    String flinkIndex = indexPrefix + "-parity-flink";
    try (IndexInspector direct = new IndexInspector(IndexInspector.connection(directIndex));
        IndexInspector flink = new IndexInspector(IndexInspector.connection(flinkIndex))) {
      direct.deleteIndex();
      flink.deleteIndex();
      SyncSummary onDirect = SyncRunner.of(serviceType, directIndex, config).run();
      SyncSummary onFlink = SyncRunner.of(serviceType, flinkIndex, config).onFlink().run();
      Map<String, JsonNode> directDocs = without(direct.documents(), volatileFields);
      assertFalse(directDocs.isEmpty(), "the parity check needs documents");
      Map<String, JsonNode> flinkDocs = without(flink.documents(), volatileFields);
      assertEquals("", difference(directDocs, flinkDocs), "DirectRunner and FlinkRunner must build the same index");
      assertEquals(onDirect.get(SyncCounters.CREATED), onFlink.get(SyncCounters.CREATED));
      assertEquals(onDirect.get(SyncCounters.CONTENT_EXTRACTED), onFlink.get(SyncCounters.CONTENT_EXTRACTED));
      // Issues reach the summary on both (a database reader sends its issues among its records).
      assertEquals(onDirect.issues(), onFlink.issues(), "DirectRunner and FlinkRunner must report the same issues");
      assertEquals(onDirect.get(SyncCounters.DELETES_BLOCKED), onFlink.get(SyncCounters.DELETES_BLOCKED));
      direct.deleteIndex();
      flink.deleteIndex();
    }
  }
}
