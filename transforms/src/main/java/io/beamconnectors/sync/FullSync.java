package io.beamconnectors.sync;

import io.beamconnectors.elasticsearch.IndexOperations;
import io.beamconnectors.content.ContentSettings;
import io.beamconnectors.content.FetchContent;
import io.beamconnectors.elasticsearch.BulkSettings;
import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import io.beamconnectors.elasticsearch.IndexedState;
import io.beamconnectors.elasticsearch.ReadIndexState;
import io.beamconnectors.elasticsearch.WriteToIndex;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.ContentFetcher;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.SourceConnector;
import io.beamconnectors.sources.SourceListing;
import io.beamconnectors.sources.SourceRecord;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
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

  private final SourceConnector connector;
  private final ConnectorConfiguration configuration;
  private final ElasticsearchConnection elasticsearch;
  private final BulkSettings bulk;
  private final ContentSettings content;
  private final int stateSlices;
  private final JoinStrategy joinStrategy;
  private final String startedAt;

  private FullSync(SourceConnector connector, ConnectorConfiguration configuration, ElasticsearchConnection elasticsearch,
      BulkSettings bulk, ContentSettings content, int stateSlices, JoinStrategy joinStrategy, String startedAt) {
    this.connector = connector;
    this.configuration = configuration;
    this.elasticsearch = elasticsearch;
    this.bulk = bulk;
    this.content = content;
    this.stateSlices = stateSlices;
    this.joinStrategy = joinStrategy;
    this.startedAt = startedAt;
  }

  public static FullSync of(SourceConnector connector, ConnectorConfiguration configuration, ElasticsearchConnection elasticsearch) {
    return new FullSync(connector, configuration, elasticsearch, BulkSettings.defaults(), ContentSettings.defaults(), 4,
        JoinStrategy.AUTO, io.beamconnectors.sources.IsoTimes.isoformat(java.time.Instant.now()));
  }

  public FullSync withBulkSettings(BulkSettings v) {
    return new FullSync(connector, configuration, elasticsearch, v, content, stateSlices, joinStrategy, startedAt);
  }

  public FullSync withContentSettings(ContentSettings v) {
    return new FullSync(connector, configuration, elasticsearch, bulk, v, stateSlices, joinStrategy, startedAt);
  }

  public FullSync withStateSlices(int v) {
    return new FullSync(connector, configuration, elasticsearch, bulk, content, v, joinStrategy, startedAt);
  }


  /**
   * The sync's start time (ISO-8601), stamped as {@code _timestamp} on created or updated records
   * that carry no time of their own (database rows). Fixed when the pipeline is built, so every
   * worker stamps the same value. Default: when {@link #of} was called.
   */
  public FullSync withStartedAt(java.time.Instant v) {
    if (v == null) {
      throw new IllegalArgumentException("startedAt must not be null");
    }
    return new FullSync(connector, configuration, elasticsearch, bulk, content, stateSlices, joinStrategy,
        io.beamconnectors.sources.IsoTimes.isoformat(v));
  }

  public FullSync withJoinStrategy(JoinStrategy v) {
    return new FullSync(connector, configuration, elasticsearch, bulk, content, stateSlices, v, startedAt);
  }

  @Override
  public PCollectionTuple expand(PBegin input) {
    PCollectionTuple listing = input.apply("List " + connector.serviceType(), connector.listing(configuration));
    PCollection<SourceRecord> records = listing.get(SourceListing.RECORDS);
    PCollection<ListingIssue> listingIssues = listing.get(SourceListing.ISSUES);

    PCollection<KV<String, IndexedState>> state =
        input.apply("ReadIndexState", ReadIndexState.of(elasticsearch).withSlices(stateSlices));

    PCollectionTuple decided = records.apply("Reconcile", Reconcile.against(state, listingIssues).withStrategy(joinStrategy));
    PCollection<ListingIssue> issues = PCollectionList.of(listingIssues).and(decided.get(Reconcile.DUPLICATES))
        .apply("Issues", Flatten.pCollections())
        .setCoder(io.beamconnectors.sources.ListingIssueCoder.of());
    issues.apply("ReportIssues", ReportIssues.create());
    boolean oneMachine = joinStrategy.resolve(input.getPipeline().getOptions().getRunner().getSimpleName())
        == JoinStrategy.SIDE_INPUT;

    PCollection<SourceRecord> upserts = decided.get(Reconcile.UPSERTS);
    String seenAt = startedAt;
    ContentFetcher fetcher = connector.contentFetcher(configuration);
    PCollection<String> documents = fetcher == null
        ? upserts.apply("ToDocuments", MapElements.into(TypeDescriptors.strings()).via((SourceRecord r) -> IndexOperations.indexJson(r, seenAt)))
        : upserts.apply("FetchContent", FetchContent.using(fetcher, content, startedAt).withSpreadDownloads(!oneMachine));
    PCollection<String> deletes = decided.get(Reconcile.DELETES)
        .apply("ToDeletes", MapElements.into(TypeDescriptors.strings()).via(IndexOperations::deleteJson));

    PCollection<String> failed = PCollectionList.of(documents.setCoder(StringUtf8Coder.of()))
        .and(deletes.setCoder(StringUtf8Coder.of()))
        .apply("Operations", Flatten.pCollections())
        .apply("WriteToIndex", WriteToIndex.to(elasticsearch).withSettings(bulk));

    return PCollectionTuple.of(FAILED_WRITES, failed).and(ISSUES, issues);
  }
}
