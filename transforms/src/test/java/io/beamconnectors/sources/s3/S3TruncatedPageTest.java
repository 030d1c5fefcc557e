package io.beamconnectors.sources.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.ObjectLocation;
import io.beamconnectors.sources.SourceListing;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.objectstore.ObjectPage;
import io.beamconnectors.sources.objectstore.ObjectStore;
import io.beamconnectors.sources.objectstore.ObjectStoreListing;
import io.beamconnectors.sources.objectstore.StoreUnit;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An S3 page that says {@code IsTruncated=true} but carries no {@code NextContinuationToken} (seen
 * with some S3-compatible servers) must fail its bucket, never end the listing silently: the SDK's
 * paginator would stop there and the objects after it would be deleted from the index.
 */
class S3TruncatedPageTest {
  private static final ConnectorConfiguration CONFIG = new S3Connector().configuration(Map.of("buckets", "b"));

  private static S3Object object(String key) {
    return S3Object.builder().key(key).size(3L).eTag("\"e-" + key + "\"")
        .lastModified(Instant.parse("2024-01-02T03:04:05Z")).storageClass("STANDARD").build();
  }

  @Test
  void aTruncatedResponseWithoutATokenIsATruncatedPage() {
    ObjectPage<S3Object> page = S3Store.page(ListObjectsV2Response.builder().isTruncated(true)
        .contents(object("a.txt")).commonPrefixes(CommonPrefix.builder().prefix("p/").build()).build());
    assertTrue(page.truncatedWithoutToken());
    assertEquals(List.of("p/"), page.prefixes());
    ObjectPage<S3Object> last = S3Store.page(ListObjectsV2Response.builder().isTruncated(false)
        .contents(object("z.txt")).build());
    assertFalse(last.truncatedWithoutToken());
    assertNull(last.nextToken());
    ObjectPage<S3Object> more = S3Store.page(ListObjectsV2Response.builder().isTruncated(true)
        .nextContinuationToken("tok").build());
    assertFalse(more.truncatedWithoutToken());
    assertEquals("tok", more.nextToken());
  }

  /**
   * A FAKE S3 session (failure injection): canned ListObjectsV2 answers, mapped by the real
   * {@link S3Store#page} and described by the real {@link S3Store#describe}.
   */
  static final class CannedS3 implements ObjectStore<S3Object> {
    private static final long serialVersionUID = 1L;
    private final S3Store real = new S3Store(CONFIG);

    @Override
    public String name() {
      return real.name();
    }

    @Override
    public String containerNoun() {
      return real.containerNoun();
    }

    @Override
    public SourceRecord describe(StoreUnit unit, S3Object object) {
      return real.describe(unit, object);
    }

    @Override
    public String explain(Throwable failure) {
      return real.explain(failure);
    }

    @Override
    public Session<S3Object> connect() {
      return new Session<>() {
        @Override
        public List<StoreUnit> units() {
          return List.of(StoreUnit.root("b", ""), StoreUnit.root("c", ""));
        }

        @Override
        public ObjectPage<S3Object> page(StoreUnit unit, String token) {
          ListObjectsV2Response.Builder r = ListObjectsV2Response.builder();
          if (unit.container().equals("c")) {
            return S3Store.page(r.isTruncated(false).contents(object("c.txt")).build());
          }
          if (token == null) {
            return S3Store.page(r.isTruncated(true).nextContinuationToken("t1").contents(object("1.txt")).build());
          }
          // page 2 is cut: S3 says more exist, gives no token
          return S3Store.page(r.isTruncated(true).contents(object("2.txt")).build());
        }

        @Override
        public boolean readable(String container) {
          return true;
        }

        @Override
        public InputStream open(ObjectLocation location) {
          throw new UnsupportedOperationException();
        }

        @Override
        public void close() {}
      };
    }
  }

  @Test
  void theEngineFailsTheBucketAndKeepsWhatItListed() {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    PCollectionTuple out = p.apply(ObjectStoreListing.of(new CannedS3()));
    PAssert.that(out.get(SourceListing.RECORDS)).satisfies((SerializableFunction<Iterable<SourceRecord>, Void>) rs -> {
      List<String> ids = new ArrayList<>();
      rs.forEach(r -> ids.add(r.id()));
      assertEquals(List.of(S3Documents.id("b", "1.txt"), S3Documents.id("b", "2.txt"), S3Documents.id("c", "c.txt"))
          .stream().sorted().toList(), ids.stream().sorted().toList());
      return null;
    });
    PAssert.that(out.get(SourceListing.ISSUES)).satisfies((SerializableFunction<Iterable<io.beamconnectors.sources.ListingIssue>, Void>) is -> {
      List<String> issues = new ArrayList<>();
      is.forEach(i -> issues.add(i.kind() + " " + i.scope() + ": " + i.message()));
      assertEquals(List.of("FAILED b: cannot list bucket 'b': page 2 says more results exist but gives no"
          + " continuation token, so the rest cannot be listed; its documents are kept"), issues);
      return null;
    });
    p.run().waitUntilFinish();
  }
}
