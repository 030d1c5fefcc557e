package io.beamconnectors.sync;

import io.beamconnectors.metrics.SyncCounters;
import io.beamconnectors.elasticsearch.BulkSettings;
import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import io.beamconnectors.elasticsearch.IndexLookup;
import io.beamconnectors.elasticsearch.IndexedState;
import io.beamconnectors.elasticsearch.ReadIndexState;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.ListingIssueCoder;
import io.beamconnectors.sequencing.CompletionSignal;
import io.beamconnectors.sources.SeparateIssues;
import io.beamconnectors.sources.SourceListing;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.SourceRecordCoder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import io.beamconnectors.sync.ReconcileDecisions.DecideJoinedFn;
import io.beamconnectors.sync.ReconcileDecisions.DecideListedFn;
import io.beamconnectors.sync.ReconcileDecisions.DecideAsListedFn;
import io.beamconnectors.sync.ReconcileDecisions.DecideByLookupFn;
import io.beamconnectors.sync.ReconcileDecisions.DecideSharedFn;

/**
 * Joins the source listing with the index state by id and decides per id: source only: CREATE;
 * both with different tokens: UPDATE; both with the same token: UNCHANGED (counted, nothing else);
 * index only: a delete candidate. Several listed items with one id are a duplicate: the one that
 * sorts first ({@link DuplicateIds#winner}) is decided as above and the others are dropped, counted
 * and reported as a {@link ListingIssue.Kind#DUPLICATE} issue of their scopes.
 *
 * <p>Delete candidates then pass the {@link DeleteGate}, built from every issue of the sync (the
 * listing's and the duplicates) and the scopes listed: so no delete is decided before the whole
 * listing and every decision are done, and both join strategies share one rule.
 *
 * <p>Issues that came with the records ({@link SourceRecord#issue}) are taken out of them first
 * and count as the listing's issues: they pass the gate and come out as {@link #ISSUES_IN_RECORDS}.
 *
 * <p>Outputs: the records to write ({@link #UPSERTS}), the ids to delete ({@link #DELETES}), the
 * duplicate-id issues ({@link #DUPLICATES}) and the issues found in the records
 * ({@link #ISSUES_IN_RECORDS}). With {@link #withWritesInLookups} the records are written where
 * they are decided: no {@link #UPSERTS}, and the final write failures ({@link #WRITE_FAILURES})
 * instead.
 */
public final class Reconcile extends PTransform<PCollection<SourceRecord>, PCollectionTuple> {
  private static final long serialVersionUID = 1L;

  public static final TupleTag<SourceRecord> UPSERTS = new TupleTag<>("upserts") {};
  /**
   * Records to write go on as their JSON, written once, where they are decided: each one's JSON
   * is needed anyway. Records not yet decided keep the listing's coder, which may carry deferred
   * fields unwritten ({@link SourceRecordCoder#withDeferredFields}): most of a re-sync's records
   * are never written.
   */
  private static final Coder<SourceRecord> UPSERTS_CODER = SourceRecordCoder.of();
  public static final TupleTag<String> DELETES = new TupleTag<>("deletes") {};
  public static final TupleTag<ListingIssue> DUPLICATES = new TupleTag<>("duplicates") {};
  /**
   * With {@link #withWritesInLookups}: the final failures of the records' writes, as
   * {@code WriteToIndex} gives them.
   */
  public static final TupleTag<String> WRITE_FAILURES = new TupleTag<>("writeFailures") {};
  /** The issues a reader sent with its records ({@link SourceRecord#issue}). */
  public static final TupleTag<ListingIssue> ISSUES_IN_RECORDS = new TupleTag<>("issuesInRecords") {};

  static final TupleTag<SourceRecord> SOURCE = new TupleTag<>("source") {};
  static final TupleTag<IndexedState> INDEX = new TupleTag<>("index") {};
  static final TupleTag<KV<String, IndexedState>> CANDIDATES = new TupleTag<>("deleteCandidates") {};
  static final TupleTag<KV<String, SourceRecord>> SHARED_IDS = new TupleTag<>("sharedIds") {};
  static final TupleTag<String> LISTED_SCOPES = new TupleTag<>("listedScopes") {};
  static final TupleTag<byte[]> LISTED_ID_CHUNKS = new TupleTag<>("listedIdChunks") {};
  static final TupleTag<Long> FOUND_COUNTS = new TupleTag<>("foundCounts") {};
  static final TupleTag<Long> HELD_COUNTS = new TupleTag<>("heldCounts") {};
  static final TupleTag<ListedSummary> LISTED_SUMMARIES = new TupleTag<>("listedSummaries") {};

