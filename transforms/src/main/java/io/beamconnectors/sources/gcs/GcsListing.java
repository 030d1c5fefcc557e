package io.beamconnectors.sources.gcs;

import com.google.api.gax.paging.Page;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.Bucket;
import com.google.cloud.storage.Storage;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.ListingIssueCoder;
import io.beamconnectors.sources.Scope;
import io.beamconnectors.sources.Secrets;
import io.beamconnectors.sources.SourceListing;
import io.beamconnectors.sources.SourceRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.coders.KvCoder;
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

/**
 * Lists GCS in three fanned-out steps: the buckets (configured, or every bucket of the project),
 * then each bucket's root with a '/' delimiter (root objects are emitted, each top-level prefix
 * becomes a unit), then each unit listed completely (no delimiter), page by page. A bucket or unit
 * that fails is reported as a failed scope, so nothing under it is deleted.
 */
final class GcsListing extends SourceListing {
  private static final long serialVersionUID = 1L;
  private static final String NS = "gcs";
  private static final TupleTag<String> BUCKET_NAMES = new TupleTag<>("buckets") {};
  private static final TupleTag<KV<String, String>> UNITS = new TupleTag<>("prefixes") {};

  private final ConnectorConfiguration config;

  GcsListing(ConnectorConfiguration config) {
    this.config = config;
  }

  @Override
  protected PCollectionTuple list(PBegin input) {
    PCollectionTuple buckets = input
        .apply("Seed", Create.of("buckets").withCoder(StringUtf8Coder.of()))
        .apply("ListBuckets", ParDo.of(new ListBucketsFn(config))
            .withOutputTags(BUCKET_NAMES, TupleTagList.of(ISSUES)));
    buckets.get(BUCKET_NAMES).setCoder(StringUtf8Coder.of());
    buckets.get(ISSUES).setCoder(ListingIssueCoder.of());

    PCollectionTuple roots = buckets.get(BUCKET_NAMES)
        .apply("SpreadBuckets", Reshuffle.viaRandomKey())
        .apply("ListBucketRoot", ParDo.of(new ListRootFn(config))
            .withOutputTags(RECORDS, TupleTagList.of(UNITS).and(ISSUES)));
    roots.get(UNITS).setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
    roots.get(ISSUES).setCoder(ListingIssueCoder.of());
    roots.get(RECORDS).setCoder(io.beamconnectors.sources.SourceRecordCoder.of());

    PCollectionTuple units = roots.get(UNITS)
        .apply("SpreadPrefixes", Reshuffle.viaRandomKey())
        .apply("ListPrefix", ParDo.of(new ListUnitFn(config))
            .withOutputTags(RECORDS, TupleTagList.of(ISSUES)));
    units.get(ISSUES).setCoder(ListingIssueCoder.of());
    units.get(RECORDS).setCoder(io.beamconnectors.sources.SourceRecordCoder.of());

    PCollection<SourceRecord> records = PCollectionList.of(roots.get(RECORDS)).and(units.get(RECORDS))
        .apply("AllRecords", Flatten.pCollections());
    PCollection<ListingIssue> issues = PCollectionList.of(buckets.get(ISSUES)).and(roots.get(ISSUES))
        .and(units.get(ISSUES)).apply("AllIssues", Flatten.pCollections());
    return PCollectionTuple.of(RECORDS, records).and(ISSUES, issues);
  }

  static GcsDocuments.GcsObject object(Blob b) {
    return new GcsDocuments.GcsObject(
        b.getBucket(), b.getName(), b.getGeneration(), b.getGeneratedId(), b.getComponentCount(),
        b.getContentEncoding(), b.getContentLanguage(), b.getCreateTime(), b.getUpdateTime(), b.getMetadata(),
        b.getSize(), b.getStorageClass() == null ? null : b.getStorageClass().name(), b.getContentType());
  }

  /** Base of the listing DoFns: one client per DoFn instance, opened in setup, closed in teardown. */
  abstract static class StorageFn<I, O> extends DoFn<I, O> {
    private static final long serialVersionUID = 1L;
    protected final ConnectorConfiguration config;
    protected transient Storage storage;
    protected transient String project;
    protected transient List<String> secrets;

    StorageFn(ConnectorConfiguration config) {
      this.config = config;
    }

    @Setup
    public void setup() throws Exception {
      secrets = GcsClients.secrets(config);
      project = GcsClients.projectId(config);
      storage = GcsClients.open(config);
    }

