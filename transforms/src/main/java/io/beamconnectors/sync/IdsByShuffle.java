package io.beamconnectors.sync;

import static io.beamconnectors.sync.Reconcile.CANDIDATES;
import static io.beamconnectors.sync.Reconcile.DUPLICATES;

import io.beamconnectors.elasticsearch.IndexedState;
import io.beamconnectors.metrics.SyncCounters;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.ListingIssueCoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * {@link Reconcile}'s lookup join on the shuffle join (Flink, Dataflow): the records were already
 * decided by lookup as they were listed, so they never go through a shuffle; only their ids meet
 * the index state, for the delete candidates ({@link Reconcile#CANDIDATES}: indexed, never listed)
 * and the check of the source's promise to list each id once ({@link Reconcile#DUPLICATES}: one
 * issue for the whole source when any id came more than once).
 *
 * <p>Ids meet by bucket, not one by one: each id goes to one of {@link #DEFAULT_BUCKETS} buckets by
 * a hash of its UTF-8 bytes, the ids of a bucket travel packed together ({@link PackedIds} for the
 * listed ones, a list for the indexed ones), and a bucket's listed ids are counted in a hash map
 * when its group is decided. A group by id made Flink sort every listed and every indexed id
 * (Beam's encoded keys give its sorter no normalized keys, so each comparison decodes both keys):
 * at 300,000 rows that sort and its copies took a fifth of a no-op sync's CPU. A group by bucket
 * sorts a few elements per bucket and bundle. Memory per bucket is its share of the ids, about 110
 * bytes per listed id in the hash map: about 27 KB per bucket at 1,000,000 ids and 27 MB at
 * 1,000,000,000.
 *
 * <p>Its input is the listed ids packed per bundle ({@link PackedIds}), not the records: Flink's
 * batch mode encodes a collection once for every step that reads it, so a step of its own on the
 * listing would copy every whole record once more.
 */
final class IdsByShuffle extends PTransform<PCollection<byte[]>, PCollectionTuple> {
  private static final long serialVersionUID = 1L;
  /** Buckets the ids are spread over (see the class comment). */
  static final int DEFAULT_BUCKETS = 4096;
  /** Indexed ids a bundle holds, by default, before it sends its buckets on. */
  static final int INDEXED_PER_FLUSH = 50_000;
  static final TupleTag<byte[]> LISTED_IDS = new TupleTag<>("listedIds") {};
  static final TupleTag<List<KV<String, IndexedState>>> INDEXED_IDS = new TupleTag<>("indexedIds") {};
  static final TupleTag<KV<String, Long>> REPEATED_IDS = new TupleTag<>("repeatedIds") {};

  private final transient PCollection<KV<String, IndexedState>> indexState;
  private final int buckets;
  private final int indexedPerFlush;

  private IdsByShuffle(PCollection<KV<String, IndexedState>> indexState, int buckets, int indexedPerFlush) {
    this.indexState = indexState;
    this.buckets = buckets;
    this.indexedPerFlush = indexedPerFlush;
  }

  /** Against the index state (for the delete candidates; empty when it need not be read). */
  static IdsByShuffle against(PCollection<KV<String, IndexedState>> indexState) {
    return new IdsByShuffle(indexState, DEFAULT_BUCKETS, INDEXED_PER_FLUSH);
  }

  /** With this many buckets (at least 1; tests use few, to put many ids in one). */
  IdsByShuffle withBuckets(int v) {
    if (v < 1) {
      throw new IllegalArgumentException("buckets must be at least 1, got " + v);
    }
    return new IdsByShuffle(indexState, v, indexedPerFlush);
  }

  /** Sending a bundle's buckets on every this many indexed ids (at least 1; tests use few). */
  IdsByShuffle withIndexedPerFlush(int v) {
    if (v < 1) {
      throw new IllegalArgumentException("indexedPerFlush must be at least 1, got " + v);
    }
    return new IdsByShuffle(indexState, buckets, v);
  }

  @Override
  public PCollectionTuple expand(PCollection<byte[]> idChunks) {
    PCollection<KV<Integer, byte[]>> listed = idChunks
        .apply("BucketListedIds", ParDo.of(new BucketListedFn(buckets)))
        .setCoder(KvCoder.of(VarIntCoder.of(), ByteArrayCoder.of()));
    PCollection<KV<Integer, List<KV<String, IndexedState>>>> indexed = indexState
        .apply("BucketIndexedIds", ParDo.of(new BucketIndexedFn(buckets, indexedPerFlush)))
        .setCoder(KvCoder.of(VarIntCoder.of(), ListCoder.of(KvCoder.of(StringUtf8Coder.of(), IndexedState.Coder.of()))));
    PCollectionTuple decided = KeyedPCollectionTuple.of(LISTED_IDS, listed)
        .and(INDEXED_IDS, indexed)
        .apply("JoinIdsByBucket", CoGroupByKey.create())
        .apply("DecideBuckets", ParDo.of(new DecideBucketFn()).withOutputTags(CANDIDATES, TupleTagList.of(REPEATED_IDS)));
    PCollection<ListingIssue> repeated = decided.get(REPEATED_IDS)
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
        // Without a default: no repeated id is no issue, and a default value would be an element
        // from the start waiting on a side input (see CompletionSignal).
        .apply("SumRepeatedIds", Combine.globally(new RepeatedTotalFn()).withoutDefaults())
        .apply("RepeatedIds", ParDo.of(new ReportRepeatedFn()))
        .setCoder(ListingIssueCoder.of());
    return PCollectionTuple.of(CANDIDATES, decided.get(CANDIDATES).setCoder(KvCoder.of(StringUtf8Coder.of(), IndexedState.Coder.of())))
        .and(DUPLICATES, repeated);
  }

  /**
   * The bucket of an id, from its UTF-8 bytes ({@link ListedIds#hash}): the same on every worker
   * and JVM, and the listed side needs no decoded id for it.
   */
  static int bucketOf(byte[] utf8, int offset, int length, int buckets) {
    return Math.floorMod(ListedIds.hash(utf8, offset, length), buckets);
  }

  /** A packed run of listed ids, cut into one packed run per bucket. */
  static final class BucketListedFn extends DoFn<byte[], KV<Integer, byte[]>> {
    private static final long serialVersionUID = 1L;
    private final int buckets;

    BucketListedFn(int buckets) {
      this.buckets = buckets;
    }

    @ProcessElement
    public void process(@Element byte[] chunk, OutputReceiver<KV<Integer, byte[]>> out) {
      Map<Integer, PackedIds> byBucket = new HashMap<>();
      PackedIds.forEachSpan(chunk, (bytes, offset, length) ->
          byBucket.computeIfAbsent(bucketOf(bytes, offset, length, buckets), b -> new PackedIds(64))
              .add(bytes, offset, length));
      for (Map.Entry<Integer, PackedIds> e : byBucket.entrySet()) {
        out.output(KV.of(e.getKey(), e.getValue().toByteArray()));
      }
    }
  }

  /**
   * The indexed ids of a bundle, gathered per bucket and sent on every {@code indexedPerFlush} ids
   * of a window and at the end of the bundle.
   */
  static final class BucketIndexedFn extends DoFn<KV<String, IndexedState>, KV<Integer, List<KV<String, IndexedState>>>> {
    private static final long serialVersionUID = 1L;
    private final int buckets;
    private final int indexedPerFlush;
    private transient Map<BoundedWindow, Held> held;

    BucketIndexedFn(int buckets, int indexedPerFlush) {
      this.buckets = buckets;
      this.indexedPerFlush = indexedPerFlush;
    }

    /** One window's gathered ids. */
    private static final class Held {
      final Map<Integer, List<KV<String, IndexedState>>> byBucket = new HashMap<>();
      int ids;
    }

    @StartBundle
    public void start() {
      held = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element KV<String, IndexedState> indexed, BoundedWindow window,
        OutputReceiver<KV<Integer, List<KV<String, IndexedState>>>> out) {
      byte[] utf8 = indexed.getKey().getBytes(StandardCharsets.UTF_8);
      Held h = held.computeIfAbsent(window, w -> new Held());
      h.byBucket.computeIfAbsent(bucketOf(utf8, 0, utf8.length, buckets), b -> new ArrayList<>()).add(indexed);
      if (++h.ids >= indexedPerFlush) {
        for (Map.Entry<Integer, List<KV<String, IndexedState>>> e : h.byBucket.entrySet()) {
          out.output(KV.of(e.getKey(), e.getValue()));
        }
        held.remove(window);
      }
    }

    @FinishBundle
    public void finish(FinishBundleContext c) {
      for (Map.Entry<BoundedWindow, Held> w : held.entrySet()) {
        for (Map.Entry<Integer, List<KV<String, IndexedState>>> e : w.getValue().byBucket.entrySet()) {
          c.output(KV.of(e.getKey(), e.getValue()), w.getKey().maxTimestamp(), w.getKey());
        }
      }
      held = null;
    }
  }

  /**
   * Per bucket: its listed ids counted in a hash map; an indexed id never listed is a delete
   * candidate (once, should the state hold it twice); an id listed more than once goes to
   * {@link #REPEATED_IDS} with the number of extra listings.
   */
  static final class DecideBucketFn extends DoFn<KV<Integer, CoGbkResult>, KV<String, IndexedState>> {
    private static final long serialVersionUID = 1L;
    /** The count of an id already decided; put in only after the counts were read, never changed. */
    private static final long[] DECIDED = {1};

    @ProcessElement
    public void process(@Element KV<Integer, CoGbkResult> bucket, MultiOutputReceiver out) {
      Map<String, long[]> times = new HashMap<>();
      for (byte[] chunk : bucket.getValue().getAll(LISTED_IDS)) {
        PackedIds.forEachSpan(chunk, (bytes, offset, length) ->
            times.computeIfAbsent(new String(bytes, offset, length, StandardCharsets.UTF_8), id -> new long[1])[0]++);
      }
      for (Map.Entry<String, long[]> e : times.entrySet()) {
        if (e.getValue()[0] > 1) {
          out.get(REPEATED_IDS).output(KV.of(e.getKey(), e.getValue()[0] - 1));
        }
      }
      for (List<KV<String, IndexedState>> part : bucket.getValue().getAll(INDEXED_IDS)) {
        for (KV<String, IndexedState> indexed : part) {
          if (!times.containsKey(indexed.getKey())) {
            out.get(CANDIDATES).output(indexed);
            // Counted as listed from here on, so a second copy is not a second candidate.
            times.put(indexed.getKey(), DECIDED);
          }
        }
      }
    }
  }

  /** The extra listings of every repeated id, and the repeated id that sorts first. */
  static final class RepeatedTotalFn extends Combine.CombineFn<KV<String, Long>, KV<Long, String>, KV<Long, String>> {
    private static final long serialVersionUID = 1L;

    @Override
    public KV<Long, String> createAccumulator() {
      return KV.of(0L, null);
    }

    @Override
    public KV<Long, String> addInput(KV<Long, String> acc, KV<String, Long> repeated) {
      return merge(acc, KV.of(repeated.getValue(), repeated.getKey()));
    }

    @Override
    public KV<Long, String> mergeAccumulators(Iterable<KV<Long, String>> accs) {
      KV<Long, String> total = createAccumulator();
      for (KV<Long, String> acc : accs) {
        total = merge(total, acc);
      }
      return total;
    }

    private static KV<Long, String> merge(KV<Long, String> a, KV<Long, String> b) {
      String first = a.getValue() == null ? b.getValue()
          : b.getValue() == null || a.getValue().compareTo(b.getValue()) <= 0 ? a.getValue() : b.getValue();
      return KV.of(a.getKey() + b.getKey(), first);
    }

    @Override
    public KV<Long, String> extractOutput(KV<Long, String> acc) {
      return acc;
    }

    @Override
    public Coder<KV<Long, String>> getAccumulatorCoder(CoderRegistry registry, Coder<KV<String, Long>> input) {
      return KvCoder.of(VarLongCoder.of(), NullableCoder.of(StringUtf8Coder.of()));
    }

    @Override
    public Coder<KV<Long, String>> getDefaultOutputCoder(CoderRegistry registry, Coder<KV<String, Long>> input) {
      return getAccumulatorCoder(registry, input);
    }
  }

  /** The issue of {@link RepeatedTotalFn}'s total, when any id was repeated. */
  static final class ReportRepeatedFn extends DoFn<KV<Long, String>, ListingIssue> {
    private static final long serialVersionUID = 1L;
    private final Counter duplicateIds = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.DUPLICATE_IDS);

    @ProcessElement
    public void process(@Element KV<Long, String> total, OutputReceiver<ListingIssue> out) {
      if (total.getKey() > 0) {
        duplicateIds.inc(total.getKey());
        out.output(DuplicateIds.brokenPromise(total.getKey(), total.getValue()));
      }
    }
  }
}