  private final transient PCollection<KV<String, IndexedState>> indexState;
  private final ReadIndexState indexRead;
  private final PCollection<ListingIssue> issues;
  private final JoinStrategy strategy;
  private final boolean idsSurviveMoves;
  private final boolean idsListedOnce;
  private final ElasticsearchConnection lookups;
  /** Null: the records to write are output; else the lookup step writes them (see {@link #withWritesInLookups}). */
  private final BulkSettings lookupWrites;
  private final String seenAt;

  private Reconcile(PCollection<KV<String, IndexedState>> indexState, ReadIndexState indexRead, PCollection<ListingIssue> issues,
      JoinStrategy strategy, boolean idsSurviveMoves, boolean idsListedOnce, ElasticsearchConnection lookups,
      BulkSettings lookupWrites, String seenAt) {
    this.indexState = indexState;
    this.indexRead = indexRead;
    this.issues = issues;
    this.strategy = strategy;
    this.idsSurviveMoves = idsSurviveMoves;
    this.idsListedOnce = idsListedOnce;
    this.lookups = lookups;
    this.lookupWrites = lookupWrites;
    this.seenAt = seenAt;
  }

  /** Against an index state read elsewhere. */
  public static Reconcile against(PCollection<KV<String, IndexedState>> indexState, PCollection<ListingIssue> issues) {
    return new Reconcile(indexState, null, issues, JoinStrategy.AUTO, false, false, null, null, null);
  }

  /**
   * Against the index state this read gives, applied here so that it can start when it is needed:
   * with {@link #withLookups} the decisions never read it, only the search for delete candidates
   * does, so it starts once the listing is complete. Read any earlier, the DirectRunner would hold
   * every indexed document back until the listed ids are known, and go over them again each time
   * it tried (measured: a third of a 1,000,000-row no-op's CPU).
   */
  public static Reconcile againstIndex(ReadIndexState indexRead, PCollection<ListingIssue> issues) {
    if (indexRead == null) {
      throw new IllegalArgumentException("index read must not be null");
    }
    return new Reconcile(null, indexRead, issues, JoinStrategy.AUTO, false, false, null, null, null);
  }

  public Reconcile withStrategy(JoinStrategy v) {
    if (v == null) {
      throw new IllegalArgumentException("join strategy must not be null");
    }
    return new Reconcile(indexState, indexRead, issues, v, idsSurviveMoves, idsListedOnce, lookups, lookupWrites, seenAt);
  }

  /** The source's ids follow moved items: any issue then holds back every delete (see {@link DeleteGate}). */
  public Reconcile withIdsSurvivingMoves(boolean v) {
    return new Reconcile(indexState, indexRead, issues, strategy, v, idsListedOnce, lookups, lookupWrites, seenAt);
  }

  /**
   * The source promises to list each id once ({@code SourceConnector#listsEachIdOnce}): the
   * in-memory join then decides records as they arrive and checks the promise on ids alone (and,
   * with {@link #withLookups}, so does the shuffle join).
   */
  public Reconcile withIdsListedOnce(boolean v) {
    return new Reconcile(indexState, indexRead, issues, strategy, idsSurviveMoves, v, lookups, lookupWrites, seenAt);
  }

  /**
   * With {@link #withIdsListedOnce} on the in-memory join: records are decided against the index
   * itself, a batch of ids per search ({@link IndexLookup}), instead of against the index-state
   * side input. The DirectRunner never waits for a side input then, so it holds no listed record:
   * it would otherwise push every record back until the whole index state was read (and, busy
   * retrying them, read it late), holding the listing in memory. On the shuffle join the same
   * lookups keep whole records out of the shuffle: only ids are grouped, to find the delete
   * candidates and check the promise ({@link IdsByShuffle}). Null (the default): the index state
   * is joined as a whole.
   */
  public Reconcile withLookups(ElasticsearchConnection v) {
    return new Reconcile(indexState, indexRead, issues, strategy, idsSurviveMoves, idsListedOnce, v, lookupWrites, seenAt);
  }

