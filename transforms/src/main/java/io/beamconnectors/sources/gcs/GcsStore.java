package io.beamconnectors.sources.gcs;

import com.google.api.gax.paging.Page;
import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Bucket;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.ObjectLocation;
import io.beamconnectors.sources.Secrets;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.objectstore.ObjectPage;
import io.beamconnectors.sources.objectstore.ObjectStore;
import io.beamconnectors.sources.objectstore.StoreUnit;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Google Cloud Storage as an {@link ObjectStore}: buckets are the containers (configured, or every
 * bucket of the project for {@code *}), pages come from objects.list with its page token, bytes
 * from a ReadChannel.
 */
public final class GcsStore implements ObjectStore<Blob> {
  private static final long serialVersionUID = 1L;

  private final ConnectorConfiguration config;
  private final String project;
  private final List<String> secrets;

  GcsStore(ConnectorConfiguration config) {
    this.config = config;
    this.project = GcsClients.projectId(config);
    this.secrets = List.copyOf(GcsClients.secrets(config));
  }

  @Override
  public String name() {
    return "gcs";
  }

  @Override
  public String containerNoun() {
    return "bucket";
  }

  @Override
  public SourceRecord describe(StoreUnit unit, Blob b) {
    return GcsDocuments.record(new GcsDocuments.GcsObject(
        b.getBucket(), b.getName(), b.getGeneration(), b.getGeneratedId(), b.getComponentCount(),
        b.getContentEncoding(), b.getContentLanguage(), b.getCreateTime(), b.getUpdateTime(), b.getMetadata(),
        b.getSize(), b.getStorageClass() == null ? null : b.getStorageClass().name(), b.getContentType()), project);
  }

  @Override
  public String explain(Throwable failure) {
    return Secrets.describe(failure, secrets);
  }

  private int pageSize() {
    return config.getInt(GcsConnector.PAGE_SIZE);
  }

  @Override
  public Session<Blob> connect() throws IOException {
    Storage storage = GcsClients.open(config);
    return new Session<>() {
      @Override
      public List<StoreUnit> units() {
        List<String> configured = config.getList(GcsConnector.BUCKETS);
        List<StoreUnit> units = new ArrayList<>();
        if (!GcsConnector.allBuckets(configured)) {
          configured.forEach(b -> units.add(StoreUnit.root(b, "")));
          return units;
        }
        Page<Bucket> page = storage.list(Storage.BucketListOption.pageSize(pageSize()));
        while (page != null) {
          page.getValues().forEach(b -> units.add(StoreUnit.root(b.getName(), "")));
          page = page.hasNextPage() ? page.getNextPage() : null;
        }
        return units;
      }

      @Override
      public ObjectPage<Blob> page(StoreUnit unit, String token) {
        List<Storage.BlobListOption> options = new ArrayList<>();
        options.add(Storage.BlobListOption.pageSize(pageSize()));
        options.add(unit.isRoot() ? Storage.BlobListOption.currentDirectory()
            : Storage.BlobListOption.prefix(unit.prefix()));
        if (token != null) {
          options.add(Storage.BlobListOption.pageToken(token));
        }
        Page<Blob> page = storage.list(unit.container(), options.toArray(new Storage.BlobListOption[0]));
        List<Blob> objects = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        for (Blob b : page.getValues()) {
          if (b.isDirectory()) {
            prefixes.add(b.getName());
          } else {
            objects.add(b);
          }
        }
        return ObjectPage.of(objects, prefixes, page.getNextPageToken());
      }

      @Override
      public boolean readable(String bucket) {
        try {
          storage.list(bucket, Storage.BlobListOption.pageSize(1)).getValues();
          return true;
        } catch (StorageException e) {
          if (e.getCode() == 404 || e.getCode() == 403) {
            return false;
          }
          throw e;
        }
      }

      @Override
      public InputStream open(ObjectLocation location) {
        return new ChannelStream(storage.reader(BlobId.of(location.container(), location.key())));
      }

      @Override
      public void close() throws Exception {
        storage.close();
      }
    };
  }

  /** An InputStream over a ReadChannel whose read never returns 0 (it waits for bytes or the end). */
  static final class ChannelStream extends InputStream {
    private final ReadChannel channel;

    ChannelStream(ReadChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      ByteBuffer buf = ByteBuffer.wrap(b, off, len);
      int n;
      do {
        n = channel.read(buf);
      } while (n == 0);
      return n;
    }

    @Override
    public void close() {
      channel.close();
    }
  }
}
