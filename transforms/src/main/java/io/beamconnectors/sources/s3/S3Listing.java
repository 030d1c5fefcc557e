package io.beamconnectors.sources.s3;

import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.ListingIssueCoder;
import io.beamconnectors.sources.Scope;
import io.beamconnectors.sources.Secrets;
import io.beamconnectors.sources.SourceListing;
import io.beamconnectors.sources.SourceRecord;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Lists S3 in three steps so a distributed runner spreads the work: the configured buckets (or all
 * of them, via ListBuckets, for {@code *}) are spread over workers; each bucket's top level is
 * listed with delimiter "/" (root objects are emitted there, each top-level prefix becomes a unit);
 * the units are spread again and each prefix is listed completely, page by page. Every failure is
 * an issue scoped to what could not be listed: the whole source (ListBuckets), a bucket, or a
 * prefix.
 */
final class S3Listing extends SourceListing {
  private static final long serialVersionUID = 1L;

  /** A bucket name. */
  private static final TupleTag<String> BUCKETS = new TupleTag<>("buckets") {};
  /** A unit: [bucket, region, prefix]. */
  private static final TupleTag<List<String>> UNITS = new TupleTag<>("units") {};

  private final ConnectorConfiguration config;

  S3Listing(ConnectorConfiguration config) {
    this.config = config;
  }

  @Override
  protected PCollectionTuple list(PBegin input) {
    List<String> configured = config.getList(S3Connector.BUCKETS);
    PCollectionTuple buckets = input
        .apply("Seed", Create.of(List.of(String.join(",", configured))).withCoder(StringUtf8Coder.of()))
        .apply("ResolveBuckets", ParDo.of(new ResolveBucketsFn(config))
            .withOutputTags(BUCKETS, TupleTagList.of(ISSUES)));
    buckets.get(BUCKETS).setCoder(StringUtf8Coder.of());
    buckets.get(ISSUES).setCoder(ListingIssueCoder.of());

    PCollectionTuple top = buckets.get(BUCKETS)
        .apply("SpreadBuckets", Reshuffle.viaRandomKey())
        .apply("ListTopLevel", ParDo.of(new ListTopLevelFn(config))
            .withOutputTags(RECORDS, TupleTagList.of(UNITS).and(ISSUES)));
    top.get(UNITS).setCoder(ListCoder.of(StringUtf8Coder.of()));
    top.get(ISSUES).setCoder(ListingIssueCoder.of());
    top.get(RECORDS).setCoder(io.beamconnectors.sources.SourceRecordCoder.of());

    PCollectionTuple units = top.get(UNITS)
        .apply("SpreadPrefixes", Reshuffle.viaRandomKey())
        .apply("ListPrefix", ParDo.of(new ListPrefixFn(config))
            .withOutputTags(RECORDS, TupleTagList.of(ISSUES)));
    units.get(ISSUES).setCoder(ListingIssueCoder.of());
    units.get(RECORDS).setCoder(io.beamconnectors.sources.SourceRecordCoder.of());

    PCollection<SourceRecord> records = PCollectionList.of(top.get(RECORDS)).and(units.get(RECORDS))
        .apply("AllRecords", Flatten.pCollections());
    PCollection<ListingIssue> issues = PCollectionList.of(buckets.get(ISSUES)).and(top.get(ISSUES))
        .and(units.get(ISSUES))
        .apply("AllIssues", Flatten.pCollections());
    return PCollectionTuple.of(RECORDS, records).and(ISSUES, issues);
  }

  /** Emits one element per bucket to list: the configured names, or every bucket for "*". */
  static final class ResolveBucketsFn extends DoFn<String, String> {
    private static final long serialVersionUID = 1L;
    private final ConnectorConfiguration config;
    private final Counter bucketsFound = Metrics.counter("s3", "buckets");
    private transient S3Clients clients;

    ResolveBucketsFn(ConnectorConfiguration config) {
      this.config = config;
    }

    @Setup
    public void setup() {
      clients = new S3Clients(config);
    }

    @ProcessElement
    public void process(MultiOutputReceiver out) {
      List<String> configured = config.getList(S3Connector.BUCKETS);
      Set<String> names = new LinkedHashSet<>();
      if (configured.contains("*")) {
        try {
          for (Bucket b : clients.defaultClient().listBuckets().buckets()) {
            names.add(b.name());
          }
        } catch (RuntimeException e) {
          out.get(ISSUES).output(ListingIssue.failed(Scope.wholeSource(),
              "cannot list the buckets (ListBuckets, for '*' in 'buckets'): "
                  + Secrets.describe(e, Secrets.of(config))));
          return;
        }
      } else {
        names.addAll(configured);
      }
      for (String name : names) {
        bucketsFound.inc();
        out.get(BUCKETS).output(name);
      }
    }

