package io.beamconnectors.content;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.elasticsearch.BulkSession;
import io.beamconnectors.elasticsearch.BulkSettings;
import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import io.beamconnectors.elasticsearch.IndexFields;
import io.beamconnectors.sources.ContentFetcher;
import io.beamconnectors.sources.ContentRef;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.elasticsearch.IndexOperations;
import io.beamconnectors.metrics.SyncCounters;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Instant;

/**
 * Turns records to create or update into index documents, fetching and extracting content for
 * files: spreads the records (Reshuffle), downloads each eligible file once (size cap, extension
 * list), several at once per worker ({@link ContentSettings#parallelDownloads()}), and extracts its
 * text: plain-text types decoded straight from the stream as UTF-8, everything else with Tika (or
 * base64s it in attachment mode); see {@link ContentSlot}. A file that cannot be fetched
 * or parsed is still indexed with its metadata and a {@code _content_error} field, and counted;
 * the sync goes on. When another try may succeed (a download failure, an extraction timeout) the
 * document is stored with a token that matches nothing ({@link IndexOperations#markForRetry}), so
 * the next sync fetches it again; a permanent failure (too large, a file Tika cannot parse) is not
 * retried until the file changes.
 *
 * <p>In extract mode every document this step writes has a {@code body}: the text, or an empty
 * string when none was extracted (a folder, an empty file, a type outside the list, a file over the
 * cap, a failure). Elasticsearch keeps a text field's norms (the field's length, for scoring)
 * densely only when every document of a segment has the field; otherwise, writing a segment, it
 * walks a sparse list of those documents again for each term. With large bodies of many distinct
 * terms among documents without one, that walk took a third of Elasticsearch's CPU samples in a
 * network-drive bench run (twenty-seventh round in docs/benchmarks.md).
 *
 * <p>Its output is the documents, for a writer step after it; or, {@link #withWritesTo}, it writes
 * each document itself as its file is done and outputs only the final write failures.
 */
public final class FetchContent extends PTransform<PCollection<SourceRecord>, PCollection<String>> {
  private static final long serialVersionUID = 1L;

  private final ContentFetcher fetcher;
  private final ContentSettings settings;
  private final boolean spread;
  private final String seenAt;
  /** Null: documents are output; else written by this step, into this index. */
  private final ElasticsearchConnection writeTo;
  private final BulkSettings bulk;

  private FetchContent(ContentFetcher fetcher, ContentSettings settings, boolean spread, String seenAt,
      ElasticsearchConnection writeTo, BulkSettings bulk) {
    this.fetcher = fetcher;
    this.settings = settings;
    this.spread = spread;
    this.seenAt = seenAt;
    this.writeTo = writeTo;
    this.bulk = bulk;
  }

  /** @param seenAt the sync's start time, stamped as {@code _timestamp} on records without a time */
  public static FetchContent using(ContentFetcher fetcher, ContentSettings settings, String seenAt) {
    if (fetcher == null || settings == null || seenAt == null) {
      throw new IllegalArgumentException("fetcher, settings and seenAt are required");
    }
    return new FetchContent(fetcher, settings, true, seenAt, null, null);
  }

  /**
   * Whether to Reshuffle the records before downloading (default true: a distributed runner then
   * spreads the downloads over all workers). On one machine with the in-memory join there is
   * nothing to spread, and on the DirectRunner a Reshuffle would turn every file into a bundle of
   * its own.
   */
  public FetchContent withSpreadDownloads(boolean v) {
    return new FetchContent(fetcher, settings, v, seenAt, writeTo, bulk);
  }

