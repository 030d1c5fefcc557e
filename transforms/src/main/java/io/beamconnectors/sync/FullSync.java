package io.beamconnectors.sync;

import io.beamconnectors.elasticsearch.IndexOperations;
import io.beamconnectors.content.ContentSettings;
import io.beamconnectors.content.FetchContent;
import io.beamconnectors.elasticsearch.BulkSettings;
import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import io.beamconnectors.elasticsearch.ReadIndexState;
import io.beamconnectors.elasticsearch.WriteToIndex;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.IsoTimes;
import io.beamconnectors.sources.ContentFetcher;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.SourceConnector;
import io.beamconnectors.sources.SourceListing;
import io.beamconnectors.sources.SourceRecord;
import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import java.time.Instant;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * One full sync of a source into its content index, as one Beam transform:
 * list the source, read the index state, join them by id, decide create/update/unchanged/delete,
 * fetch and extract content for what changed, write through bulk requests. Outputs the failed
 * bulk items ({@link #FAILED_WRITES}) and the listing issues ({@link #ISSUES}).
 */
public final class FullSync extends PTransform<PBegin, PCollectionTuple> {
  private static final long serialVersionUID = 1L;

  public static final TupleTag<String> FAILED_WRITES = new TupleTag<>("failedWrites") {};
  public static final TupleTag<ListingIssue> ISSUES = new TupleTag<>("issues") {};

  /** Everything a sync is configured with; immutable, defaults in {@link FullSync#of}. */
  private record Spec(SourceConnector connector, ConnectorConfiguration configuration,
      ElasticsearchConnection elasticsearch, BulkSettings bulk, ContentSettings content, int stateSlices,
      JoinStrategy joinStrategy, String startedAt, String issuesOutput) implements java.io.Serializable {}

  private final Spec spec;

  private FullSync(Spec spec) {
    this.spec = spec;
  }

  public static FullSync of(SourceConnector connector, ConnectorConfiguration configuration, ElasticsearchConnection elasticsearch) {
    checkArgument(connector != null, "connector is required");
    checkArgument(configuration != null, "configuration is required");
    checkArgument(elasticsearch != null, "elasticsearch connection is required");
    return new FullSync(new Spec(connector, configuration, elasticsearch, BulkSettings.defaults(),
        ContentSettings.defaults(), 4, JoinStrategy.AUTO, IsoTimes.isoformat(Instant.now()), null));
  }

  public FullSync withBulkSettings(BulkSettings v) {
    checkArgument(v != null, "bulk settings must not be null");
    return new FullSync(new Spec(spec.connector(), spec.configuration(), spec.elasticsearch(), v, spec.content(),
        spec.stateSlices(), spec.joinStrategy(), spec.startedAt(), spec.issuesOutput()));
  }

  public FullSync withContentSettings(ContentSettings v) {
    checkArgument(v != null, "content settings must not be null");
    return new FullSync(new Spec(spec.connector(), spec.configuration(), spec.elasticsearch(), spec.bulk(), v,
        spec.stateSlices(), spec.joinStrategy(), spec.startedAt(), spec.issuesOutput()));
  }

  /** Parallel slices of the index-state read (at least 1). */
  public FullSync withStateSlices(int v) {
    checkArgument(v >= 1, "stateSlices must be at least 1, got %s", v);
    return new FullSync(new Spec(spec.connector(), spec.configuration(), spec.elasticsearch(), spec.bulk(),
        spec.content(), v, spec.joinStrategy(), spec.startedAt(), spec.issuesOutput()));
  }

  public FullSync withJoinStrategy(JoinStrategy v) {
    checkArgument(v != null, "join strategy must not be null");
    return new FullSync(new Spec(spec.connector(), spec.configuration(), spec.elasticsearch(), spec.bulk(),
        spec.content(), spec.stateSlices(), v, spec.startedAt(), spec.issuesOutput()));
  }

  /**
   * The sync's start time, stamped as {@code _timestamp} on created or updated records that carry
   * no time of their own (database rows). Fixed when the pipeline is built, so every worker stamps
   * the same value. Default: when {@link #of} was called.
   */
  public FullSync withStartedAt(Instant v) {
    checkArgument(v != null, "startedAt must not be null");
    return new FullSync(new Spec(spec.connector(), spec.configuration(), spec.elasticsearch(), spec.bulk(),
        spec.content(), spec.stateSlices(), spec.joinStrategy(), IsoTimes.isoformat(v), spec.issuesOutput()));
  }

  /**
   * Where the sync's issues are written: a file prefix on a Beam file system (see
   * {@link IssueFiles}); null (the default) writes none.
   */
  public FullSync withIssuesOutput(String prefix) {
    checkArgument(prefix == null || !prefix.isBlank(), "issues output prefix must not be blank");
    return new FullSync(new Spec(spec.connector(), spec.configuration(), spec.elasticsearch(), spec.bulk(),
        spec.content(), spec.stateSlices(), spec.joinStrategy(), spec.startedAt(), prefix));
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    // Never the configuration: it holds the source's secrets.
    builder.add(DisplayData.item("serviceType", spec.connector().serviceType()))
        .add(DisplayData.item("index", spec.elasticsearch().index()))
        .add(DisplayData.item("joinStrategy", spec.joinStrategy().name()))
        .add(DisplayData.item("stateSlices", spec.stateSlices()))
        .add(DisplayData.item("bulkMaxOperations", spec.bulk().maxBatchSize()))
        .add(DisplayData.item("bulkMaxBytes", spec.bulk().maxBatchBytes()))
        .add(DisplayData.item("contentMode", spec.content().mode().name()))
        .add(DisplayData.item("startedAt", spec.startedAt()));
  }

  @Override
  public PCollectionTuple expand(PBegin input) {
    PCollectionTuple listing = input.apply("List " + spec.connector().serviceType(), spec.connector().listing(spec.configuration()));
    PCollection<SourceRecord> records = listing.get(SourceListing.RECORDS);
    PCollection<ListingIssue> listingIssues = listing.get(SourceListing.ISSUES);

    String runner = input.getPipeline().getOptions().getRunner().getSimpleName();
    boolean oneMachine = spec.joinStrategy().resolve(runner) == JoinStrategy.SIDE_INPUT;
    BulkSettings bulk = spec.bulk().withStatefulBatches(spec.bulk().statefulBatches() && batchesAcrossBundles(runner, oneMachine));
    String seenAt = spec.startedAt();
    ContentFetcher fetcher = spec.connector().contentFetcher(spec.configuration());
    // Records that need nothing more to become documents (no content to fetch), written in a batch
    // per bundle, are written by the step that decides them (see Reconcile#withWritesInLookups).
    boolean writtenWhereDecided = fetcher == null && !bulk.statefulBatches() && spec.connector().listsEachIdOnce();

    Reconcile reconcile = Reconcile.againstIndex(ReadIndexState.of(spec.elasticsearch()).withSlices(spec.stateSlices()), listingIssues)
        .withStrategy(spec.joinStrategy())
        .withIdsSurvivingMoves(spec.connector().idsSurviveMoves())
        .withIdsListedOnce(spec.connector().listsEachIdOnce())
        .withLookups(spec.elasticsearch());
    PCollectionTuple decided = records.apply("Reconcile", writtenWhereDecided ? reconcile.withWritesInLookups(bulk, seenAt) : reconcile);
    PCollection<ListingIssue> issues = PCollectionList.of(listingIssues).and(decided.get(Reconcile.ISSUES_IN_RECORDS))
        .and(decided.get(Reconcile.DUPLICATES))
        .apply("Issues", Flatten.pCollections())
        .setCoder(io.beamconnectors.sources.ListingIssueCoder.of());
    issues.apply("ReportIssues", ReportIssues.create());
    if (spec.issuesOutput() != null) {
      issues.apply("IssueFiles", IssueFiles.writeTo(spec.issuesOutput()));
    }

    PCollection<String> deletes = decided.get(Reconcile.DELETES)
        .apply("ToDeletes", MapElements.into(TypeDescriptors.strings()).via(IndexOperations::deleteJson));
    // Documents and deletes through writers of their own, not one writer after a Flatten: on
    // Flink's batch runner a step fed by a Flatten is never chained to the step before it, so
    // every document would be encoded once more to reach the writer. Their ids never meet (a
    // delete is for an id not listed), so nothing orders one writer after the other.
    WriteToIndex writer = WriteToIndex.to(spec.elasticsearch()).withSettings(bulk);
    PCollection<String> documentFailures;
    if (writtenWhereDecided) {
      documentFailures = decided.get(Reconcile.WRITE_FAILURES);
    } else if (fetcher != null && !bulk.statefulBatches()) {
      // Each file's document written as soon as the file is done, by the step that fetches it
      // (see FetchContent#withWritesTo): on the DirectRunner, downloads and indexing then overlap.
      documentFailures = decided.get(Reconcile.UPSERTS).apply("FetchContent", FetchContent.using(fetcher, spec.content(), seenAt)
          .withSpreadDownloads(!oneMachine).withWritesTo(spec.elasticsearch(), bulk));
    } else {
      PCollection<SourceRecord> upserts = decided.get(Reconcile.UPSERTS);
      PCollection<String> documents = fetcher == null
          ? upserts.apply("ToDocuments", MapElements.into(TypeDescriptors.strings()).via((SourceRecord r) -> IndexOperations.indexJson(r, seenAt)))
          : upserts.apply("FetchContent", FetchContent.using(fetcher, spec.content(), seenAt).withSpreadDownloads(!oneMachine));
      documentFailures = documents.setCoder(StringUtf8Coder.of()).apply("WriteToIndex", writer);
    }
    PCollection<String> failed = PCollectionList
        .of(documentFailures)
        .and(deletes.setCoder(StringUtf8Coder.of()).apply("WriteDeletes", writer))
        .apply("FailedWrites", Flatten.pCollections())
        .setCoder(StringUtf8Coder.of());

    return PCollectionTuple.of(FAILED_WRITES, failed).and(ISSUES, issues);
  }

  /**
   * Whether the first round's writes batch across bundles (ElasticsearchIO's stateful batches) or
   * send a batch per bundle ({@code AsyncBulkFn}), on a runner (by its class's simple name).
   *
   * <ul>
   *   <li>Not on one machine (the in-memory join): the listing's bundles are large there, and
   *       stateful batching costs the DirectRunner timer bookkeeping on every element.
   *   <li>Not on Flink: its batch mode runs a stateful step as a sort-based group by key (a
   *       {@code GroupReduce} after {@code DataSet.groupBy}), so every document was sorted, and
   *       spilled when large, and none was written before the last one was built: reading the
   *       source and indexing never overlapped. Flink's bundles are a whole partition in batch
   *       mode, so a batch per bundle still fills every request.
   *   <li>Elsewhere (Dataflow), batches across bundles: its bundles can be small.
   * </ul>
   */
  static boolean batchesAcrossBundles(String runnerName, boolean oneMachine) {
    return !oneMachine && !"FlinkRunner".equals(runnerName);
  }
}