  /**
   * With {@link #withLookups} and {@link #withIdsListedOnce}: the lookup step writes the records
   * it decides to write itself, as their documents ({@code IndexOperations.indexJson}, records
   * without a time of their own stamped {@code seenAt}), in a batch per bundle with these
   * settings, and gives the final failures ({@link #WRITE_FAILURES}) instead of the records
   * ({@link #UPSERTS}). For a source whose documents need nothing more than the record (no content
   * to fetch), on a runner where a batch per bundle fills its requests. The point: no collection
   * of whole records leaves the step that reads them, which on Flink's batch runner costs an
   * encoded copy of every record for each output of the step (docs/benchmarks.md, thirtieth
   * round), and on the DirectRunner its bookkeeping for every record in each step after it.
   */
  public Reconcile withWritesInLookups(BulkSettings bulk, String seenAt) {
    if (bulk == null || seenAt == null) {
      throw new IllegalArgumentException("writes in the lookup step need bulk settings and the sync's start time");
    }
    if (bulk.statefulBatches()) {
      throw new IllegalArgumentException("writes in the lookup step send a batch per bundle: bulk settings with"
          + " stateful batches belong to WriteToIndex");
    }
    return new Reconcile(indexState, indexRead, issues, strategy, idsSurviveMoves, idsListedOnce, lookups, bulk, seenAt);
  }

  @Override
  public PCollectionTuple expand(PCollection<SourceRecord> listing) {
    JoinStrategy resolved = strategy.resolve(listing.getPipeline().getOptions().getRunner().getSimpleName());
    boolean inMemory = resolved != JoinStrategy.SHUFFLE;
    boolean byLookup = idsListedOnce && lookups != null;
    // What the listing adds up to (its scopes; its ids for the in-memory joins and the lookup
    // join; the lookups' found counts), a few facts per bundle: a view and a combine then see a
    // few elements per bundle instead of one per record (the DirectRunner pays its per-element
    // bookkeeping on every step an element passes). The lookup join tallies them in the step that
    // decides the records, so that the listing has one reader: on Flink every further step that
    // reads it is one more encoded copy of every record.
    // Issues in the records: the lookup step routes them as it decides, so that the listing's
    // reader feeds it directly (on Flink the two are then fused, and no record is encoded between
    // them); the other joins take them out first.
    PCollectionTuple lookedUp = null;
    PCollection<ListedSummary> summaries;
    PCollection<ListingIssue> separatedIssues = null;
    if (lookupWrites != null && !byLookup) {
      throw new IllegalStateException("writes in the lookup step need lookups and a source that lists each id once");
    }
    if (byLookup) {
      TupleTagList others = TupleTagList.of(LISTED_SUMMARIES);
      lookedUp = listing.apply("DecideByLookup", ParDo.of(new DecideByLookupFn(lookups, lookupWrites, seenAt))
          .withOutputTags(UPSERTS, lookupWrites != null ? others.and(WRITE_FAILURES) : others));
      summaries = lookedUp.get(LISTED_SUMMARIES);
    } else {
      PCollectionTuple apart = listing.apply("IssuesInRecords", SeparateIssues.create());
      listing = apart.get(SourceListing.RECORDS);
      separatedIssues = apart.get(SourceListing.ISSUES);
      summaries = listing.apply("ListedPerBundle", ParDo.of(new ListedPerBundleFn(inMemory)));
    }
    PCollectionTuple summary = summaries.setCoder(ListedSummary.Coder.of())
        .apply("SplitSummaries", ParDo.of(new SplitSummariesFn())
            .withOutputTags(LISTED_SCOPES, TupleTagList.of(LISTED_ID_CHUNKS).and(FOUND_COUNTS).and(HELD_COUNTS)
                .and(ISSUES_IN_RECORDS)));
    // The lookup step's summaries carry its issues; elsewhere they were taken out before the tally.
    PCollection<ListingIssue> issuesInRecords = separatedIssues != null ? separatedIssues
        : summary.get(ISSUES_IN_RECORDS).setCoder(ListingIssueCoder.of());
    PCollection<String> scopes = summary.get(LISTED_SCOPES).setCoder(StringUtf8Coder.of());
    PCollection<byte[]> idChunks = summary.get(LISTED_ID_CHUNKS).setCoder(org.apache.beam.sdk.coders.ByteArrayCoder.of());
    PCollection<Long> foundCounts = summary.get(FOUND_COUNTS).setCoder(org.apache.beam.sdk.coders.VarLongCoder.of());
    PCollection<Long> heldCounts = summary.get(HELD_COUNTS).setCoder(org.apache.beam.sdk.coders.VarLongCoder.of());
    PCollectionView<Iterable<byte[]>> listedIds = inMemory
        ? idChunks.apply("ListedIdsView", View.asIterable())
        : null;
    PCollectionTuple decided;
    if (byLookup) {
      decided = joinByLookup(listing, lookedUp.get(UPSERTS), heldCounts, foundCounts, idChunks, listedIds, scopes);
    } else {
      PCollection<KV<String, IndexedState>> state = indexState != null ? indexState
          : listing.getPipeline().begin().apply("ReadIndexState", indexRead);
      decided = !inMemory ? joinByShuffle(keyById(listing), state)
          : idsListedOnce ? joinAsListed(listing, idChunks, listedIds, state) : joinInMemory(keyById(listing), listedIds, state, listing.getCoder());
    }
    PCollection<SourceRecord> upserts = decided.get(UPSERTS).setCoder(UPSERTS_CODER);
    PCollectionTuple written = lookupWrites == null ? PCollectionTuple.of(UPSERTS, upserts)
        : PCollectionTuple.of(WRITE_FAILURES, lookedUp.get(WRITE_FAILURES).setCoder(StringUtf8Coder.of()));
    PCollection<ListingIssue> duplicates = decided.get(DUPLICATES).setCoder(ListingIssueCoder.of());
    PCollection<KV<String, IndexedState>> candidates = decided.get(CANDIDATES)
        .setCoder(KvCoder.of(StringUtf8Coder.of(), IndexedState.Coder.of()));

    PCollectionView<List<ListingIssue>> allIssues = PCollectionList.of(issues).and(issuesInRecords).and(duplicates)
        .apply("AllIssues", Flatten.pCollections())
        .apply("AllIssuesView", View.asList());
    // As a view with the combine's own default, not Combine.globally's default value: that is an
    // element from the start waiting on a side input (see CompletionSignal).
    PCollectionView<List<String>> listedScopes = scopes
        .apply("ListedScopes", Combine.globally(new DistinctScopesFn()).asSingletonView());
    PCollection<String> deletes = candidates
        .apply("GateDeletes", ParDo.of(new GateDeletesFn(allIssues, listedScopes, idsSurviveMoves)).withSideInputs(allIssues, listedScopes))
        .setCoder(StringUtf8Coder.of());
    return written.and(DELETES, deletes).and(DUPLICATES, duplicates).and(ISSUES_IN_RECORDS, issuesInRecords);
  }

