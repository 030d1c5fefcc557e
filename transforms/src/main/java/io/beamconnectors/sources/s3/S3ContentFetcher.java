package io.beamconnectors.sources.s3;

import io.beamconnectors.sources.ObjectLocation;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.ContentFetcher;
import io.beamconnectors.sources.ContentRef;
import io.beamconnectors.sources.Secrets;
import java.io.IOException;
import java.io.InputStream;

/** Streams an object's bytes (GetObject) by its "bucket/key" location; one set of clients per reader. */
final class S3ContentFetcher implements ContentFetcher {
  private static final long serialVersionUID = 1L;

  private final ConnectorConfiguration config;

  S3ContentFetcher(ConnectorConfiguration config) {
    this.config = config;
  }

  @Override
  public Reader open() {
    S3Clients clients = new S3Clients(config);
    return new Reader() {
      @Override
      public InputStream read(ContentRef ref) throws IOException {
        ObjectLocation bk = ObjectLocation.parse(ref.location());
        try {
          return clients.forBucket(bk.container()).getObject(b -> b.bucket(bk.container()).key(bk.key()));
        } catch (RuntimeException e) {
          throw new IOException("cannot download s3://" + ref.location() + ": "
              + Secrets.describe(e, Secrets.of(config)));
        }
      }

      @Override
      public void close() {
        clients.close();
      }
    };
  }
}
