package io.beamconnectors.ftest.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
