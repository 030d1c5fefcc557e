package io.beamconnectors.sources;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;

/**
 * Fetches the bytes of listed files. Serializable and small: it carries configuration only. The
 * content step opens one reader per download slot (several per DoFn instance, each used by one
 * thread at a time, the first opened in {@code @Setup}) and closes them in {@code @Teardown}, so a
 * client is built once per slot, never per file. A reader need not be thread-safe.
 */
public interface ContentFetcher extends Serializable {

  Reader open() throws IOException;

  /** A connected client. Not serializable; lives for the life of one DoFn instance, used by one thread at a time. */
  interface Reader extends AutoCloseable {
    /** A stream of the file's bytes; the caller closes it and reads at most the size cap. */
    InputStream read(ContentRef ref) throws IOException;

    @Override
    void close() throws IOException;
  }
}