  private static PCollection<KV<String, SourceRecord>> keyById(PCollection<SourceRecord> listing) {
    return listing
        .apply("KeyById", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptor.of(SourceRecord.class)))
            .via((SourceRecord r) -> KV.of(r.id(), r)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), listing.getCoder()));
  }

  private PCollectionTuple joinByShuffle(PCollection<KV<String, SourceRecord>> byId, PCollection<KV<String, IndexedState>> indexState) {
    return KeyedPCollectionTuple.of(SOURCE, byId)
        .and(INDEX, indexState)
        .apply("JoinById", CoGroupByKey.create())
        .apply("Decide", ParDo.of(new DecideJoinedFn())
            .withOutputTags(UPSERTS, TupleTagList.of(CANDIDATES).and(DUPLICATES)));
  }

  private PCollectionTuple joinInMemory(PCollection<KV<String, SourceRecord>> byId, PCollectionView<Iterable<byte[]>> listedIds,
      PCollection<KV<String, IndexedState>> indexState, Coder<SourceRecord> records) {
    // Iterables, not Beam's map views: the DirectRunner's map views search linearly on every get,
    // so each DoFn instance builds its own hash map once from the iterable.
    PCollectionView<Iterable<KV<String, IndexedState>>> indexView = indexState.apply("IndexStateView", View.asIterable());
    PCollectionTuple listed = byId.apply("DecideListed", ParDo.of(new DecideListedFn(indexView, listedIds))
        .withSideInputs(indexView, listedIds)
        .withOutputTags(UPSERTS, TupleTagList.of(SHARED_IDS).and(DUPLICATES)));
    // Ids listed more than once (rare) meet in a small GroupByKey and get the shuffle's own rule.
    PCollectionTuple shared = listed.get(SHARED_IDS)
        .setCoder(KvCoder.of(StringUtf8Coder.of(), records))
        .apply("GroupSharedIds", GroupByKey.create())
        .apply("DecideSharedIds", ParDo.of(new DecideSharedFn(indexView)).withSideInputs(indexView)
            .withOutputTags(UPSERTS, TupleTagList.of(DUPLICATES)));
    PCollection<KV<String, IndexedState>> candidates = indexState
        .apply("DecideIndexed", ParDo.of(new DecideIndexedFn(listedIds)).withSideInputs(listedIds));
    PCollection<SourceRecord> upserts = PCollectionList.of(listed.get(UPSERTS).setCoder(UPSERTS_CODER))
        .and(shared.get(UPSERTS).setCoder(UPSERTS_CODER))
        .apply("Upserts", Flatten.pCollections());
    PCollection<ListingIssue> duplicates = PCollectionList.of(listed.get(DUPLICATES).setCoder(ListingIssueCoder.of()))
        .and(shared.get(DUPLICATES).setCoder(ListingIssueCoder.of()))
        .apply("Duplicates", Flatten.pCollections());
    return PCollectionTuple.of(UPSERTS, upserts).and(CANDIDATES, candidates).and(DUPLICATES, duplicates);
  }

  /**
   * {@link JoinStrategy#SIDE_INPUT} for a source that lists each id once: every record is decided
   * as soon as the index state is known, so nothing waits for the end of the listing (the
   * DirectRunner would hold every record meanwhile). Only the ids are held: to find the delete
   * candidates, and to check the promise.
   */
  private PCollectionTuple joinAsListed(PCollection<SourceRecord> listing, PCollection<byte[]> idChunks,
      PCollectionView<Iterable<byte[]>> listedIds, PCollection<KV<String, IndexedState>> indexState) {
    PCollectionView<Iterable<KV<String, IndexedState>>> indexView = indexState.apply("IndexStateView", View.asIterable());
    PCollection<SourceRecord> upserts = listing.apply("DecideAsListed", ParDo.of(new DecideAsListedFn(indexView)).withSideInputs(indexView))
        .setCoder(UPSERTS_CODER);
    return PCollectionTuple.of(UPSERTS, upserts)
        .and(CANDIDATES, candidatesAsListed(indexState, listedIds))
        .and(DUPLICATES, repeatedIds(idChunks, listedIds));
  }

  /**
   * {@link #joinAsListed} with {@link #withLookups} (and, with {@code listedIds} null, its shuffle
   * counterpart {@link IdsByShuffle}): no index-state view at all (it would be read, grouped and
   * held for nothing). Each instance of the lookup step counts the index when it opens its
   * session; when it held nothing, that instance creates its records without lookups (see
   * {@link DecideByLookupFn}). The state is read only for delete candidates, once the listing is
   * complete, and not at all when the lookups found as many documents as the index held at the
   * start: every one of them was listed, so none can be a candidate. The count at the start is the
   * smallest of the instances' counts: the first instance counted before this sync decided, so
   * wrote, anything, and no count is smaller than the start's, because this sync deletes nothing
   * before every record is decided. (Each listed id is looked up before this sync writes it, so a
   * found document was there at the start; an id listed twice, which could make the counts match
   * wrongly, holds back every delete anyway, see {@link RepeatedIdsFn}.)
   */
  private PCollectionTuple joinByLookup(PCollection<SourceRecord> listing, PCollection<SourceRecord> lookedUp,
      PCollection<Long> heldCounts, PCollection<Long> foundCounts, PCollection<byte[]> idChunks,
      PCollectionView<Iterable<byte[]>> listedIds, PCollection<String> listingDone) {
    org.apache.beam.sdk.Pipeline pipeline = listing.getPipeline();
    PCollection<KV<String, IndexedState>> state;
    if (indexState != null) {
      state = indexState;
    } else {
      PCollectionView<Long> found = foundCounts
          .apply("FoundInIndex", Combine.globally(org.apache.beam.sdk.transforms.Sum.ofLongs()).asSingletonView());
      // No count at all (nothing listed): Long.MAX_VALUE, never equal to what was found.
      PCollectionView<Long> atStart = heldCounts
          .apply("HeldAtStart", Combine.globally(org.apache.beam.sdk.transforms.Min.ofLongs()).asSingletonView());
      // Compared once both counts are complete: the step's element comes from them, it does not
      // wait for them from the start (see CompletionSignal).
      PCollectionView<Boolean> allListed = PCollectionList.of(heldCounts).and(foundCounts)
          .apply("AllCounts", Flatten.pCollections())
          .apply("CountsComplete", CompletionSignal.of())
          .apply("AllIndexedListed", ParDo.of(new AllIndexedListedFn(atStart, found)).withSideInputs(atStart, found))
          .setCoder(org.apache.beam.sdk.coders.BooleanCoder.of())
          .apply("AllIndexedListedView", View.asSingleton());
      state = pipeline.begin()
          .apply("ReadIndexState", indexRead.withStartAfter(listingDone).withSkipWhen(allListed)
              // The lookups decided every record: the state only names delete candidates.
              .withoutTokens());
    }
    PCollectionTuple out = PCollectionTuple.of(UPSERTS, lookedUp.setCoder(UPSERTS_CODER));
    if (listedIds != null) {
      return out.and(CANDIDATES, candidatesAsListed(state, listedIds))
          .and(DUPLICATES, repeatedIds(idChunks, listedIds));
    }
    PCollectionTuple byId = idChunks.apply("IdsByShuffle", IdsByShuffle.against(state));
    return out.and(CANDIDATES, byId.get(CANDIDATES)).and(DUPLICATES, byId.get(DUPLICATES));
  }

  /** Whether the lookups found every document the index held at the start (see {@link #joinByLookup}). */
  static final class AllIndexedListedFn extends DoFn<Long, Boolean> {
    private static final long serialVersionUID = 1L;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AllIndexedListedFn.class);
    private final PCollectionView<Long> atStart;
    private final PCollectionView<Long> found;

    AllIndexedListedFn(PCollectionView<Long> atStart, PCollectionView<Long> found) {
      this.atStart = atStart;
      this.found = found;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      long held = c.sideInput(atStart);
      long listedAndFound = c.sideInput(found);
      boolean all = held == listedAndFound;
      if (all && held == 0) {
        LOG.info("The index was empty when the sync started: nothing to delete, its state is not read");
      } else if (all) {
        LOG.info("Every one of the {} documents the index held was listed: nothing to delete, its state is not read", held);
      }
      c.output(all);
    }
  }

  private static PCollection<KV<String, IndexedState>> candidatesAsListed(PCollection<KV<String, IndexedState>> indexState,
      PCollectionView<Iterable<byte[]>> listedIds) {
    return indexState.apply("DecideIndexed", ParDo.of(new DecideIndexedFn(listedIds)).withSideInputs(listedIds));
  }

  /** Checked once the listed ids are complete (see {@link CompletionSignal}). */
  private static PCollection<ListingIssue> repeatedIds(PCollection<byte[]> idChunks, PCollectionView<Iterable<byte[]>> listedIds) {
    return idChunks
        .apply("IdsListed", CompletionSignal.of())
        .apply("RepeatedIds", ParDo.of(new RepeatedIdsFn(listedIds)).withSideInputs(listedIds))
        .setCoder(ListingIssueCoder.of());
  }

  /**
   * {@link #joinAsListed}: checks the source's promise once the listing is complete. Ids listed
   * more than once were each decided and written as they came, so which copy the index holds is
   * not defined: one {@code DUPLICATE} issue for the whole source holds back every delete and
   * makes the sync not clean.
   */
  static final class RepeatedIdsFn extends DoFn<Long, ListingIssue> {
    private static final long serialVersionUID = 1L;
    private final PCollectionView<Iterable<byte[]>> listedIdsView;
    private final Counter duplicateIds = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.DUPLICATE_IDS);

    RepeatedIdsFn(PCollectionView<Iterable<byte[]>> listedIdsView) {
      this.listedIdsView = listedIdsView;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      ListedIds.Repeats repeated = ListedIds.of(c.sideInput(listedIdsView)).repeats();
      if (repeated.extra() > 0) {
        duplicateIds.inc(repeated.extra());
        c.output(DuplicateIds.brokenPromise(repeated.extra(), repeated.smallest()));
      }
    }
  }

  /** {@link JoinStrategy#SIDE_INPUT}, index side: an indexed document whose id was not listed is a candidate. */
  static final class DecideIndexedFn extends DoFn<KV<String, IndexedState>, KV<String, IndexedState>> {
    private static final long serialVersionUID = 1L;
    private final PCollectionView<Iterable<byte[]>> listedIdsView;
    private transient PerWindow<ListedIds> ids;

    DecideIndexedFn(PCollectionView<Iterable<byte[]>> listedIdsView) {
      this.listedIdsView = listedIdsView;
    }

    @ProcessElement
    public void process(ProcessContext c, BoundedWindow window) {
      if (ids == null) {
        ids = new PerWindow<>();
      }
      if (ids.get(window, () -> ListedIds.of(c.sideInput(listedIdsView))).timesListed(c.element().getKey()) == 0) {
        c.output(c.element());
      }
    }
  }

  /** Delete candidates through the gate of every issue of the sync. */
  static final class GateDeletesFn extends DoFn<KV<String, IndexedState>, String> {
    private static final long serialVersionUID = 1L;
    private final PCollectionView<List<ListingIssue>> issuesView;
    private final PCollectionView<List<String>> scopesView;
    private final boolean idsSurviveMoves;
    private final Counter deleted = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.DELETED);
    private final Counter blocked = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.DELETES_BLOCKED);
    private transient PerWindow<DeleteGate> gate;

    GateDeletesFn(PCollectionView<List<ListingIssue>> issuesView, PCollectionView<List<String>> scopesView,
        boolean idsSurviveMoves) {
      this.issuesView = issuesView;
      this.scopesView = scopesView;
      this.idsSurviveMoves = idsSurviveMoves;
    }

    @ProcessElement
    public void process(ProcessContext c, BoundedWindow window) {
      if (gate == null) {
        gate = new PerWindow<>();
      }
      if (gate.get(window, () -> DeleteGate.from(c.sideInput(issuesView), c.sideInput(scopesView), idsSurviveMoves))
          .allows(c.element().getValue().scope())) {
        deleted.inc();
        c.output(c.element().getKey());
      } else {
        blocked.inc();
      }
    }
  }

  /** The listing's {@link ListedSummary} facts, tallied per bundle ({@link ListedTally}), where no lookup step tallies them. */
  static final class ListedPerBundleFn extends DoFn<SourceRecord, ListedSummary> {
    private static final long serialVersionUID = 1L;
    private final boolean withIds;
    private transient ListedTally tally;

    ListedPerBundleFn(boolean withIds) {
      this.withIds = withIds;
    }

    @StartBundle
    public void start() {
      tally = new ListedTally(withIds);
    }

    @ProcessElement
    public void process(@Element SourceRecord r, BoundedWindow window, OutputReceiver<ListedSummary> out) {
      ListedSummary fullChunk = tally.add(r, window);
      if (fullChunk != null) {
        out.output(fullChunk);
      }
    }

    @FinishBundle
    public void finish(FinishBundleContext c) {
      tally.drain((s, w) -> c.output(s, w.maxTimestamp(), w));
      tally = null;
    }
  }

  /** Each {@link ListedSummary} fact to the output of its kind. */
  static final class SplitSummariesFn extends DoFn<ListedSummary, String> {
    private static final long serialVersionUID = 1L;

    @ProcessElement
    public void process(@Element ListedSummary s, MultiOutputReceiver out) {
      switch (s.kind()) {
        case SCOPE -> out.get(LISTED_SCOPES).output(s.scope());
        case ID_CHUNK -> out.get(LISTED_ID_CHUNKS).output(s.idChunk());
        case FOUND -> out.get(FOUND_COUNTS).output(s.count());
        case HELD -> out.get(HELD_COUNTS).output(s.count());
        case ISSUE -> out.get(ISSUES_IN_RECORDS).output(s.issue());
      }
    }
  }

  static Map<String, IndexedState> indexMap(Iterable<KV<String, IndexedState>> state) {
    Map<String, IndexedState> m = new HashMap<>();
    for (KV<String, IndexedState> kv : state) {
      m.putIfAbsent(kv.getKey(), kv.getValue());
    }
    return m;
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
