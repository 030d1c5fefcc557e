package io.beamconnectors.sources.gcs;

import com.google.cloud.ReadChannel;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.ContentFetcher;
import io.beamconnectors.sources.ContentRef;
import io.beamconnectors.sources.Secrets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.List;

/** Streams an object's bytes by its {@code bucket/name} location; one client per reader. */
final class GcsContentFetcher implements ContentFetcher {
  private static final long serialVersionUID = 1L;
  private final ConnectorConfiguration config;

  GcsContentFetcher(ConnectorConfiguration config) {
    this.config = config;
  }

  @Override
  public Reader open() throws IOException {
    List<String> secrets = GcsClients.secrets(config);
    Storage storage;
    try {
      storage = GcsClients.open(config);
    } catch (RuntimeException e) {
      throw new IOException("cannot open a Google Cloud Storage client: " + Secrets.describe(e, secrets));
    }
    return new Reader() {
      @Override
      public InputStream read(ContentRef ref) throws IOException {
        String[] bn = GcsDocuments.splitLocation(ref.location());
        try {
          ReadChannel channel = storage.reader(BlobId.of(bn[0], bn[1]));
          channel.setChunkSize(0);
          return Channels.newInputStream(channel);
        } catch (RuntimeException e) {
          throw new IOException("cannot read gs://" + bn[0] + "/" + bn[1] + ": " + Secrets.describe(e, secrets));
        }
      }

      @Override
      public void close() throws IOException {
        try {
          storage.close();
        } catch (Exception e) {
          throw new IOException("closing the Google Cloud Storage client failed: " + Secrets.describe(e, secrets));
        }
      }
    };
  }
}
