package io.beamconnectors.sync;

import io.beamconnectors.elasticsearch.IndexedState;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.SourceRecordCoder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Keys;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Joins the source listing with the index state by id and decides per id:
 * source only: CREATE; both with different tokens: UPDATE; both with the same token: UNCHANGED
 * (counted, nothing else); index only: DELETE, unless a listing failure covers the document's
 * scope. Outputs the records to write ({@link #UPSERTS}) and the ids to delete ({@link #DELETES}).
 * Deletes depend on the whole listing through side inputs (the issues, and for
 * {@link JoinStrategy#SIDE_INPUT} the listed ids), so none is decided before the listing is done.
 */
public final class Reconcile extends PTransform<PCollection<SourceRecord>, PCollectionTuple> {
  private static final long serialVersionUID = 1L;

  public static final TupleTag<SourceRecord> UPSERTS = new TupleTag<>("upserts") {};
  public static final TupleTag<String> DELETES = new TupleTag<>("deletes") {};

  private static final TupleTag<SourceRecord> SOURCE = new TupleTag<>("source") {};
  private static final TupleTag<IndexedState> INDEX = new TupleTag<>("index") {};

  private final PCollection<KV<String, IndexedState>> indexState;
  private final PCollection<ListingIssue> issues;
  private final JoinStrategy strategy;

  private Reconcile(PCollection<KV<String, IndexedState>> indexState, PCollection<ListingIssue> issues, JoinStrategy strategy) {
    this.indexState = indexState;
    this.issues = issues;
    this.strategy = strategy;
  }

  public static Reconcile against(PCollection<KV<String, IndexedState>> indexState, PCollection<ListingIssue> issues) {
    return new Reconcile(indexState, issues, JoinStrategy.AUTO);
  }

  public Reconcile withStrategy(JoinStrategy v) {
    return new Reconcile(indexState, issues, v);
  }

  @Override
  public PCollectionTuple expand(PCollection<SourceRecord> listing) {
    PCollectionView<List<ListingIssue>> issuesView = issues.apply("IssuesView", View.asList());
    PCollection<KV<String, SourceRecord>> byId = listing
        .apply("KeyById", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptor.of(SourceRecord.class)))
            .via((SourceRecord r) -> KV.of(r.id(), r)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), SourceRecordCoder.of()));
    JoinStrategy resolved = strategy.resolve(listing.getPipeline().getOptions().getRunner().getSimpleName());
    PCollectionTuple out = resolved == JoinStrategy.SIDE_INPUT
        ? joinInMemory(byId, issuesView)
        : joinByShuffle(byId, issuesView);
    out.get(UPSERTS).setCoder(SourceRecordCoder.of());
    out.get(DELETES).setCoder(StringUtf8Coder.of());
    return out;
  }

  private PCollectionTuple joinByShuffle(PCollection<KV<String, SourceRecord>> byId, PCollectionView<List<ListingIssue>> issuesView) {
    return KeyedPCollectionTuple.of(SOURCE, byId)
        .and(INDEX, indexState)
        .apply("JoinById", CoGroupByKey.create())
        .apply("Decide", ParDo.of(new DecideJoinedFn(issuesView))
            .withSideInputs(issuesView)
            .withOutputTags(UPSERTS, TupleTagList.of(DELETES)));
  }

  private PCollectionTuple joinInMemory(PCollection<KV<String, SourceRecord>> byId, PCollectionView<List<ListingIssue>> issuesView) {
    // Iterables, not Beam's map views: the DirectRunner's map views search linearly on every get,
    // so each DoFn instance builds its own hash map (or set) once from the iterable.
    PCollectionView<Iterable<KV<String, IndexedState>>> indexView = indexState.apply("IndexStateView", View.asIterable());
    PCollectionView<Iterable<String>> listedIds = byId.apply("ListedIds", Keys.create()).apply("ListedIdsView", View.asIterable());
    PCollection<SourceRecord> upserts = byId.apply("DecideListed", ParDo.of(new DecideListedFn(indexView, issuesView))
        .withSideInputs(indexView, issuesView));
    PCollection<String> deletes = indexState.apply("DecideIndexed", ParDo.of(new DecideIndexedFn(listedIds, issuesView))
        .withSideInputs(listedIds, issuesView));
    return PCollectionTuple.of(UPSERTS, upserts).and(DELETES, deletes);
  }

  /** The decision rules and their counters, shared by both strategies. */
  abstract static class Decider<I, O> extends DoFn<I, O> {
    private static final long serialVersionUID = 1L;
    private final PCollectionView<List<ListingIssue>> issuesView;
    private final Counter created = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.CREATED);
    private final Counter updated = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.UPDATED);
    private final Counter unchanged = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.UNCHANGED);
    private final Counter deleted = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.DELETED);
    private final Counter blocked = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.DELETES_BLOCKED);
    protected final Counter listed = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.LISTED);
    private transient PerWindow<DeleteGate> gate;

    Decider(PCollectionView<List<ListingIssue>> issuesView) {
      this.issuesView = issuesView;
    }

    /** A listed record against what the index holds for its id (null: nothing): upsert or not. */
    protected boolean shouldWrite(SourceRecord record, IndexedState indexed) {
      if (indexed == null) {
        created.inc();
        return true;
      }
      if (!indexed.token().equals(record.token())) {
        updated.inc();
        return true;
      }
      unchanged.inc();
      return false;
    }

    /** An indexed document the source did not list: deleted unless a listing failure covers it. */
    protected boolean shouldDelete(IndexedState indexed, ProcessContext c, BoundedWindow window) {
      if (gate == null) {
        gate = new PerWindow<>();
      }
      if (gate.get(window, () -> DeleteGate.from(c.sideInput(issuesView))).allows(indexed.scope())) {
        deleted.inc();
        return true;
      }
      blocked.inc();
      return false;
    }
  }

  /** {@link JoinStrategy#SHUFFLE}: one id with everything both sides hold for it. */
  static final class DecideJoinedFn extends Decider<KV<String, CoGbkResult>, SourceRecord> {
    private static final long serialVersionUID = 1L;
    private final Counter duplicates = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.DUPLICATE_IDS);

    DecideJoinedFn(PCollectionView<List<ListingIssue>> issuesView) {
      super(issuesView);
    }

    @ProcessElement
    public void process(ProcessContext c, BoundedWindow window) {
      CoGbkResult joined = c.element().getValue();
      Iterator<SourceRecord> fromSource = joined.getAll(SOURCE).iterator();
      Iterator<IndexedState> fromIndex = joined.getAll(INDEX).iterator();
      IndexedState indexed = fromIndex.hasNext() ? fromIndex.next() : null;
      if (fromSource.hasNext()) {
        SourceRecord record = fromSource.next();
        listed.inc();
        while (fromSource.hasNext()) {
          // Two listed items with one id: the first wins; counted so the user can see it.
          fromSource.next();
          listed.inc();
          duplicates.inc();
        }
        if (shouldWrite(record, indexed)) {
          c.output(record);
        }
      } else if (indexed != null && shouldDelete(indexed, c, window)) {
        c.output(DELETES, c.element().getKey());
      }
    }
  }

  /** {@link JoinStrategy#SIDE_INPUT}, listed side: each record against the in-memory index state. */
  static final class DecideListedFn extends Decider<KV<String, SourceRecord>, SourceRecord> {
    private static final long serialVersionUID = 1L;
    private final PCollectionView<Iterable<KV<String, IndexedState>>> indexView;
    private transient PerWindow<Map<String, IndexedState>> state;

    DecideListedFn(PCollectionView<Iterable<KV<String, IndexedState>>> indexView, PCollectionView<List<ListingIssue>> issuesView) {
      super(issuesView);
      this.indexView = indexView;
    }

    @ProcessElement
    public void process(ProcessContext c, BoundedWindow window) {
      listed.inc();
      if (state == null) {
        state = new PerWindow<>();
      }
      IndexedState indexed = state.get(window, () -> {
        Map<String, IndexedState> m = new HashMap<>();
        for (KV<String, IndexedState> kv : c.sideInput(indexView)) {
          m.putIfAbsent(kv.getKey(), kv.getValue());
        }
        return m;
      }).get(c.element().getKey());
      if (shouldWrite(c.element().getValue(), indexed)) {
        c.output(c.element().getValue());
      }
    }
  }

  /** {@link JoinStrategy#SIDE_INPUT}, index side: each indexed document against the set of listed ids. */
  static final class DecideIndexedFn extends Decider<KV<String, IndexedState>, String> {
    private static final long serialVersionUID = 1L;
    private final PCollectionView<Iterable<String>> listedIdsView;
    private transient PerWindow<Set<String>> ids;

    DecideIndexedFn(PCollectionView<Iterable<String>> listedIdsView, PCollectionView<List<ListingIssue>> issuesView) {
      super(issuesView);
      this.listedIdsView = listedIdsView;
    }

    @ProcessElement
    public void process(ProcessContext c, BoundedWindow window) {
      if (ids == null) {
        ids = new PerWindow<>();
      }
      // Duplicate listed ids are not counted in this strategy (each is simply written).
      Set<String> listed = ids.get(window, () -> {
        Set<String> set = new HashSet<>();
        for (String id : c.sideInput(listedIdsView)) {
          set.add(id);
        }
        return set;
      });
      if (!listed.contains(c.element().getKey()) && shouldDelete(c.element().getValue(), c, window)) {
        c.output(c.element().getKey());
      }
    }
  }

  /**
   * A value derived from side inputs, built once per window per DoFn instance: side inputs are
   * fixed within a window, and some runners hand out a fresh view object on every access.
   */
  static final class PerWindow<T> {
    private BoundedWindow window;
    private T value;

    T get(BoundedWindow w, java.util.function.Supplier<T> build) {
      if (value == null || !w.equals(window)) {
        value = build.get();
        window = w;
      }
      return value;
    }
  }
}
