package io.beamconnectors.sources.azureblob;

import io.beamconnectors.sources.ObjectLocation;
import io.beamconnectors.sources.ContentFetcher;
import io.beamconnectors.sources.ContentRef;
import java.io.IOException;
import java.io.InputStream;

/** Streams a blob's bytes by its {@code <container>/<blob name>} location. */
final class AzureBlobFetcher implements ContentFetcher {
  private static final long serialVersionUID = 1L;

  private final AzureBlobSettings settings;

  AzureBlobFetcher(AzureBlobSettings settings) {
    this.settings = settings;
  }

  @Override
  public Reader open() {
    AzureBlobSettings.Client client = settings.connect();
    return new Reader() {
      @Override
      public InputStream read(ContentRef ref) throws IOException {
        ObjectLocation parts = ObjectLocation.parse(ref.location());
        try {
          return client.service().getBlobContainerClient(parts.container()).getBlobClient(parts.key()).openInputStream();
        } catch (RuntimeException e) {
          throw new IOException("cannot read blob '" + parts.key() + "' of container '" + parts.container() + "': "
              + settings.describe(e));
        }
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }
}
