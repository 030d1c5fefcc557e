package io.beamconnectors.sync;

import io.beamconnectors.metrics.CounterTotals;
import io.beamconnectors.metrics.SyncCounters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.beam.sdk.metrics.MetricsFilter;

/** The counters of a finished sync, read from the pipeline's metrics, and their one-screen form. */
public final class SyncSummary {
  private final Map<String, Long> counters;
  private final List<String> issues;
  private final long elapsedMillis;
  private final long indexDocumentCount;

  private SyncSummary(Map<String, Long> counters, List<String> issues, long elapsedMillis, long indexDocumentCount) {
    this.counters = counters;
    this.issues = issues;
    this.elapsedMillis = elapsedMillis;
    this.indexDocumentCount = indexDocumentCount;
  }

  /** The content index's document count after the sync (refreshed), as the reference's total_document_count. */
  public SyncSummary withIndexDocumentCount(long n) {
    return new SyncSummary(counters, issues, elapsedMillis, n);
  }

  /** The sync's issues, one line each ("KIND scope: message"), as {@link IssueFiles#read} gives them. */
  public SyncSummary withIssues(List<String> v) {
    return new SyncSummary(counters, List.copyOf(v), elapsedMillis, indexDocumentCount);
  }

  /** -1 when not measured. */
  public long indexDocumentCount() {
    return indexDocumentCount;
  }

  public static SyncSummary from(PipelineResult result, long elapsedMillis) {
    return from(result.metrics(), elapsedMillis);
  }

  /** The same from a running job's metrics, where the runner gives them without a {@link PipelineResult}. */
  public static SyncSummary from(MetricResults results, long elapsedMillis) {
    Map<String, Long> counters = new LinkedHashMap<>();
    for (String name : SyncCounters.ALL) {
      counters.put(name, 0L);
    }
    List<String> issues = new ArrayList<>();
    MetricQueryResults metrics = results.queryMetrics(MetricsFilter.builder().build());
    for (MetricResult<Long> c : metrics.getCounters()) {
      String ns = c.getName().getNamespace();
      long value = CounterTotals.valueOf(c);
      if (SyncCounters.NAMESPACE.equals(ns)) {
        counters.merge(c.getName().getName(), value, Long::sum);
      }
    }
    return new SyncSummary(counters, issues, elapsedMillis, -1);
  }

  public long get(String counter) {
    return counters.getOrDefault(counter, 0L);
  }

  public Map<String, Long> counters() {
    return counters;
  }

  /**
   * "KIND scope" entries, one per scope with an issue, sorted (for scripts and assertions; the
   * messages are in {@link #issueDetails()}).
   */
  public List<String> issues() {
    java.util.TreeSet<String> scopes = new java.util.TreeSet<>();
    for (String line : issues) {
      int colon = line.indexOf(": ");
      scopes.add(colon < 0 ? line : line.substring(0, colon));
    }
    return List.copyOf(scopes);
  }

  /** "KIND scope: message" lines, one per issue (empty unless {@link #withIssues} was given them). */
  public List<String> issueDetails() {
    return issues;
  }

  public long elapsedMillis() {
    return elapsedMillis;
  }

  /**
   * True when the index is now an exact mirror: every part of the source was listed, no id was
   * listed twice, no delete was held back, no content waits for a retry, every write succeeded.
   */
  public boolean clean() {
    return get(SyncCounters.LISTING_FAILURES) == 0
        && get(SyncCounters.DUPLICATE_IDS) == 0
        && get(SyncCounters.DELETES_BLOCKED) == 0
        && get(SyncCounters.CONTENT_RETRY) == 0
        && get(SyncCounters.FAILED) == 0;
  }

  /** Counters, issues and elapsed time as a map (for JSON). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("elapsed_ms", elapsedMillis);
    m.put("counters", counters);
    m.put("issues", issues);
    m.put("index_document_count", indexDocumentCount);
    m.put("clean", clean());
    return m;
  }

  public String format() {
    StringBuilder sb = new StringBuilder();
    sb.append("Sync summary (").append(String.format(java.util.Locale.ROOT, "%.1f", elapsedMillis / 1000.0)).append(" s)\n");
    for (Map.Entry<String, Long> e : counters.entrySet()) {
      sb.append(String.format(java.util.Locale.ROOT, "  %-24s %,d%n", e.getKey(), e.getValue()));
    }
    if (indexDocumentCount >= 0) {
      sb.append(String.format(java.util.Locale.ROOT, "  %-24s %,d%n", "documents in index", indexDocumentCount));
    }
    if (!issues.isEmpty()) {
      sb.append("  issues:\n");
      for (String i : issues) {
        sb.append("    ").append(i).append('\n');
      }
    }
    return sb.toString();
  }
}
