package io.beamconnectors.content;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.elasticsearch.IndexFields;
import io.beamconnectors.elasticsearch.IndexOperations;
import io.beamconnectors.sources.ContentFetcher;
import io.beamconnectors.sources.ContentRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * One of the content step's download slots: a source reader and a Tika extractor (each opened on
 * first use) that fetch and extract one file at a time. A fetching DoFn instance has
 * {@link ContentSettings#parallelDownloads()} of them, used by that many threads, never by two at
 * once. What happened to each file is returned as an {@link Outcome}, which the DoFn adds to its
 * counters on the bundle's thread (Beam metrics are only recorded there).
 *
 * <p>How the bytes travel: plain-text types ({@link PlainTextDecoder}) are decoded straight from
 * the stream and read only as far as the character cap; files for Tika up to
 * {@link #IN_MEMORY_BYTES} are read into memory, larger ones are streamed to a temporary file that
 * Tika reads (it would spool most formats to disk anyway) and that is deleted right after;
 * attachment mode needs every byte in the document, so it reads the file into memory. No file is
 * read past the size cap.
 */
final class ContentSlot implements AutoCloseable {
  /** Larger files for Tika are spooled to a temporary file instead of memory. */
  static final int IN_MEMORY_BYTES = 1024 * 1024;

  /** What one file cost and gave, for the counters. */
  static final class Outcome {
    boolean fetched;
    long bytes;
    boolean extracted;
    boolean tooLarge;
    boolean error;
    boolean retry;
  }

  private final ContentFetcher fetcher;
  private final ContentSettings settings;
  private final PlainTextDecoder plainText;
  private ContentFetcher.Reader reader;
  private TikaTextExtractor tika;

  ContentSlot(ContentFetcher fetcher, ContentSettings settings) {
    this.fetcher = fetcher;
    this.settings = settings;
    this.plainText = new PlainTextDecoder(settings.maxExtractedChars(), settings.reduceWhitespace());
  }

  /** Connects the reader now, so a source that cannot be reached fails the worker's setup. */
  void connect() throws IOException {
    reader();
  }

  private ContentFetcher.Reader reader() throws IOException {
    if (reader == null) {
      reader = fetcher.open();
    }
    return reader;
  }

  private TikaTextExtractor tika() {
    if (tika == null) {
      tika = new TikaTextExtractor(settings.maxExtractedChars(), settings.timeoutSeconds(), settings.reduceWhitespace());
    }
    return tika;
  }

  /**
   * Downloads one file that passed the extension list and the size cap and puts its text (or
   * base64 bytes, or the error) into {@code doc}. Never throws for a file that cannot be read or
   * parsed: that is recorded in the document and the outcome, as the content step promises.
   */
  Outcome load(ObjectNode doc, ContentRef ref) {
    Outcome o = new Outcome();
    long cap = settings.maxFileSizeBytes();
    try {
      if (settings.mode() == ContentSettings.Mode.ATTACHMENT) {
        byte[] bytes = readAll(ref, cap, o);
        o.fetched = true;
        doc.put(IndexFields.ATTACHMENT, Base64.getEncoder().encodeToString(bytes));
        return o;
      }
      FetchContent.emptyBodyUnlessSet(doc); // the text replaces it; a failure keeps it empty
      TikaTextExtractor.Result r = null;
      if (PlainTextDecoder.handles(ref.extension())) {
        try (CappedInputStream in = new CappedInputStream(reader().read(ref), cap)) {
          try {
            r = plainText.decode(in);
          } finally {
            o.bytes += in.count();
          }
        }
      }
      if (r == null) {
        r = extractWithTika(ref, cap, o);
      }
      o.fetched = true;
      if (r.failed()) {
        o.error = true;
        doc.put(IndexFields.CONTENT_ERROR, r.error());
        if (r.retryable()) {
          o.retry = true;
          IndexOperations.markForRetry(doc);
        }
        return o;
      }
      o.extracted = true;
      doc.put(IndexFields.BODY, r.text());
    } catch (CappedInputStream.CapExceededException e) {
      o.fetched = true;
      o.tooLarge = true;
      doc.put(IndexFields.CONTENT_ERROR, "file grew past the " + cap + " byte limit while being read: content not extracted");
    } catch (IOException | RuntimeException e) {
      o.error = true;
      o.retry = true;
      doc.put(IndexFields.CONTENT_ERROR, "download failed: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + truncate(e.getMessage())));
      IndexOperations.markForRetry(doc);
    }
    return o;
  }

  private TikaTextExtractor.Result extractWithTika(ContentRef ref, long cap, Outcome o) throws IOException {
    if (ref.sizeBytes() <= IN_MEMORY_BYTES) {
      return tika().extract(readAll(ref, cap, o), ref.fileName());
    }
    Path spool = Files.createTempFile("bc-content-", ".tmp");
    try {
      try (CappedInputStream in = new CappedInputStream(reader().read(ref), cap);
          OutputStream out = Files.newOutputStream(spool)) {
        try {
          in.transferTo(out);
        } finally {
          o.bytes += in.count();
        }
      }
      return tika().extract(spool, ref.fileName());
    } finally {
      Files.deleteIfExists(spool);
    }
  }

  private byte[] readAll(ContentRef ref, long cap, Outcome o) throws IOException {
    try (CappedInputStream in = new CappedInputStream(reader().read(ref), cap)) {
      ByteArrayOutputStream buf = new ByteArrayOutputStream((int) Math.min(Math.max(ref.sizeBytes(), 0), cap) + 16);
      try {
        in.transferTo(buf);
      } finally {
        o.bytes += in.count();
      }
      return buf.toByteArray();
    }
  }

  private static String truncate(String s) {
    return s.length() > 300 ? s.substring(0, 300) : s;
  }

  @Override
  public void close() throws IOException {
    try {
      if (tika != null) {
        tika.close();
      }
    } finally {
      if (reader != null) {
        reader.close();
      }
    }
  }
}
