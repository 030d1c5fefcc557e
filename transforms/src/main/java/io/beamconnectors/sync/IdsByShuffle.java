package io.beamconnectors.sync;

import static io.beamconnectors.sync.Reconcile.CANDIDATES;
import static io.beamconnectors.sync.Reconcile.DUPLICATES;
import static io.beamconnectors.sync.Reconcile.INDEX;

import io.beamconnectors.elasticsearch.IndexedState;
import io.beamconnectors.metrics.SyncCounters;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.ListingIssueCoder;
import io.beamconnectors.sources.SourceRecord;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * {@link Reconcile}'s lookup join on the shuffle join (Flink, Dataflow): the records were already
 * decided by lookup as they were listed, so they never go through a shuffle; only their ids meet
 * the index state in a {@code CoGroupByKey}, for the delete candidates ({@link Reconcile#CANDIDATES}:
 * indexed, never listed) and the check of the source's promise to list each id once
 * ({@link Reconcile#DUPLICATES}: one issue for the whole source when any id came more than once).
 * Memory per worker stays flat, as with the shuffle of whole records, and the shuffle carries an
 * id and a count per listed record instead of the record (a 1.5 KB row: about 1.5 GB less to sort,
 * spill or send for 1,000,000 rows).
 */
final class IdsByShuffle extends PTransform<PCollection<SourceRecord>, PCollectionTuple> {
  private static final long serialVersionUID = 1L;
  static final TupleTag<Long> LISTED_TIMES = new TupleTag<>("listedTimes") {};
  static final TupleTag<KV<String, Long>> REPEATED_IDS = new TupleTag<>("repeatedIds") {};

  private final transient PCollection<KV<String, IndexedState>> indexState;

  private IdsByShuffle(PCollection<KV<String, IndexedState>> indexState) {
    this.indexState = indexState;
  }

  /** Against the index state (for the delete candidates; empty when it need not be read). */
  static IdsByShuffle against(PCollection<KV<String, IndexedState>> indexState) {
    return new IdsByShuffle(indexState);
  }

  @Override
  public PCollectionTuple expand(PCollection<SourceRecord> listing) {
    PCollection<KV<String, Long>> listedTimes = listing
        .apply("ListedIds", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
            .via((SourceRecord r) -> KV.of(r.id(), 1L)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
    PCollectionTuple decided = KeyedPCollectionTuple.of(LISTED_TIMES, listedTimes)
        .and(INDEX, indexState)
        .apply("JoinIdsById", CoGroupByKey.create())
        .apply("DecideIds", ParDo.of(new DecideIdsFn()).withOutputTags(CANDIDATES, TupleTagList.of(REPEATED_IDS)));
    PCollection<ListingIssue> repeated = decided.get(REPEATED_IDS)
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
        .apply("SumRepeatedIds", Combine.globally(new RepeatedTotalFn()))
        .apply("RepeatedIds", ParDo.of(new ReportRepeatedFn()))
        .setCoder(ListingIssueCoder.of());
    return PCollectionTuple.of(CANDIDATES, decided.get(CANDIDATES).setCoder(KvCoder.of(StringUtf8Coder.of(), IndexedState.Coder.of())))
        .and(DUPLICATES, repeated);
  }

  /**
   * Per id: indexed and never listed is a delete candidate; listed more than once goes to
   * {@link #REPEATED_IDS} with the number of extra listings.
   */
  static final class DecideIdsFn extends DoFn<KV<String, CoGbkResult>, KV<String, IndexedState>> {
    private static final long serialVersionUID = 1L;

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> element, MultiOutputReceiver out) {
      long times = 0;
      for (Long t : element.getValue().getAll(LISTED_TIMES)) {
        times += t;
      }
      if (times > 1) {
        out.get(REPEATED_IDS).output(KV.of(element.getKey(), times - 1));
      } else if (times == 0) {
        for (IndexedState s : element.getValue().getAll(INDEX)) {
          out.get(CANDIDATES).output(KV.of(element.getKey(), s));
          break;
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
