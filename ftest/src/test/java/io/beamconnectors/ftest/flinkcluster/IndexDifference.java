package io.beamconnectors.ftest.flinkcluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** How two indices' documents differ, in words short enough for an assertion message. */
final class IndexDifference {
  private static final int SHOWN = 5;

  private IndexDifference() {}

  private static String clip(JsonNode v) {
    String s = String.valueOf(v);
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  /** "" when both hold the same ids with equal sources; otherwise the first few differences. */
  static String between(Map<String, JsonNode> expected, Map<String, JsonNode> actual) {
    StringBuilder sb = new StringBuilder();
    Set<String> missing = new TreeSet<>(expected.keySet());
    missing.removeAll(actual.keySet());
    Set<String> extra = new TreeSet<>(actual.keySet());
    extra.removeAll(expected.keySet());
    if (!missing.isEmpty()) {
      sb.append(missing.size()).append(" ids missing, e.g. ").append(missing.stream().limit(SHOWN).toList()).append("; ");
    }
    if (!extra.isEmpty()) {
      sb.append(extra.size()).append(" ids extra, e.g. ").append(extra.stream().limit(SHOWN).toList()).append("; ");
    }
    int differing = 0;
    for (Map.Entry<String, JsonNode> e : expected.entrySet()) {
      JsonNode other = actual.get(e.getKey());
      if (other == null || other.equals(e.getValue())) {
        continue;
      }
      if (++differing > SHOWN) {
        continue;
      }
      sb.append(e.getKey()).append(':');
      Set<String> fields = new TreeSet<>();
      e.getValue().fieldNames().forEachRemaining(fields::add);
      other.fieldNames().forEachRemaining(fields::add);
      for (String f : fields) {
        JsonNode x = e.getValue().get(f);
        JsonNode y = other.get(f);
        if (x == null || !x.equals(y)) {
          sb.append(' ').append(f).append(" (").append(clip(x)).append(" vs ").append(clip(y)).append(')');
        }
      }
      sb.append("; ");
    }
    if (differing > 0) {
      sb.append(differing).append(" documents differ");
    }
    return sb.toString();
  }
}
