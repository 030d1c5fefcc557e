package io.beamconnectors.sources.gcs;

import io.beamconnectors.sources.ObjectLocation;
import com.google.cloud.ReadChannel;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.ContentFetcher;
import io.beamconnectors.sources.ContentRef;
import io.beamconnectors.sources.Secrets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
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
        ObjectLocation bn = ObjectLocation.parse(ref.location());
        try {
          return new ChannelStream(storage.reader(BlobId.of(bn.container(), bn.key())));
        } catch (RuntimeException e) {
          throw new IOException("cannot read gs://" + bn.container() + "/" + bn.key() + ": " + Secrets.describe(e, secrets));
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
