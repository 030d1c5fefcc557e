package io.beamconnectors.pipelines;

import io.beamconnectors.elasticsearch.ContentIndex;
import io.beamconnectors.sources.ConfigurationException;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DirectRunner holds each step's output in memory, so a sync of a large source runs out of
 * heap hours in, deep inside a transform. This check runs before the pipeline: it estimates the
 * items (the larger of the content index's document count and the source's own cheap estimate,
 * e.g. PostgreSQL's {@code reltuples}), multiplies them by {@link #HEAP_BYTES_PER_ITEM} and
 * compares that with the JVM's maximum heap. Over the limit the sync stops with a
 * {@link ConfigurationException} (exit code 2) whose one line names {@code --runner=FlinkRunner}
 * and {@code --skipHeapCheck}. Other runners are not checked (their join spills to disk).
 */
public final class DirectRunnerHeapCheck {
  private static final Logger LOG = LoggerFactory.getLogger(DirectRunnerHeapCheck.class);

  /**
   * Heap one item costs a DirectRunner full sync, in bytes. Measured with {@code make scale}
   * ({@code ftest/scale.sh}, its DirectRunner step, {@code -Xmx2g}, G1, {@code -Xlog:gc}): full syncs
   * of a PostgreSQL table of rows of about 200 bytes into an empty index; the largest heap
   * occupancy after a collection was 338 MiB at 100,000 rows and 1,026 MiB at 300,000 rows, i.e.
   * 3,607 bytes per additional row (bench/results/scale-20261203T151554Z.json and
   * scale-20261203T154925Z.json), rounded up to 4 KiB for the collector's headroom. Larger rows,
   * or files with extracted text, cost more: the check stops the syncs that cannot fit, it does
   * not promise that a smaller one will.
   */
  public static final long HEAP_BYTES_PER_ITEM = 4 * 1024;

  /**
   * Heap one item costs when the source lists each id once ({@code SourceConnector#listsEachIdOnce}):
   * records are then decided and written as they arrive and only ids and the index state are
   * held. Measured on a 1,000,000-row table of 1.5 KB rows (a no-op re-sync, the heaviest case:
   * the whole index state is read too) with {@code -Xmx700m -Xlog:gc}: about 570 MiB occupied after
   * collections, some 150 MiB of it the runner and the chunks in flight, so about 440 bytes per
   * item; rounded up to 1 KiB for the collector's headroom.
   */
  public static final long HEAP_BYTES_PER_STREAMED_ITEM = 1024;

  /** The outcome: how many items were estimated, what they need and what the heap allows. */
  public record Decision(long items, long neededBytes, long maxHeapBytes) {
    public boolean fits() {
      return neededBytes <= maxHeapBytes;
    }

    /** The one line a user sees when the sync does not fit. */
    public String message(String index) {
      return String.format(Locale.ROOT, "The DirectRunner would need about %s of heap for about %,d items"
          + " (index %s and the source's estimate) but the JVM may use %s: run the sync with"
          + " --runner=FlinkRunner (see docs/runners.md), give the JVM a larger -Xmx, or pass"
          + " --skipHeapCheck=true to start it anyway", mib(neededBytes), items, index, mib(maxHeapBytes));
    }

    /** The same for a sync the launcher runs, whose fixes are in its config.yml and JVM options. */
    public String launcherMessage(String index) {
      return String.format(Locale.ROOT, "The direct runner would need about %s of heap for about %,d items"
          + " (index %s and the source's estimate) but the launcher's JVM may use %s: run it on embedded Flink"
          + " (runner.type: flink and runner.flink.master: \"[local]\" in the launcher's config.yml; its shuffle"
          + " spills to disk) or give the launcher a larger heap (BC_LAUNCHER_JAVA_OPTS=-Xmx...)",
          mib(neededBytes), items, index, mib(maxHeapBytes));
    }
  }

  /** A DirectRunner sync that does not fit the heap: its decision, so a caller can word the fix its own way. */
  public static final class TooLarge extends ConfigurationException {
    private static final long serialVersionUID = 1L;
    private final Decision decision;
    private final String index;

    TooLarge(Decision decision, String index) {
      super(decision.message(index), List.of(decision.message(index)));
      this.decision = decision;
      this.index = index;
    }

    public Decision decision() {
      return decision;
    }

    public String index() {
      return index;
    }
  }

  private DirectRunnerHeapCheck() {}

  /** The decision for {@code items} estimated items and a heap of {@code maxHeapBytes}, items held. */
  public static Decision decide(long items, long maxHeapBytes) {
    return decide(items, maxHeapBytes, HEAP_BYTES_PER_ITEM);
  }

  /** The decision for {@code items} estimated items of {@code bytesPerItem} each and a heap of {@code maxHeapBytes}. */
  public static Decision decide(long items, long maxHeapBytes, long bytesPerItem) {
    if (items < 0 || maxHeapBytes <= 0 || bytesPerItem <= 0) {
      throw new IllegalArgumentException("items must be >= 0, maxHeapBytes and bytesPerItem > 0, were " + items + ", "
          + maxHeapBytes + ", " + bytesPerItem);
    }
    long needed = items > Long.MAX_VALUE / bytesPerItem ? Long.MAX_VALUE : items * bytesPerItem;
    return new Decision(items, needed, maxHeapBytes);
  }

  /** The larger of the two estimates; an absent one counts as zero. */
  public static long items(long indexDocuments, OptionalLong sourceEstimate) {
    return Math.max(indexDocuments, sourceEstimate.orElse(0));
  }

  /**
   * Checks a planned sync before it runs; does nothing off the DirectRunner or with
   * {@code --skipHeapCheck}. Estimates that fail (a source without catalog statistics, a missing
   * index) count as zero: the check must never stop a sync that would have run.
   */
  public static void check(FullSyncOptions options, FullSyncPipeline.Plan plan, long maxHeapBytes) {
    if (options.getSkipHeapCheck() || !"DirectRunner".equals(options.getRunner().getSimpleName())) {
      return;
    }
    long indexDocuments = 0;
    try (ContentIndex index = new ContentIndex(plan.elasticsearch())) {
      if (index.exists()) {
        indexDocuments = index.count();
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("Counting the index for the heap check failed: {}", e.toString());
    }
    OptionalLong source = OptionalLong.empty();
    try {
      source = plan.connector().estimatedItemCount(plan.configuration());
    } catch (Exception e) {
      LOG.debug("The source's size estimate failed: {}", e.getClass().getName());
    }
    Decision decision = decide(items(indexDocuments, source), maxHeapBytes,
        plan.connector().listsEachIdOnce() ? HEAP_BYTES_PER_STREAMED_ITEM : HEAP_BYTES_PER_ITEM);
    LOG.info("Heap check: about {} items (index {}, source {}) need about {} of the {} heap", decision.items(),
        indexDocuments, source.isPresent() ? source.getAsLong() : "no estimate", mib(decision.neededBytes()),
        mib(maxHeapBytes));
    if (!decision.fits()) {
      throw new TooLarge(decision, plan.elasticsearch().index());
    }
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%,d MiB", bytes / (1024 * 1024));
  }
}
