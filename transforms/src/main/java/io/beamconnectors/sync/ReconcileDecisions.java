package io.beamconnectors.sync;

import static io.beamconnectors.sync.Reconcile.CANDIDATES;
import static io.beamconnectors.sync.Reconcile.DUPLICATES;
import static io.beamconnectors.sync.Reconcile.INDEX;
import static io.beamconnectors.sync.Reconcile.SHARED_IDS;
import static io.beamconnectors.sync.Reconcile.SOURCE;
import static io.beamconnectors.sync.Reconcile.UPSERTS;
import static io.beamconnectors.sync.Reconcile.indexMap;

import io.beamconnectors.sync.Reconcile.PerWindow;
import io.beamconnectors.metrics.SyncCounters;
import io.beamconnectors.elasticsearch.StoredToken;
import io.beamconnectors.elasticsearch.BulkSession;
import io.beamconnectors.elasticsearch.BulkSettings;
import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import io.beamconnectors.elasticsearch.IndexOperations;
import io.beamconnectors.elasticsearch.IndexLookup;
import io.beamconnectors.elasticsearch.IndexedState;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.SourceRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TimestampedValue;

/**
 * The per-record decisions of {@link Reconcile}: each listed record against what the index holds
 * for its id (created, updated, unchanged; several records with one id resolved and reported),
 * one {@link DoFn} per join strategy, with the shared rules and counters in {@link Decider}.
 */
final class ReconcileDecisions {
  private ReconcileDecisions() {}