    @Teardown
    public void teardown() throws Exception {
      if (storage != null) {
        storage.close();
        storage = null;
      }
    }

    String describe(Throwable t) {
      return Secrets.describe(t, secrets);
    }
  }

  static final class ListBucketsFn extends StorageFn<String, String> {
    private static final long serialVersionUID = 1L;

    ListBucketsFn(ConnectorConfiguration config) {
      super(config);
    }

    @ProcessElement
    public void process(MultiOutputReceiver out) {
      List<String> configured = config.getList(GcsConnector.BUCKETS);
      if (!GcsConnector.allBuckets(configured)) {
        configured.stream().distinct().forEach(b -> out.get(BUCKET_NAMES).output(b));
        return;
      }
      try {
        Page<Bucket> page = storage.list(Storage.BucketListOption.pageSize(config.getInt(GcsConnector.PAGE_SIZE)));
        while (page != null) {
          for (Bucket b : page.getValues()) {
            out.get(BUCKET_NAMES).output(b.getName());
          }
          page = page.hasNextPage() ? page.getNextPage() : null;
        }
      } catch (RuntimeException e) {
        out.get(ISSUES).output(ListingIssue.failed(Scope.wholeSource(),
            "cannot list the buckets of project '" + project + "': " + describe(e)));
      }
    }
  }

  static final class ListRootFn extends StorageFn<String, SourceRecord> {
    private static final long serialVersionUID = 1L;
    private final Counter objects = Metrics.counter(NS, "objects_listed");
    private final Counter pages = Metrics.counter(NS, "pages_listed");
    private final Counter bucketsListed = Metrics.counter(NS, "buckets_listed");
    private final Counter prefixes = Metrics.counter(NS, "prefixes_found");

    ListRootFn(ConnectorConfiguration config) {
      super(config);
    }

    @ProcessElement
    public void process(@Element String bucket, MultiOutputReceiver out) {
      // Prefixes seen on earlier pages: some servers (the Firebase emulator) repeat them on every page.
      Set<String> seen = new HashSet<>();
      try {
        Page<Blob> page = storage.list(bucket, Storage.BlobListOption.currentDirectory(),
            Storage.BlobListOption.pageSize(config.getInt(GcsConnector.PAGE_SIZE)));
        while (page != null) {
          pages.inc();
          for (Blob b : page.getValues()) {
            if (b.isDirectory()) {
              if (!seen.add(b.getName())) {
                continue;
              }
              prefixes.inc();
              out.get(UNITS).output(KV.of(bucket, b.getName()));
            } else {
              SourceRecord r = GcsDocuments.record(object(b), project);
              out.get(RECORDS).output(r);
              objects.inc();
            }
          }
          page = page.hasNextPage() ? page.getNextPage() : null;
        }
        bucketsListed.inc();
      } catch (RuntimeException e) {
        out.get(ISSUES).output(ListingIssue.failed(Scope.of(bucket),
            "cannot list bucket '" + bucket + "': " + describe(e)));
      }
    }
  }

  static final class ListUnitFn extends StorageFn<KV<String, String>, SourceRecord> {
    private static final long serialVersionUID = 1L;
    private final Counter objects = Metrics.counter(NS, "objects_listed");
    private final Counter pages = Metrics.counter(NS, "pages_listed");
    private final Counter units = Metrics.counter(NS, "prefixes_listed");

    ListUnitFn(ConnectorConfiguration config) {
      super(config);
    }

    @ProcessElement
    public void process(@Element KV<String, String> unit, MultiOutputReceiver out) {
      String bucket = unit.getKey();
      String prefix = unit.getValue();
      try {
        Page<Blob> page = storage.list(bucket, Storage.BlobListOption.prefix(prefix),
            Storage.BlobListOption.pageSize(config.getInt(GcsConnector.PAGE_SIZE)));
        while (page != null) {
          pages.inc();
          for (Blob b : page.getValues()) {
            SourceRecord r = GcsDocuments.record(object(b), project);
            out.get(RECORDS).output(r);
            objects.inc();
          }
          page = page.hasNextPage() ? page.getNextPage() : null;
        }
        units.inc();
      } catch (RuntimeException e) {
        out.get(ISSUES).output(ListingIssue.failed(GcsDocuments.unitScope(bucket, prefix),
            "cannot list prefix '" + prefix + "' of bucket '" + bucket + "': " + describe(e)));
      }
    }
  }
}