  /**
   * Writes each document into {@code connection}'s index as soon as its file is done, a batch per
   * bundle ({@link BulkSession}: the same requests, retries and counters as the writer step), and
   * outputs only the final write failures ({@link io.beamconnectors.elasticsearch.WriteToIndex}'s
   * one-line descriptions) instead of the documents. For the global window only.
   *
   * <p>Why: a runner may hand a step's output on only when its bundle is done. The DirectRunner
   * does, and a listing there can be one bundle, so with a writer step after this one no document
   * was written before the last file was downloaded: downloading and indexing took turns (a
   * network-drive bench sync: 16 s of downloads, then 17 s of indexing; thirty-first round in
   * docs/benchmarks.md). Written here, Elasticsearch indexes while the next files download. On
   * Flink it also saves passing every document, text and all, to one more step.
   *
   * @throws IllegalArgumentException for batches across bundles (ElasticsearchIO's stateful
   *     writer), which need a writer step of their own
   */
  public FetchContent withWritesTo(ElasticsearchConnection connection, BulkSettings settings) {
    if (connection == null || settings == null) {
      throw new IllegalArgumentException("connection and bulk settings are required");
    }
    if (settings.statefulBatches()) {
      throw new IllegalArgumentException("batches across bundles are written by a writer step of their own");
    }
    return new FetchContent(fetcher, this.settings, spread, seenAt, connection, settings);
  }

  @Override
  public void populateDisplayData(org.apache.beam.sdk.transforms.display.DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(org.apache.beam.sdk.transforms.display.DisplayData.item("mode", settings.mode().name()))
        .add(org.apache.beam.sdk.transforms.display.DisplayData.item("maxFileSizeBytes", settings.maxFileSizeBytes()))
        .add(org.apache.beam.sdk.transforms.display.DisplayData.item("timeoutSeconds", settings.timeoutSeconds()))
        .add(org.apache.beam.sdk.transforms.display.DisplayData.item("parallelDownloads", settings.parallelDownloads()))
        .add(org.apache.beam.sdk.transforms.display.DisplayData.item("spreadDownloads", spread))
        .add(org.apache.beam.sdk.transforms.display.DisplayData.item("writesDocuments", writeTo != null));
  }

  @Override
  public PCollection<String> expand(PCollection<SourceRecord> records) {
    PCollection<SourceRecord> toFetch = spread ? records.apply("SpreadDownloads", Reshuffle.viaRandomKey()) : records;
    return toFetch
        .apply(writeTo == null ? "FetchAndExtract" : "FetchExtractAndWrite", ParDo.of(new FetchFn(fetcher, settings, seenAt, writeTo, bulk)))
        .setCoder(StringUtf8Coder.of());
  }

  /**
   * Gives a document of extract mode the empty {@code body} it has until text is extracted; a
   * {@code body} of the source's own fields is kept (see the class comment for why every document
   * has one).
   */
  static void emptyBodyUnlessSet(ObjectNode doc) {
    if (!doc.has(IndexFields.BODY)) {
      doc.put(IndexFields.BODY, "");
    }
  }

  /**
   * Builds the documents. Files that need no download (no content, mode NONE, an extension outside
   * the list, empty, over the size cap) are output at once; the others are fetched by a bounded
   * pool of {@link ContentSettings#parallelDownloads()} threads, each with its own
   * {@link ContentSlot} (reader and extractor), at most twice that many waiting. Results are output,
   * and counted, on the bundle's thread with their element's timestamp and window: as they finish
   * while the bundle runs, the rest in {@code @FinishBundle}, so a bundle is done only when all its
   * files are. The pool and the slots live as long as the DoFn instance ({@code @Setup} to
   * {@code @Teardown}); nothing is shared between instances. With a connection, each document
   * goes to this instance's {@link BulkSession} where it would be output, and the output is the
   * session's final failures.
   */
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
    /** Null: documents are output; else written through {@link #writer}. */
    private final ElasticsearchConnection writeTo;
    private final BulkSettings bulk;
    private transient ExecutorService pool;
    private transient org.elasticsearch.client.RestClient client;
    private transient BulkSession writer;
    private transient BlockingQueue<ContentSlot> idleSlots;
    private transient List<ContentSlot> slots;
    /** Downloads of this bundle not output yet, oldest first. */
    private transient Deque<Pending> pending;

