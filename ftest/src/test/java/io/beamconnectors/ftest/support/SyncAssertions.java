package io.beamconnectors.ftest.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.elasticsearch.ContentIndex;
import io.beamconnectors.metrics.SyncCounters;
import io.beamconnectors.sync.SyncSummary;

/** The checks every source's functional test makes on a sync's summary and the index's counters. */
public final class SyncAssertions {
  private SyncAssertions() {}

  /** A sync, as a test runs it. */
  @FunctionalInterface
  public interface Sync {
    SyncSummary run() throws Exception;
  }

  /** A first sync of a clean source: every item listed, created and indexed, nothing failed. */
  public static void assertCleanFullSync(SyncSummary summary, long items) {
    assertEquals(items, summary.get(SyncCounters.LISTED), "listed");
    assertEquals(items, summary.get(SyncCounters.CREATED), "created");
    assertEquals(items, summary.get(SyncCounters.INDEXED_OK), "indexed");
    assertEquals(0, summary.get(SyncCounters.FAILED), "failed writes");
    assertEquals(0, summary.get(SyncCounters.LISTING_FAILURES), "listing failures");
    assertTrue(summary.clean(), summary.issues().toString());
  }

  /** What to check after each sync of {@link #twiceOnEachRunner}. */
  @FunctionalInterface
  public interface SyncCheck {
    void check(SyncSummary summary, String where, int round, IndexInspector index) throws Exception;
  }

  /**
   * Syncs a source twice on the DirectRunner, then twice on embedded Flink, each runner into an
   * index of its own ({@code index}, {@code index + "-flink"}) created anew with these extra
   * mappings, and checks each sync; {@code where} names the runner and the round.
   */
  public static void twiceOnEachRunner(String serviceType, String index, java.util.Map<String, Object> config,
      String extraProperties, SyncCheck check) throws Exception {
    for (boolean flink : new boolean[] {false, true}) {
      String name = index + (flink ? "-flink" : "");
      IndexInspector.recreate(IndexInspector.connection(name), extraProperties);
      try (IndexInspector inspector = new IndexInspector(IndexInspector.connection(name))) {
        for (int round = 1; round <= 2; round++) {
          SyncRunner run = SyncRunner.of(serviceType, name, config);
          SyncSummary summary = (flink ? run.onFlink() : run).run();
          check.check(summary, (flink ? "Flink" : "DirectRunner") + ", sync " + round + ": ", round, inspector);
        }
        inspector.deleteIndex();
      }
    }
  }

  /**
   * A sync into an index that refuses some documents (a mapping they do not fit), the Nth of a
   * series over the same source: the first creates every listed item, a later one creates again
   * only the refused ones (missing from the index) and finds the rest unchanged; only the accepted
   * are indexed, and only in the first. The refused fail alone and are not retried; nothing is
   * deleted; the sync is not clean. {@code where} prefixes every message.
   */
  public static void assertRefusedFailAlone(SyncSummary summary, String where, int round, long listed, long refused) {
    assertEquals(listed, summary.get(SyncCounters.LISTED), where + "listed");
    assertEquals(round == 1 ? listed : refused, summary.get(SyncCounters.CREATED), where + "created (the refused again)");
    assertEquals(round == 1 ? 0 : listed - refused, summary.get(SyncCounters.UNCHANGED), where + "unchanged");
    assertEquals(round == 1 ? listed - refused : 0, summary.get(SyncCounters.INDEXED_OK), where + "indexed");
    assertEquals(refused, summary.get(SyncCounters.FAILED), where + "failed: the refused documents");
    assertEquals(0, summary.get(SyncCounters.WRITES_RETRIED), where + "a refused document is not retried");
    assertEquals(0, summary.get(SyncCounters.DELETED), where + "deleted");
    assertFalse(summary.clean(), where + "a sync with failed writes is not clean");
  }

  /**
   * Runs a sync of an unchanged source and checks that it wrote nothing (the index's own
   * {@code _stats} indexing and delete totals do not move), downloaded nothing and found every
   * listed item unchanged.
   */
  public static SyncSummary assertNoOpSync(IndexInspector inspector, Sync sync) throws Exception {
    ContentIndex.OperationTotals before = inspector.totals();
    SyncSummary summary = sync.run();
    assertEquals(before, inspector.totals(), "_stats indexing and delete totals must not move on a no-op sync");
    assertEquals(0, summary.get(SyncCounters.CREATED) + summary.get(SyncCounters.UPDATED)
        + summary.get(SyncCounters.DELETED), "created + updated + deleted");
    assertEquals(0, summary.get(SyncCounters.CONTENT_FETCHED), "a no-op sync downloads nothing");
    assertEquals(summary.get(SyncCounters.LISTED), summary.get(SyncCounters.UNCHANGED), "every listed item unchanged");
    return summary;
  }
}
