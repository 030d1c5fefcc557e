package io.beamconnectors.content;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.elasticsearch.IndexFields;
import io.beamconnectors.sources.ContentFetcher;
import io.beamconnectors.sources.ContentRef;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.elasticsearch.IndexOperations;
import io.beamconnectors.metrics.SyncCounters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PCollection;

/**
 * Turns records to create or update into index documents, fetching and extracting content for
 * files: spreads the records (Reshuffle), downloads each eligible file once (size cap, extension
 * list), extracts text with Tika (or base64s it in attachment mode). A file that cannot be fetched
 * or parsed is still indexed with its metadata and a {@code _content_error} field, and counted;
 * the sync goes on. When another try may succeed (a download failure, an extraction timeout) the
 * document is stored with a token that matches nothing ({@link IndexOperations#markForRetry}), so
 * the next sync fetches it again; a permanent failure (too large, a file Tika cannot parse) is not
 * retried until the file changes.
 */
public final class FetchContent extends PTransform<PCollection<SourceRecord>, PCollection<String>> {
  private static final long serialVersionUID = 1L;

  private final ContentFetcher fetcher;
  private final ContentSettings settings;
  private final boolean spread;
  private final String seenAt;

  private FetchContent(ContentFetcher fetcher, ContentSettings settings, boolean spread, String seenAt) {
    this.fetcher = fetcher;
    this.settings = settings;
    this.spread = spread;
    this.seenAt = seenAt;
  }

  /** @param seenAt the sync's start time, stamped as {@code _timestamp} on records without a time */
  public static FetchContent using(ContentFetcher fetcher, ContentSettings settings, String seenAt) {
    if (fetcher == null || settings == null || seenAt == null) {
      throw new IllegalArgumentException("fetcher, settings and seenAt are required");
    }
    return new FetchContent(fetcher, settings, true, seenAt);
  }

  /**
   * Whether to Reshuffle the records before downloading (default true: a distributed runner then
   * spreads the downloads over all workers). On one machine with the in-memory join there is
   * nothing to spread, and on the DirectRunner a Reshuffle would turn every file into a bundle of
   * its own.
   */
  public FetchContent withSpreadDownloads(boolean v) {
    return new FetchContent(fetcher, settings, v, seenAt);
  }

  @Override
  public void populateDisplayData(org.apache.beam.sdk.transforms.display.DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(org.apache.beam.sdk.transforms.display.DisplayData.item("mode", settings.mode().name()))
        .add(org.apache.beam.sdk.transforms.display.DisplayData.item("maxFileSizeBytes", settings.maxFileSizeBytes()))
        .add(org.apache.beam.sdk.transforms.display.DisplayData.item("timeoutSeconds", settings.timeoutSeconds()))
        .add(org.apache.beam.sdk.transforms.display.DisplayData.item("spreadDownloads", spread));
  }

  @Override
  public PCollection<String> expand(PCollection<SourceRecord> records) {
    PCollection<SourceRecord> toFetch = spread ? records.apply("SpreadDownloads", Reshuffle.viaRandomKey()) : records;
    return toFetch
        .apply("FetchAndExtract", ParDo.of(new FetchFn(fetcher, settings, seenAt)))
        .setCoder(StringUtf8Coder.of());
  }

  static final class FetchFn extends DoFn<SourceRecord, String> {
    private static final long serialVersionUID = 1L;
    private final ContentFetcher fetcher;
    private final ContentSettings settings;
    private final Counter fetched = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.CONTENT_FETCHED);
    private final Counter bytesFetched = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.CONTENT_BYTES_FETCHED);
    private final Counter extracted = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.CONTENT_EXTRACTED);
    private final Counter skippedSize = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.CONTENT_SKIPPED_SIZE);
    private final Counter skippedType = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.CONTENT_SKIPPED_TYPE);
    private final Counter errors = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.CONTENT_ERRORS);
    private final Counter retries = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.CONTENT_RETRY);
    private final String seenAt;
    private transient ContentFetcher.Reader reader;
    private transient TikaTextExtractor extractor;

    FetchFn(ContentFetcher fetcher, ContentSettings settings, String seenAt) {
      this.fetcher = fetcher;
      this.settings = settings;
      this.seenAt = seenAt;
    }

    @Setup
    public void setup() throws IOException {
      if (settings.mode() != ContentSettings.Mode.NONE) {
        reader = fetcher.open();
      }
      if (settings.mode() == ContentSettings.Mode.EXTRACT) {
        extractor = new TikaTextExtractor(settings.maxExtractedChars(), settings.timeoutSeconds(), settings.reduceWhitespace());
      }
    }

    @ProcessElement
    public void process(@Element SourceRecord record, OutputReceiver<String> out) {
      ObjectNode doc = IndexOperations.document(record, seenAt);
      ContentRef ref = record.content();
      if (ref != null && settings.mode() != ContentSettings.Mode.NONE) {
        addContent(doc, ref);
      }
      out.output(IndexOperations.toJson(doc));
    }

    private void addContent(ObjectNode doc, ContentRef ref) {
      if (!settings.extensions().contains(ref.extension())) {
        skippedType.inc();
        return;
      }
      if (ref.sizeBytes() <= 0) {
        return;
      }
      if (ref.sizeBytes() > settings.maxFileSizeBytes()) {
        skippedSize.inc();
        doc.put(IndexFields.CONTENT_ERROR, "file is larger than the " + settings.maxFileSizeBytes()
            + " byte limit: content not extracted");
        return;
      }
      byte[] bytes;
      try {
        bytes = download(ref);
      } catch (IOException | RuntimeException e) {
        errors.inc();
        retries.inc();
        doc.put(IndexFields.CONTENT_ERROR, "download failed: " + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + truncate(e.getMessage())));
        IndexOperations.markForRetry(doc);
        return;
      }
      fetched.inc();
      bytesFetched.inc(bytes.length);
      if (bytes.length > settings.maxFileSizeBytes()) {
        skippedSize.inc();
        doc.put(IndexFields.CONTENT_ERROR, "file grew past the " + settings.maxFileSizeBytes()
            + " byte limit while being read: content not extracted");
        return;
      }
      if (settings.mode() == ContentSettings.Mode.ATTACHMENT) {
        doc.put(IndexFields.ATTACHMENT, Base64.getEncoder().encodeToString(bytes));
        return;
      }
      TikaTextExtractor.Result r = extractor.extract(bytes, ref.fileName());
      if (r.failed()) {
        errors.inc();
        doc.put(IndexFields.CONTENT_ERROR, r.error());
        if (r.retryable()) {
          retries.inc();
          IndexOperations.markForRetry(doc);
        }
        return;
      }
      extracted.inc();
      doc.put(IndexFields.BODY, r.text());
    }

    private byte[] download(ContentRef ref) throws IOException {
      long cap = settings.maxFileSizeBytes();
      try (InputStream in = reader.read(ref)) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream((int) Math.min(Math.max(ref.sizeBytes(), 0), cap) + 16);
        byte[] chunk = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(chunk)) > 0) {
          total += n;
          buf.write(chunk, 0, n);
          if (total > cap) {
            break;
          }
        }
        return buf.toByteArray();
      }
    }

    private static String truncate(String s) {
      return s.length() > 300 ? s.substring(0, 300) : s;
    }

    @Teardown
    public void teardown() throws IOException {
      if (reader != null) {
        reader.close();
      }
      if (extractor != null) {
        extractor.close();
      }
    }
  }
}