    /** A download under way and the element it belongs to. */
    private record Pending(Future<Loaded> result, Instant timestamp, BoundedWindow window) {}

    /** A finished document and what its file cost. */
    private record Loaded(String json, ContentSlot.Outcome outcome) {}

    FetchFn(ContentFetcher fetcher, ContentSettings settings, String seenAt, ElasticsearchConnection writeTo,
        BulkSettings bulk) {
      this.fetcher = fetcher;
      this.settings = settings;
      this.seenAt = seenAt;
      this.writeTo = writeTo;
      this.bulk = bulk;
    }

    @Override
    public org.joda.time.Duration getAllowedTimestampSkew() {
      // A write failure found while a later file is processed leaves with its own file's timestamp.
      return org.joda.time.Duration.millis(Long.MAX_VALUE);
    }

    @Setup
    public void setup() throws IOException {
      if (writeTo != null) {
        client = writeTo.createClient(bulk.maxParallelRequests());
        writer = BulkSession.of(client, writeTo.index(), bulk);
      }
      if (settings.mode() == ContentSettings.Mode.NONE) {
        return;
      }
      int n = settings.parallelDownloads();
      slots = new ArrayList<>(n);
      idleSlots = new ArrayBlockingQueue<>(n);
      for (int i = 0; i < n; i++) {
        ContentSlot slot = new ContentSlot(fetcher, settings);
        slots.add(slot);
        idleSlots.add(slot);
      }
      // One connection now, as before: a source that cannot be reached fails here, not file by file.
      slots.get(0).connect();
      AtomicInteger threads = new AtomicInteger();
      pool = Executors.newFixedThreadPool(n, r -> {
        Thread t = new Thread(r, "content-download-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    }

    @StartBundle
    public void startBundle() {
      pending = new ArrayDeque<>();
      if (writer != null) {
        writer.startBundle();
      }
    }

    @ProcessElement
    public void process(@Element SourceRecord record, @Timestamp Instant timestamp, BoundedWindow window,
        OutputReceiver<String> outputs) throws InterruptedException {
      Out out;
      if (writer == null) {
        out = outputs::output;
      } else {
        if (!(window instanceof GlobalWindow)) {
          throw new IllegalStateException("a fetch step that writes takes records of the global window only, not of " + window);
        }
        out = json -> writer.add(json, timestamp, outputs::outputWithTimestamp);
      }
      ContentRef ref = record.content();
      if (settings.mode() == ContentSettings.Mode.NONE) {
        out.output(IndexOperations.indexJson(record, seenAt));
        return;
      }
      if (ref == null) {
        out.output(withoutText(record));
        return;
      }
      if (!settings.extensions().contains(ref.extension())) {
        skippedType.inc();
        out.output(withoutText(record));
        return;
      }
      if (ref.sizeBytes() <= 0) {
        out.output(withoutText(record));
        return;
      }
      if (ref.sizeBytes() > settings.maxFileSizeBytes()) {
        skippedSize.inc();
        ObjectNode doc = IndexOperations.document(record, seenAt);
        if (settings.mode() == ContentSettings.Mode.EXTRACT) {
          emptyBodyUnlessSet(doc);
        }
        doc.put(IndexFields.CONTENT_ERROR, "file is larger than the " + settings.maxFileSizeBytes()
            + " byte limit: content not extracted");
        out.output(IndexOperations.toJson(doc));
        return;
      }
      pending.addLast(new Pending(pool.submit(() -> load(record, ref)), timestamp, window));
      // Output what has finished; wait while too many are queued (the pool runs parallelDownloads of them).
      while (!pending.isEmpty()
          && (pending.peekFirst().result().isDone() || pending.size() > 2 * settings.parallelDownloads())) {
        Pending p = pending.peekFirst();
        if (!p.window().equals(window) || !p.timestamp().equals(timestamp)) {
          break; // another window or time (not in a batch sync): left for @FinishBundle
        }
        pending.removeFirst();
        out.output(count(await(p)));
      }
    }

    /**
     * The document of a record whose content is not downloaded; in extract mode with an empty
     * {@code body} (see {@link FetchContent}: every document then has the field), unless the
     * source's own fields hold one. Where the fields cannot hold that key (nothing reads "body",
     * no escape), the field goes in as text before the closing brace that {@code indexJson}
     * always ends with; otherwise through the document's tree, which has each key once.
     */
    private String withoutText(SourceRecord record) {
      if (settings.mode() != ContentSettings.Mode.EXTRACT) {
        return IndexOperations.indexJson(record, seenAt);
      }
      String fields = record.fieldsJson();
      if (fields.contains(IndexFields.BODY) || fields.contains("\\u")) {
        ObjectNode doc = IndexOperations.document(record, seenAt);
        emptyBodyUnlessSet(doc);
        return IndexOperations.toJson(doc);
      }
      String json = IndexOperations.indexJson(record, seenAt);
      return new StringBuilder(json.length() + 12).append(json, 0, json.length() - 1)
          .append(",\"").append(IndexFields.BODY).append("\":\"\"}").toString();
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) throws InterruptedException {
      BulkSession.Failures failed = (failure, at) -> context.output(failure, at, GlobalWindow.INSTANCE);
      while (!pending.isEmpty()) {
        Pending p = pending.removeFirst();
        String json = count(await(p));
        if (writer == null) {
          context.output(json, p.timestamp(), p.window());
        } else {
          writer.add(json, p.timestamp(), failed);
        }
      }
      if (writer != null) {
        writer.finishBundle(failed);
      }
    }

    /** Where a finished document goes: output, or written (see {@link FetchContent#withWritesTo}). */
    @FunctionalInterface
    private interface Out {
      void output(String json) throws InterruptedException;
    }

    private Loaded load(SourceRecord record, ContentRef ref) throws InterruptedException {
      ObjectNode doc = IndexOperations.document(record, seenAt);
      ContentSlot slot = idleSlots.take(); // never waits long: one slot per pool thread
      try {
        ContentSlot.Outcome outcome = slot.load(doc, ref);
        return new Loaded(IndexOperations.toJson(doc), outcome);
      } finally {
        idleSlots.add(slot);
      }
    }

    private static Loaded await(Pending p) throws InterruptedException {
      try {
        return p.result().get();
      } catch (ExecutionException e) {
        // load() records every failure of a file in its document; anything else is a bug: fail the bundle.
        Throwable cause = e.getCause() == null ? e : e.getCause();
        throw cause instanceof RuntimeException re ? re : new IllegalStateException("content download failed", cause);
      }
    }

    private String count(Loaded loaded) {
      ContentSlot.Outcome o = loaded.outcome();
      if (o.fetched) {
        fetched.inc();
      }
      if (o.bytes > 0) {
        bytesFetched.inc(o.bytes);
      }
      if (o.extracted) {
        extracted.inc();
      }
      if (o.tooLarge) {
        skippedSize.inc();
      }
      if (o.error) {
        errors.inc();
      }
      if (o.retry) {
        retries.inc();
      }
      return loaded.json();
    }

    @Teardown
    public void teardown() throws IOException {
      if (pool != null) {
        pool.shutdownNow();
      }
      IOException first = null;
      if (client != null) {
        try {
          client.close();
        } catch (IOException e) {
          first = e;
        }
      }
      if (slots != null) {
        for (ContentSlot slot : slots) {
          try {
            slot.close();
          } catch (IOException e) {
            first = first == null ? e : first;
          }
        }
      }
      if (first != null) {
        throw first;
      }
    }
  }
}