  /** The decision rules and their counters, shared by both strategies. */
  abstract static class Decider<I, O> extends DoFn<I, O> {
    private static final long serialVersionUID = 1L;
    private final Counter created = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.CREATED);
    private final Counter updated = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.UPDATED);
    private final Counter unchanged = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.UNCHANGED);
    private final Counter duplicateIds = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.DUPLICATE_IDS);
    protected final Counter listed = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.LISTED);

    /** A listed record against what the index holds for its id (null: nothing): upsert or not. */
    protected boolean shouldWrite(SourceRecord record, IndexedState indexed) {
      if (indexed == null) {
        created.inc();
        return true;
      }
      if (!indexed.token().equals(StoredToken.of(record))) {
        updated.inc();
        return true;
      }
      unchanged.inc();
      return false;
    }

    /** Several records with one id: reports them, then decides the winner like any record. */
    protected SourceRecord resolveShared(List<SourceRecord> records, IndexedState indexed, MultiOutputReceiver out) {
      SourceRecord winner = DuplicateIds.winner(records);
      duplicateIds.inc(records.size() - 1L);
      for (ListingIssue issue : DuplicateIds.issues(records)) {
        out.get(DUPLICATES).output(issue);
      }
      return shouldWrite(winner, indexed) ? winner : null;
    }
  }

  /** {@link JoinStrategy#SHUFFLE}: one id with everything both sides hold for it. */
  static final class DecideJoinedFn extends Decider<KV<String, CoGbkResult>, SourceRecord> {
    private static final long serialVersionUID = 1L;

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> element, MultiOutputReceiver out) {
      CoGbkResult joined = element.getValue();
      List<SourceRecord> records = new ArrayList<>(1);
      for (SourceRecord r : joined.getAll(SOURCE)) {
        records.add(r);
        listed.inc();
      }
      IndexedState indexed = null;
      for (IndexedState s : joined.getAll(INDEX)) {
        indexed = s;
        break;
      }
      if (records.isEmpty()) {
        if (indexed != null) {
          out.get(CANDIDATES).output(KV.of(element.getKey(), indexed));
        }
        return;
      }
      SourceRecord write = records.size() == 1
          ? (shouldWrite(records.get(0), indexed) ? records.get(0) : null)
          : resolveShared(records, indexed, out);
      if (write != null) {
        out.get(UPSERTS).output(write);
      }
    }
  }

  /**
   * {@link JoinStrategy#SIDE_INPUT}, listed side: each record against the in-memory index state;
   * a record whose id was listed more than once goes to {@link #SHARED_IDS} instead.
   */
  static final class DecideListedFn extends Decider<KV<String, SourceRecord>, SourceRecord> {
    private static final long serialVersionUID = 1L;
    private final PCollectionView<Iterable<KV<String, IndexedState>>> indexView;
    private final PCollectionView<Iterable<byte[]>> listedIdsView;
    private transient PerWindow<Map<String, IndexedState>> state;
    private transient PerWindow<ListedIds> ids;

    DecideListedFn(PCollectionView<Iterable<KV<String, IndexedState>>> indexView, PCollectionView<Iterable<byte[]>> listedIdsView) {
      this.indexView = indexView;
      this.listedIdsView = listedIdsView;
    }

    @ProcessElement
    public void process(ProcessContext c, BoundedWindow window, MultiOutputReceiver out) {
      listed.inc();
      if (state == null) {
        state = new PerWindow<>();
        ids = new PerWindow<>();
      }
      String id = c.element().getKey();
      if (ids.get(window, () -> ListedIds.of(c.sideInput(listedIdsView))).timesListed(id) > 1) {
        out.get(SHARED_IDS).output(c.element());
        return;
      }
      IndexedState indexed = state.get(window, () -> indexMap(c.sideInput(indexView))).get(id);
      if (shouldWrite(c.element().getValue(), indexed)) {
        out.get(UPSERTS).output(c.element().getValue());
      }
    }
  }

  /** {@link #joinAsListed}: each record against the in-memory index state, as it arrives. */
  static final class DecideAsListedFn extends Decider<SourceRecord, SourceRecord> {
    private static final long serialVersionUID = 1L;
    private final PCollectionView<Iterable<KV<String, IndexedState>>> indexView;
    private transient PerWindow<Map<String, IndexedState>> state;

    DecideAsListedFn(PCollectionView<Iterable<KV<String, IndexedState>>> indexView) {
      this.indexView = indexView;
    }

    @ProcessElement
    public void process(ProcessContext c, BoundedWindow window) {
      listed.inc();
      if (state == null) {
        state = new PerWindow<>();
      }
      IndexedState indexed = state.get(window, () -> indexMap(c.sideInput(indexView))).get(c.element().id());
      if (shouldWrite(c.element(), indexed)) {
        c.output(c.element());
      }
    }
  }

  /**
   * {@link #joinAsListed} with {@link #withLookups}: records are buffered per window up to a
   * batch, their ids looked up in the index in one search, and each decided as usual. Up to
   * {@link #IN_FLIGHT} searches of a bundle are out at once (asynchronously): the bundle's thread
   * goes on reading records while the index answers, and the bundle ends only when every batch is
   * decided. A search that failed is made again synchronously ({@link IndexLookup.Session#lookup}
   * retries and reopens an expired point in time); if that fails too, the bundle fails.
   *
   * <p>With bulk settings ({@link Reconcile#withWritesInLookups}) the records to write are not
   * output: each is made into its document and written here, through a {@link BulkSession} on
   * this instance's client, and only final write failures come out ({@link Reconcile#WRITE_FAILURES},
   * as the writer step gives them). So no collection of records leaves this step: on Flink's batch
   * runner a step of several outputs is read by one filter per output, each decoding every
   * element, and none of them is chained to it (docs/benchmarks.md, thirtieth round). For records
   * of the global window only, as the writer step's failures are.
   */
  static final class DecideByLookupFn extends Decider<SourceRecord, SourceRecord> {
    private static final long serialVersionUID = 1L;
    /**
     * Ids per search. Elasticsearch's CPU per looked-up id falls with the batch: a 1,000,000-row
     * no-op cost it 6.1-7.9 CPU-s in searches of 500 ids and 4.6-5.5 in searches of 2,000 (5,000
     * saved nothing more; docs/benchmarks.md, eighteenth round). A search asks for as many hits as
     * it has ids, well under the index's default {@code max_result_window} of 10,000.
     */
    static final int BATCH = 2000;
    static final int IN_FLIGHT = 3;
    private final ElasticsearchConnection connection;
    /** Null: records to write are output; else they are written here with these settings. */
    private final BulkSettings bulk;
    /** What a written record without a time of its own is stamped with ({@link IndexOperations#indexJson}). */
    private final String seenAt;
    private transient BulkSession writer;
    /**
     * The index held nothing when this instance's session opened, so nothing when the sync started
     * (this sync deletes nothing before every record is decided): every record is a create,
     * nothing to look up. Counted by each instance, not once for the sync and read from a side
     * input: on Flink's batch runner a step with a side input is never chained to the step before
     * it, and every record would be encoded once more to cross over.
     */
    private transient boolean emptyAtStart;
    private transient org.elasticsearch.client.RestClient client;
    private transient IndexLookup.Session lookups;
    private transient Map<BoundedWindow, List<TimestampedValue<SourceRecord>>> buffers;
    /**
     * The bundle's scopes, ids, found counts and the index's count when this instance's session
     * opened ({@link Reconcile#LISTED_SUMMARIES}): tallied here
     * rather than by a second reader of the listing, which on Flink would be one more encoded copy
     * of every record.
     */
    private transient ListedTally tally;
    /** Answered searches of this bundle (a queue per bundle: a failed bundle's answers stay in its own). */
    private transient LinkedBlockingQueue<Looked> answered;
    private transient int inFlight;
    /** Decided records of another window than the element being processed: output at the bundle's end. */
    private transient List<TimestampedValue<SourceRecord>> heldWrites;
    private transient List<BoundedWindow> heldWindows;

    /** One batch and what its search gave. */
    private record Looked(BoundedWindow window, List<TimestampedValue<SourceRecord>> batch,
        Map<String, IndexedState> state, Exception failure) {}

    private interface Writes {
      void write(TimestampedValue<SourceRecord> r, BoundedWindow w) throws InterruptedException;
    }

    /** Writing the records it decides to write itself (see the class comment); {@code bulk} null: outputting them. */
    DecideByLookupFn(ElasticsearchConnection connection, BulkSettings bulk, String seenAt) {
      if (bulk != null && seenAt == null) {
        throw new IllegalArgumentException("a lookup step that writes needs the time to stamp records with");
      }
      this.connection = connection;
      this.bulk = bulk;
      this.seenAt = seenAt;
    }

    @Override
    public org.joda.time.Duration getAllowedTimestampSkew() {
      // A batch answered while a later record is processed leaves with its own records' timestamps.
      return org.joda.time.Duration.millis(Long.MAX_VALUE);
    }

    @Setup
    public void setup() throws java.io.IOException {
      // Its lookups and, where it writes, its bulk requests share the client.
      client = connection.createClient(IN_FLIGHT + (bulk == null ? 0 : bulk.maxParallelRequests()));
      lookups = IndexLookup.Session.open(client, connection.index());
      emptyAtStart = lookups.heldAtOpen() == 0;
      if (bulk != null) {
        writer = BulkSession.of(client, connection.index(), bulk);
      }
    }

    @StartBundle
    public void start() {
      buffers = new HashMap<>();
      tally = new ListedTally(true);
      answered = new LinkedBlockingQueue<>();
      inFlight = 0;
      heldWrites = new ArrayList<>();
      heldWindows = new ArrayList<>();
      if (writer != null) {
        writer.startBundle();
      }
    }

    @ProcessElement
    public void process(@Element SourceRecord element, @Timestamp org.joda.time.Instant timestamp,
        BoundedWindow window, MultiOutputReceiver out) throws java.io.IOException, InterruptedException {
      if (element.isIssue()) {
        out.get(Reconcile.LISTED_SUMMARIES).output(ListedSummary.issue(element.issue()));
        return;
      }
      listed.inc();
      ListedSummary fullChunk = tally.add(element, window);
      if (fullChunk != null) {
        out.get(Reconcile.LISTED_SUMMARIES).output(fullChunk);
      }
      Writes writes;
      if (writer != null) {
        if (!(window instanceof GlobalWindow)) {
          throw new IllegalStateException("a lookup step that writes takes records of the global window only, not of " + window);
        }
        writes = written((failure, at) -> out.get(Reconcile.WRITE_FAILURES).outputWithTimestamp(failure, at));
      } else {
        writes = (r, w) -> {
          if (w.equals(window)) {
            out.get(UPSERTS).outputWithTimestamp(r.getValue(), r.getTimestamp());
          } else {
            heldWrites.add(r);
            heldWindows.add(w);
          }
        };
      }
      List<TimestampedValue<SourceRecord>> buffer = buffers.computeIfAbsent(window, w -> new ArrayList<>(BATCH));
      buffer.add(TimestampedValue.of(element, timestamp));
      if (buffer.size() >= BATCH) {
        buffers.put(window, new ArrayList<>(BATCH));
        submit(buffer, window, writes);
      }
      for (Looked l = answered.poll(); l != null; l = answered.poll()) {
        inFlight--;
        decide(l, writes);
      }
    }

    @FinishBundle
    public void finish(FinishBundleContext c) throws java.io.IOException, InterruptedException {
      BulkSession.Failures failed = (failure, at) -> c.output(Reconcile.WRITE_FAILURES, failure, at, GlobalWindow.INSTANCE);
      Writes writes = writer != null ? written(failed) : (r, w) -> c.output(UPSERTS, r.getValue(), r.getTimestamp(), w);
      for (Map.Entry<BoundedWindow, List<TimestampedValue<SourceRecord>>> e : buffers.entrySet()) {
        if (!e.getValue().isEmpty()) {
          submit(e.getValue(), e.getKey(), writes);
        }
      }
      awaitAnswers(0, writes);
      for (int i = 0; i < heldWrites.size(); i++) {
        writes.write(heldWrites.get(i), heldWindows.get(i));
      }
      if (writer != null) {
        writer.finishBundle(failed);
      }
      tally.drain((s, w) -> c.output(Reconcile.LISTED_SUMMARIES, s, w.maxTimestamp(), w));
      buffers = null;
      tally = null;
      heldWrites = null;
      heldWindows = null;
    }

    /** Each record to write made into its document and added to the bundle's bulk requests. */
    private Writes written(BulkSession.Failures failed) {
      return (r, w) -> writer.add(IndexOperations.indexJson(r.getValue(), seenAt), r.getTimestamp(), failed);
    }

    /** Looks a batch up (after waiting for a free slot), or decides it at once when the index was empty. */
    private void submit(List<TimestampedValue<SourceRecord>> batch, BoundedWindow window, Writes writes)
        throws java.io.IOException, InterruptedException {
      if (emptyAtStart) {
        decide(new Looked(window, batch, Map.of(), null), writes);
        return;
      }
      awaitAnswers(IN_FLIGHT - 1, writes);
      List<String> ids = new ArrayList<>(batch.size());
      batch.forEach(r -> ids.add(r.getValue().id()));
      LinkedBlockingQueue<Looked> answers = answered;
      inFlight++;
      lookups.lookupAsync(ids, (state, failure) -> answers.add(new Looked(window, batch, state, failure)));
    }

    private void awaitAnswers(int inFlightAtMost, Writes writes) throws java.io.IOException, InterruptedException {
      while (inFlight > inFlightAtMost) {
        Looked l = answered.take();
        inFlight--;
        decide(l, writes);
      }
    }

    private void decide(Looked l, Writes writes) throws java.io.IOException, InterruptedException {
      Map<String, IndexedState> state = l.state();
      if (l.failure() != null) {
        List<String> ids = new ArrayList<>(l.batch().size());
        l.batch().forEach(r -> ids.add(r.getValue().id()));
        state = lookups.lookup(ids);
      }
      tally.addFound(l.window(), state.size());
      tally.addHeld(l.window(), lookups.heldAtOpen());
      for (TimestampedValue<SourceRecord> r : l.batch()) {
        if (shouldWrite(r.getValue(), state.get(r.getValue().id()))) {
          writes.write(r, l.window());
        }
      }
    }

    @Teardown
    public void teardown() throws java.io.IOException {
      if (lookups != null) {
        lookups.close();
      }
      if (client != null) {
        client.close();
      }
    }
  }

  /** {@link JoinStrategy#SIDE_INPUT}, ids listed more than once, grouped: the shuffle's rule. */
  static final class DecideSharedFn extends Decider<KV<String, Iterable<SourceRecord>>, SourceRecord> {
    private static final long serialVersionUID = 1L;
    private final PCollectionView<Iterable<KV<String, IndexedState>>> indexView;
    private transient PerWindow<Map<String, IndexedState>> state;

    DecideSharedFn(PCollectionView<Iterable<KV<String, IndexedState>>> indexView) {
      this.indexView = indexView;
    }

    @ProcessElement
    public void process(ProcessContext c, BoundedWindow window, MultiOutputReceiver out) {
      if (state == null) {
        state = new PerWindow<>();
      }
      List<SourceRecord> records = new ArrayList<>();
      c.element().getValue().forEach(records::add);
      IndexedState indexed = state.get(window, () -> indexMap(c.sideInput(indexView))).get(c.element().getKey());
      SourceRecord write = resolveShared(records, indexed, out);
      if (write != null) {
        out.get(UPSERTS).output(write);
      }
    }
  }
}
