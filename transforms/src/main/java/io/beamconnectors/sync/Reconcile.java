package io.beamconnectors.sync;

import io.beamconnectors.elasticsearch.IndexedState;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.SourceRecordCoder;
import java.util.Iterator;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Joins the source listing with the index state by id and decides per id:
 * source only: CREATE; both with different tokens: UPDATE; both with the same token: UNCHANGED
 * (counted, nothing else); index only: DELETE, unless a listing failure covers the document's
 * scope. Outputs the records to write ({@link #UPSERTS}) and the ids to delete ({@link #DELETES}).
 * The listing issues are a side input, so no decision is taken before the whole listing is done.
 */
public final class Reconcile extends PTransform<PCollection<KV<String, SourceRecord>>, PCollectionTuple> {
  private static final long serialVersionUID = 1L;

  public static final TupleTag<SourceRecord> UPSERTS = new TupleTag<>("upserts") {};
  public static final TupleTag<String> DELETES = new TupleTag<>("deletes") {};

  private static final TupleTag<SourceRecord> SOURCE = new TupleTag<>("source") {};
  private static final TupleTag<IndexedState> INDEX = new TupleTag<>("index") {};

  private final PCollection<KV<String, IndexedState>> indexState;
  private final PCollection<ListingIssue> issues;

  private Reconcile(PCollection<KV<String, IndexedState>> indexState, PCollection<ListingIssue> issues) {
    this.indexState = indexState;
    this.issues = issues;
  }

  public static Reconcile against(PCollection<KV<String, IndexedState>> indexState, PCollection<ListingIssue> issues) {
    return new Reconcile(indexState, issues);
  }

  @Override
  public PCollectionTuple expand(PCollection<KV<String, SourceRecord>> listing) {
    PCollectionView<List<ListingIssue>> issuesView = issues.apply("IssuesView", View.asList());
    // Keyed by the record's own id: a source may have keyed by an id the record shortened.
    PCollection<KV<String, SourceRecord>> byId = listing
        .apply("KeyByRecordId", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptor.of(SourceRecord.class)))
            .via((KV<String, SourceRecord> kv) -> KV.of(kv.getValue().id(), kv.getValue())))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), SourceRecordCoder.of()));
    PCollectionTuple out = KeyedPCollectionTuple.of(SOURCE, byId)
        .and(INDEX, indexState)
        .apply("JoinById", CoGroupByKey.create())
        .apply("Decide", ParDo.of(new DecideFn(issuesView))
            .withSideInputs(issuesView)
            .withOutputTags(UPSERTS, TupleTagList.of(DELETES)));
    out.get(UPSERTS).setCoder(SourceRecordCoder.of());
    out.get(DELETES).setCoder(StringUtf8Coder.of());
    return out;
  }

  static final class DecideFn extends DoFn<KV<String, CoGbkResult>, SourceRecord> {
    private static final long serialVersionUID = 1L;
    private final PCollectionView<List<ListingIssue>> issuesView;
    private final Counter created = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.CREATED);
    private final Counter updated = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.UPDATED);
    private final Counter unchanged = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.UNCHANGED);
    private final Counter deleted = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.DELETED);
    private final Counter blocked = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.DELETES_BLOCKED);
    private final Counter duplicates = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.DUPLICATE_IDS);
    private final Counter listed = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.LISTED);
    private transient List<ListingIssue> gateFor;
    private transient DeleteGate gate;

    DecideFn(PCollectionView<List<ListingIssue>> issuesView) {
      this.issuesView = issuesView;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      CoGbkResult joined = c.element().getValue();
      Iterator<SourceRecord> fromSource = joined.getAll(SOURCE).iterator();
      Iterator<IndexedState> fromIndex = joined.getAll(INDEX).iterator();
      IndexedState indexed = fromIndex.hasNext() ? fromIndex.next() : null;
      if (fromSource.hasNext()) {
        SourceRecord record = fromSource.next();
        listed.inc();
        while (fromSource.hasNext()) {
          listed.inc();
          // Two listed items with one id: the first wins, deterministically enough for a mirror
          // (the reference's later one overwrote it); counted so the user can see it.
          fromSource.next();
          duplicates.inc();
        }
        if (indexed == null) {
          created.inc();
          c.output(record);
        } else if (!indexed.token().equals(record.token())) {
          updated.inc();
          c.output(record);
        } else {
          unchanged.inc();
        }
        return;
      }
      if (indexed != null) {
        List<ListingIssue> issues = c.sideInput(issuesView);
        if (gate == null || gateFor != issues) {
          gate = DeleteGate.from(issues);
          gateFor = issues;
        }
        if (gate.allows(indexed.scope())) {
          deleted.inc();
          c.output(DELETES, c.element().getKey());
        } else {
          blocked.inc();
        }
      }
    }
  }
}
