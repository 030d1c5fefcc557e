package io.beamconnectors.sources.s3;

import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.ObjectLocation;
import io.beamconnectors.sources.Secrets;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.objectstore.ObjectPage;
import io.beamconnectors.sources.objectstore.ObjectStore;
import io.beamconnectors.sources.objectstore.StoreUnit;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Amazon S3 and S3-compatible stores as an {@link ObjectStore}: buckets are the containers
 * (configured, or every bucket ListBuckets returns for {@code *}), pages come from ListObjectsV2
 * with its continuation token, bytes from GetObject. Each bucket is called in its own region.
 */
public final class S3Store implements ObjectStore<S3Object> {
  private static final long serialVersionUID = 1L;

  private final ConnectorConfiguration config;

  S3Store(ConnectorConfiguration config) {
    this.config = config;
  }

  @Override
  public String name() {
    return "s3";
  }

  @Override
  public String containerNoun() {
    return "bucket";
  }

  @Override
  public SourceRecord describe(StoreUnit unit, S3Object o) {
    String owner = o.owner() == null ? "" : o.owner().displayName();
    return S3Documents.record(unit.container(), o.key(), o.size() == null ? 0L : o.size(), o.lastModified(),
        o.eTag(), owner, o.storageClassAsString());
  }

  @Override
  public String explain(Throwable failure) {
    return Secrets.describe(failure, Secrets.of(config));
  }

  /** One ListObjectsV2 answer as a page: truncated as S3 says, whatever the token. */
  static ObjectPage<S3Object> page(ListObjectsV2Response response) {
    List<String> prefixes = new ArrayList<>();
    for (CommonPrefix p : response.commonPrefixes()) {
      prefixes.add(p.prefix());
    }
    return new ObjectPage<>(response.contents(), prefixes, response.nextContinuationToken(),
        Boolean.TRUE.equals(response.isTruncated()));
  }

  @Override
  public Session<S3Object> connect() {
    S3Clients clients = new S3Clients(config);
    return new Session<>() {
      @Override
      public List<StoreUnit> units() {
        List<String> configured = config.getList(S3Connector.BUCKETS);
        List<StoreUnit> units = new ArrayList<>();
        if (configured.contains("*")) {
          for (Bucket b : clients.defaultClient().listBuckets().buckets()) {
            units.add(StoreUnit.root(b.name(), ""));
          }
        } else {
          configured.forEach(b -> units.add(StoreUnit.root(b, "")));
        }
        return units;
      }

      @Override
      public ObjectPage<S3Object> page(StoreUnit unit, String token) {
        ListObjectsV2Request.Builder request = ListObjectsV2Request.builder()
            .bucket(unit.container())
            .fetchOwner(true)
            .maxKeys(config.getInt(S3Connector.PAGE_SIZE))
            .continuationToken(token);
        if (unit.isRoot()) {
          request.delimiter("/");
        } else {
          request.prefix(unit.prefix());
        }
        return S3Store.page(clients.forBucket(unit.container()).listObjectsV2(request.build()));
      }

      @Override
      public boolean readable(String bucket) {
        try {
          clients.forBucket(bucket).headBucket(b -> b.bucket(bucket));
          return true;
        } catch (S3Exception e) {
          if (e.statusCode() == 404 || e.statusCode() == 403) {
            return false;
          }
          throw e;
        }
      }

      @Override
      public InputStream open(ObjectLocation location) {
        return clients.forBucket(location.container())
            .getObject(b -> b.bucket(location.container()).key(location.key()));
      }

      @Override
      public void close() {
        clients.close();
      }
    };
  }
}
