package io.beamconnectors.content;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A file's byte stream as the content step reads it: counts the bytes that came from the source,
 * and fails with {@link CapExceededException} as soon as more than the size cap has arrived (the
 * file grew after it was listed): at most one byte past the cap is ever read. Not thread-safe.
 */
final class CappedInputStream extends FilterInputStream {
  /** More bytes than the size cap arrived: the file grew past it after it was listed. */
  static final class CapExceededException extends IOException {
    private static final long serialVersionUID = 1L;

    CapExceededException(long cap) {
      super("the file grew past the " + cap + " byte limit while being read");
    }
  }

  private final long cap;
  private long count;

  CappedInputStream(InputStream in, long cap) {
    super(in);
    this.cap = cap;
  }

  /** Bytes read from the source so far. */
  long count() {
    return count;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      counted(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    // Never ask for more than one byte past the cap: a grown file is read no further than that.
    int n = in.read(b, off, (int) Math.min(len, cap - count + 1));
    if (n > 0) {
      counted(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipped bytes travel over the network too: read them so they are counted and capped.
    byte[] sink = new byte[(int) Math.min(Math.max(n, 0), 8192)];
    long left = n;
    while (left > 0) {
      int r = read(sink, 0, (int) Math.min(left, sink.length));
      if (r < 0) {
        break;
      }
      left -= r;
    }
    return n - Math.max(left, 0);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void counted(int n) throws CapExceededException {
    count += n;
    if (count > cap) {
      throw new CapExceededException(cap);
    }
  }
}
