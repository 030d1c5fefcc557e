package io.beamconnectors.content;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.tika.exception.WriteLimitReachedException;
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
 * parse thread is abandoned and replaced. Not serializable: build one per DoFn in {@code @Setup}.
 */
public final class TikaTextExtractor implements AutoCloseable {
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

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

  public Result extract(byte[] bytes, String fileName) {
    Future<Result> f = worker.submit(() -> parse(bytes, fileName));
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

  private Result parse(byte[] bytes, String fileName) throws Exception {
    BodyContentHandler handler = new BodyContentHandler(maxChars);
    Metadata metadata = new Metadata();
    metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, fileName);
    boolean truncated = false;
    try (InputStream in = new ByteArrayInputStream(bytes)) {
      parser.parse(in, handler, metadata, new ParseContext());
    } catch (Exception e) {
      if (WriteLimitReachedException.isWriteLimitReached(e)) {
        truncated = true;
      } else {
        throw e;
      }
    }
    String text = handler.toString().replace("\uFFFD", "");
    if (reduceWhitespace) {
      text = WHITESPACE.matcher(text).replaceAll(" ").trim();
    }
    return new Result(text, truncated, null, false);
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
