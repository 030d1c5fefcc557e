package io.beamconnectors.sources;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;

/**
 * Fetches the bytes of listed files. Serializable and small: it carries configuration only. The
 * pipeline calls {@link #open()} in a DoFn's {@code @Setup} and closes the returned reader in
 * {@code @Teardown}, so a client is built once per worker thread, never per file.
 */
public interface ContentFetcher extends Serializable {

  Reader open() throws IOException;

  /** A connected client. Not serializable; lives for the life of one DoFn instance. */
  interface Reader extends AutoCloseable {
    /** A stream of the file's bytes; the caller closes it and reads at most the size cap. */
    InputStream read(ContentRef ref) throws IOException;

    @Override
    void close() throws IOException;
  }
}