    @Teardown
    public void teardown() {
      if (clients != null) {
        clients.close();
      }
    }
  }

  /** Lists one bucket's top level: root objects become records, top-level prefixes become units. */
  static final class ListTopLevelFn extends DoFn<String, SourceRecord> {
    private static final long serialVersionUID = 1L;
    private final ConnectorConfiguration config;
    private final Counter objects = Metrics.counter("s3", "objects_listed");
    private final Counter pages = Metrics.counter("s3", "pages_listed");
    private final Counter prefixes = Metrics.counter("s3", "prefixes");
    private transient S3Clients clients;

    ListTopLevelFn(ConnectorConfiguration config) {
      this.config = config;
    }

    @Setup
    public void setup() {
      clients = new S3Clients(config);
    }

    @ProcessElement
    public void process(@Element String bucket, MultiOutputReceiver out) {
      try {
        String region = clients.regionOf(bucket);
        S3Client s3 = clients.client(region);
        ListObjectsV2Request request = ListObjectsV2Request.builder()
            .bucket(bucket)
            .delimiter("/")
            .fetchOwner(true)
            .maxKeys(config.getInt(S3Connector.PAGE_SIZE))
            .build();
        // Some S3-compatible servers (S3Mock among them) repeat the common prefixes on every page:
        // a prefix must become one unit only, or its objects would be listed twice.
        Set<String> seenPrefixes = new java.util.HashSet<>();
        for (ListObjectsV2Response page : s3.listObjectsV2Paginator(request)) {
          pages.inc();
          for (S3Object o : page.contents()) {
            emit(bucket, o, out.get(RECORDS));
            objects.inc();
          }
          for (CommonPrefix p : page.commonPrefixes()) {
            if (!seenPrefixes.add(p.prefix())) {
              continue;
            }
            prefixes.inc();
            out.get(UNITS).output(List.of(bucket, region, p.prefix()));
          }
        }
      } catch (RuntimeException e) {
        out.get(ISSUES).output(ListingIssue.failed(Scope.of(bucket),
            "cannot list bucket '" + bucket + "': " + Secrets.describe(e, Secrets.of(config))
                + " (check that the bucket exists and that the credentials may ListBucket and GetBucketLocation)"));
      }
    }

    @Teardown
    public void teardown() {
      if (clients != null) {
        clients.close();
      }
    }
  }

  /** Lists one prefix completely (no delimiter), page by page. */
  static final class ListPrefixFn extends DoFn<List<String>, SourceRecord> {
    private static final long serialVersionUID = 1L;
    private final ConnectorConfiguration config;
    private final Counter objects = Metrics.counter("s3", "objects_listed");
    private final Counter pages = Metrics.counter("s3", "pages_listed");
    private transient S3Clients clients;

    ListPrefixFn(ConnectorConfiguration config) {
      this.config = config;
    }

    @Setup
    public void setup() {
      clients = new S3Clients(config);
    }

    @ProcessElement
    public void process(@Element List<String> unit, MultiOutputReceiver out) {
      String bucket = unit.get(0);
      String region = unit.get(1);
      String prefix = unit.get(2);
      try {
        ListObjectsV2Request request = ListObjectsV2Request.builder()
            .bucket(bucket)
            .prefix(prefix)
            .fetchOwner(true)
            .maxKeys(config.getInt(S3Connector.PAGE_SIZE))
            .build();
        for (ListObjectsV2Response page : clients.client(region).listObjectsV2Paginator(request)) {
          pages.inc();
          for (S3Object o : page.contents()) {
            emit(bucket, o, out.get(RECORDS));
            objects.inc();
          }
        }
      } catch (RuntimeException e) {
        out.get(ISSUES).output(ListingIssue.failed(S3Documents.prefixScope(bucket, prefix),
            "cannot list prefix '" + prefix + "' of bucket '" + bucket + "': "
                + Secrets.describe(e, Secrets.of(config))));
      }
    }

    @Teardown
    public void teardown() {
      if (clients != null) {
        clients.close();
      }
    }
  }

  static void emit(String bucket, S3Object o, DoFn.OutputReceiver<SourceRecord> out) {
    String owner = o.owner() == null ? "" : o.owner().displayName();
    SourceRecord r = S3Documents.record(bucket, o.key(), o.size() == null ? 0L : o.size(),
        o.lastModified() == null ? java.time.Instant.EPOCH : o.lastModified(), owner,
        o.storageClassAsString());
    out.output(r);
  }
}
