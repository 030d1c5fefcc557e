package io.beamconnectors.content;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.tika.exception.WriteLimitReachedException;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.sax.BodyContentHandler;

/**
 * Extracts plain text with Apache Tika, bounded three ways: a cap on the characters kept (the
 * rest is dropped, the text marked truncated), Tika's own zip-bomb guard (compression ratio and
 * nesting depth, applied by the auto-detect parser), and a wall-clock timeout after which the
 * parse thread is abandoned and replaced. Not serializable and not for concurrent use: the content
 * step builds one per download slot.
 */
public final class TikaTextExtractor implements AutoCloseable {
  /**
   * The outcome of one extraction: text (possibly empty) or an error description. A failure is
   * {@code retryable} when another try may succeed (a timeout, an interruption); a file that Tika
   * cannot parse will fail the same way on the same bytes.
   */
  public record Result(String text, boolean truncated, String error, boolean retryable) {
    public boolean failed() {
      return error != null;
    }
  }

  private final Parser parser = new AutoDetectParser();
  private final int maxChars;
  private final int timeoutSeconds;
  private final boolean reduceWhitespace;
  private ExecutorService worker = newWorker();

  public TikaTextExtractor(int maxChars, int timeoutSeconds, boolean reduceWhitespace) {
    this.maxChars = maxChars;
    this.timeoutSeconds = timeoutSeconds;
    this.reduceWhitespace = reduceWhitespace;
  }

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "tika-extract");
      t.setDaemon(true);
      return t;
    });
  }

  /** Extracts the text of a file held in memory. */
  public Result extract(byte[] bytes, String fileName) {
    return extract(() -> TikaInputStream.get(bytes), fileName);
  }

  /** Extracts the text of a file on the local disk (a large download spooled there), read as a stream. */
  public Result extract(Path file, String fileName) {
    return extract(() -> TikaInputStream.get(file), fileName);
  }

  /** Opens the bytes to parse; called on the parse thread. */
  private interface Source {
    InputStream open() throws IOException;
  }

  private Result extract(Source source, String fileName) {
    Future<Result> f = worker.submit(() -> parse(source, fileName));
    try {
      return f.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      worker.shutdownNow();
      worker = newWorker();
      return new Result("", false, "text extraction took longer than " + timeoutSeconds + " s and was stopped", true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result("", false, "text extraction was interrupted", true);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return new Result("", false, "text extraction failed: " + describe(cause), false);
    }
  }

  private Result parse(Source source, String fileName) throws Exception {
    BodyContentHandler handler = new BodyContentHandler(maxChars);
    Metadata metadata = new Metadata();
    metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, fileName);
    boolean truncated = false;
    try (InputStream in = source.open()) {
      parser.parse(in, handler, metadata, new ParseContext());
    } catch (Exception e) {
      if (WriteLimitReachedException.isWriteLimitReached(e)) {
        truncated = true;
      } else {
        throw e;
      }
    }
    return new Result(ExtractedText.clean(handler.toString(), reduceWhitespace), truncated, null, false);
  }

  private static final Pattern IDENTITY_HASH = Pattern.compile("@[0-9a-f]{4,}\\b");

  /**
   * The root cause, without Java identity hashes ("PDFParser@5e2c3d18"): the same file gives the
   * same error text on every run and every runner, so the document is stable.
   */
  static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    String s = root.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    s = IDENTITY_HASH.matcher(s).replaceAll("");
    return s.length() > 500 ? s.substring(0, 500) : s;
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
