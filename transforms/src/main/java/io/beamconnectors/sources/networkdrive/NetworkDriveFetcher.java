package io.beamconnectors.sources.networkdrive;

import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.ContentFetcher;
import io.beamconnectors.sources.ContentRef;
import io.beamconnectors.sources.Secrets;
import java.io.IOException;
import java.io.InputStream;

/** Streams a file of the share by its path inside the share; one SMB session per reader. */
final class NetworkDriveFetcher implements ContentFetcher {
  private static final long serialVersionUID = 1L;

  private final ConnectorConfiguration config;

  NetworkDriveFetcher(ConnectorConfiguration config) {
    this.config = config;
  }

  @Override
  public Reader open() throws IOException {
    SmbSession session = SmbSession.open(config);
    return new Reader() {
      @Override
      public InputStream read(ContentRef ref) throws IOException {
        try {
          return session.read(ref.location(), ref.sizeBytes());
        } catch (IOException | RuntimeException e) {
          throw new IOException("cannot read '" + session.paths().share() + "/" + ref.location() + "': "
              + Secrets.describe(e, Secrets.of(config)));
        }
      }

      @Override
      public void close() {
        session.close();
      }
    };
  }
}
