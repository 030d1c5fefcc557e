package io.beamconnectors.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamconnectors.metrics.SyncCounters;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.elasticsearch.ElasticsearchIO;
import org.apache.beam.sdk.io.elasticsearch.ElasticsearchIO.Document;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes index and delete operations ({@link IndexOperations}) in bulk requests: explicit
 * {@code _id} (so every write is idempotent), the bulk entries built here from the id at the head
 * of each operation (ElasticsearchIO's DocToBulk would parse every document again), batches by
 * count and bytes, several requests in flight, and write errors returned instead of thrown.
 * Stateful batches (across bundles, where the settings ask for them) go through Beam's
 * ElasticsearchIO; a batch per bundle through {@link AsyncBulkFn}.
 *
 * <p>Retries are ours, in rounds: ElasticsearchIO's own retry does not cover a whole bulk request
 * answered with 429/502/503/504 (it reports such a batch as failed even after a successful retry,
 * or fails the pipeline), so it is switched off and every failed operation that another try may fix
 * (item 429, whole-request 429/502/503/504 or a connection failure, or a 413) goes to the next
 * round after a backoff, up to {@link BulkSettings#maxAttempts()} rounds. The rounds are the
 * per-bundle writer's own ({@link AsyncBulkFn}), not steps of the pipeline; with stateful batches
 * the first round is ElasticsearchIO's, and its failures that may yet succeed go on to per-bundle
 * writers for the rounds left. An operation larger than
 * the byte cap, and every operation of a batch answered 413, is sent in a request of its own, so it
 * can only fail alone. Successful operations are counted exactly ({@code indexed_ok},
 * {@code deleted_ok}, {@code bytes_written}); each final failure comes out as a one-line JSON
 * description ({@code id}, {@code op}, {@code error}).
 */
public final class WriteToIndex extends PTransform<PCollection<String>, PCollection<String>> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(WriteToIndex.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final TupleTag<Document> BATCHED = new TupleTag<>("batched") {};
  private static final TupleTag<Document> ALONE = new TupleTag<>("alone") {};
  private static final TupleTag<Document> RETRY = new TupleTag<>("retry") {};
  private static final TupleTag<Document> RETRY_ALONE = new TupleTag<>("retryAlone") {};
  private static final TupleTag<String> FINAL_FAILURES = new TupleTag<>("finalFailures") {};

  private final ElasticsearchConnection connection;
  private final BulkSettings settings;

  private WriteToIndex(ElasticsearchConnection connection, BulkSettings settings) {
    this.connection = connection;
    this.settings = settings;
  }

  public static WriteToIndex to(ElasticsearchConnection connection) {
    if (connection == null) {
      throw new IllegalArgumentException("connection must not be null");
    }
    return new WriteToIndex(connection, BulkSettings.defaults());
  }

  public WriteToIndex withSettings(BulkSettings v) {
    if (v == null) {
      throw new IllegalArgumentException("bulk settings must not be null");
    }
    return new WriteToIndex(connection, v);
  }

  @Override
  public void populateDisplayData(org.apache.beam.sdk.transforms.display.DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    // The index and the sizes; never the credentials of the connection.
    builder.add(org.apache.beam.sdk.transforms.display.DisplayData.item("index", connection.index()))
        .add(org.apache.beam.sdk.transforms.display.DisplayData.item("maxBatchSize", settings.maxBatchSize()))
        .add(org.apache.beam.sdk.transforms.display.DisplayData.item("maxBatchBytes", settings.maxBatchBytes()))
        .add(org.apache.beam.sdk.transforms.display.DisplayData.item("maxParallelRequests", settings.maxParallelRequests()))
        .add(org.apache.beam.sdk.transforms.display.DisplayData.item("maxAttempts", settings.maxAttempts()));
  }

  @Override
  public PCollection<String> expand(PCollection<String> operations) {
    int attempts = settings.maxAttempts();
    if (!settings.statefulBatches()) {
      // A batch per bundle, its retries the bundle's own rounds (AsyncBulkFn): one step. One lane:
      // on Flink each output of a step is one more encoded copy of every entry.
      return operations.apply("ToBulk", ParDo.of(new ToBulkEntryFn())).setCoder(ElasticsearchIO.DocumentCoder.of())
          .apply("Write", ParDo.of(writer(settings.maxBatchSize(), 1, attempts, false)))
          .setCoder(StringUtf8Coder.of());
    }
    // ElasticsearchIO's batches would put an entry over the byte cap with its neighbours: such
    // entries take a lane of one-entry requests from the start.
    PCollectionTuple lanes = operations.apply("ToBulk", ParDo.of(new ToBulkFn(settings.maxBatchBytes()))
        .withOutputTags(BATCHED, TupleTagList.of(ALONE)));
    PCollection<Document> batched = lanes.get(BATCHED).setCoder(ElasticsearchIO.DocumentCoder.of());
    PCollection<Document> alone = lanes.get(ALONE).setCoder(ElasticsearchIO.DocumentCoder.of());
    // The first round's batches fill across bundles (ElasticsearchIO's stateful writer); its
    // failures are judged here, and what may succeed later goes to per-bundle writers that retry
    // in rounds of their own: retries are few, and on the DirectRunner every stateful step costs
    // timer bookkeeping.
    ElasticsearchIO.BulkIO write = ElasticsearchIO.bulkIO()
        .withConnectionConfiguration(connection.toBeam())
        .withMaxBatchSize(settings.maxBatchSize())
        .withMaxBatchSizeBytes(settings.maxBatchBytes())
        .withUseStatefulBatches(true)
        .withMaxParallelRequests(settings.maxParallelRequests())
        .withThrowWriteErrors(false);
    PCollectionTuple results = batched.apply("Round1Batched", write);
    results.get(ElasticsearchIO.Write.SUCCESSFUL_WRITES).apply("Round1BatchedCount", ParDo.of(new CountSuccessFn()));
    PCollectionTuple judged = results.get(ElasticsearchIO.Write.FAILED_WRITES)
        .apply("Round1Classify", ParDo.of(new ClassifyFailureFn(attempts == 1, settings.maxBatchBytes()))
            .withOutputTags(FINAL_FAILURES, TupleTagList.of(RETRY).and(RETRY_ALONE)));
    PCollectionList<String> failures = PCollectionList.of(judged.get(FINAL_FAILURES).setCoder(StringUtf8Coder.of()))
        .and(alone.apply("Alone", ParDo.of(writer(1, 1, attempts, true))).setCoder(StringUtf8Coder.of()));
    if (attempts > 1) {
      long firstBackoff = BulkSession.backoffMillis(2, settings.maxRetrySeconds());
      failures = failures
          .and(judged.get(RETRY).setCoder(ElasticsearchIO.DocumentCoder.of())
              .apply("Round2BackoffBatched", ParDo.of(new BackoffFn(firstBackoff))).setCoder(ElasticsearchIO.DocumentCoder.of())
              .apply("Retries", ParDo.of(writer(settings.maxBatchSize(), 2, attempts, false))).setCoder(StringUtf8Coder.of()))
          .and(judged.get(RETRY_ALONE).setCoder(ElasticsearchIO.DocumentCoder.of())
              .apply("Round2BackoffAlone", ParDo.of(new BackoffFn(firstBackoff))).setCoder(ElasticsearchIO.DocumentCoder.of())
              .apply("RetriesAlone", ParDo.of(writer(1, 2, attempts, true))).setCoder(StringUtf8Coder.of()));
    }
    return failures.apply("AllFailures", Flatten.pCollections()).setCoder(StringUtf8Coder.of());
  }

  /** A per-bundle writer whose first round is round {@code firstAttempt} of {@code attempts}. */
  private AsyncBulkFn writer(int maxBatchSize, int firstAttempt, int attempts, boolean laneAlone) {
    return new AsyncBulkFn(connection, new BulkSession.Rounds(maxBatchSize, settings.maxBatchBytes(),
        settings.maxParallelRequests(), firstAttempt, attempts, settings.maxRetrySeconds(), laneAlone));
  }

  /** How many final failures each writer instance logs (all of them are counted and returned). */
  static final int FAILURES_LOGGED_PER_WRITER = 20;

  /** Logs one final failure (its description: id, op, error; never the document). */
  static void logFailure(String description) {
    LOG.warn("Bulk item failed: {}", description);
  }

  /** The one-line JSON description of a final failure: {@code id}, {@code op}, {@code error}. */
  static String describeFailure(String id, String bulkDirective, String responseItemJson) {
    return JSON.createObjectNode()
        .put("id", id)
        .put("op", "delete".equals(actionOf(bulkDirective)) ? "delete" : "index")
        .put("error", reasonOf(responseItemJson))
        .toString();
  }

  /**
   * The bulk entry of an operation built by {@link IndexOperations}: the action line with the
   * explicit {@code _id} (read from the operation's first field, no second parse), then the
   * document. The entry's input doc holds the id alone, for failure reports. This replaces
   * ElasticsearchIO's own DocToBulk, which parses every document again to find its id.
   */
  static Document toBulk(String operation, org.joda.time.Instant timestamp) {
    String id = IndexOperations.idOf(operation);
    if (id == null) {
      throw new IllegalArgumentException("bulk operation does not start with its id: "
          + operation.substring(0, Math.min(80, operation.length())));
    }
    String quotedId = quote(id);
    String entry = IndexOperations.isDelete(operation, id)
        ? "{\"delete\":{\"_id\":" + quotedId + "}}\n"
        : "{\"index\":{\"_id\":" + quotedId + "}}\n" + operation + "\n";
    return Document.create().withInputDoc(id).withBulkDirective(entry).withTimestamp(timestamp);
  }

  private static String quote(String s) {
    return "\"" + new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
  }

  /** The bulk action of an entry ({@code {"delete":{...}}}), or "". */
  static String actionOf(String bulkDirective) {
    if (bulkDirective == null) {
      return "";
    }
    int open = bulkDirective.indexOf('"');
    int close = open < 0 ? -1 : bulkDirective.indexOf('"', open + 1);
    return close < 0 ? "" : bulkDirective.substring(open + 1, close);
  }

  static boolean isDelete(Document d) {
    return "delete".equals(actionOf(d.getBulkDirective()));
  }

  /**
   * Bytes of the document line of a bulk entry as the request sends it, UTF-8 (what
   * {@code bytes_written} counts).
   */
  static long documentBytes(String bulkDirective) {
    return BulkSession.documentBytes(bulkDirective.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Whether a bulk entry is at or over the byte cap, so sent in a request of its own: by the lane
   * of one-entry requests, or by the per-bundle writer ({@link AsyncBulkFn}).
   */
  static boolean overCap(String bulkDirective, long maxBatchBytes) {
    // UTF-8 is at most 3 bytes per char: only long entries need an exact count.
    return bulkDirective.length() * 3L >= maxBatchBytes
        && bulkDirective.getBytes(StandardCharsets.UTF_8).length >= maxBatchBytes;
  }

  /** Operations to bulk entries; entries at or over the byte cap go to a lane of one-entry requests. */
  static final class ToBulkFn extends DoFn<String, Document> {
    private static final long serialVersionUID = 1L;
    private final long maxBatchBytes;

    ToBulkFn(long maxBatchBytes) {
      this.maxBatchBytes = maxBatchBytes;
    }

    @ProcessElement
    public void process(@Element String op, @Timestamp org.joda.time.Instant timestamp, MultiOutputReceiver out) {
      Document entry = toBulk(op, timestamp);
      out.get(overCap(entry.getBulkDirective(), maxBatchBytes) ? ALONE : BATCHED).output(entry);
    }
  }

  /** Operations to bulk entries, in one lane (for the per-bundle writer). */
  static final class ToBulkEntryFn extends DoFn<String, Document> {
    private static final long serialVersionUID = 1L;

    @ProcessElement
    public void process(@Element String op, @Timestamp org.joda.time.Instant timestamp, OutputReceiver<Document> out) {
      out.output(toBulk(op, timestamp));
    }
  }

  static final class CountSuccessFn extends DoFn<Document, Void> {
    private static final long serialVersionUID = 1L;
    private final Counter indexed = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.INDEXED_OK);
    private final Counter deleted = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.DELETED_OK);
    private final Counter bytes = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.BYTES_WRITTEN);

    @ProcessElement
    public void process(@Element Document d) {
      if (isDelete(d)) {
        deleted.inc();
      } else {
        indexed.inc();
        bytes.inc(documentBytes(d.getBulkDirective()));
      }
    }
  }

  /** What to do with a failed operation. */
  enum FailureKind {
    /** Another try may succeed in a batch: throttling, an unavailable node, a lost connection. */
    RETRY,
    /** The request was too large: try again alone. */
    RETRY_ALONE,
    /** The operation itself is wrong (mapping, id): retrying gives the same answer. */
    PERMANENT
  }

  /**
   * Classifies a failure from its response item (an item of the bulk response, or the whole-request
   * message ElasticsearchIO puts on every operation of a failed request).
   */
  static FailureKind classify(String responseItemJson) {
    if (responseItemJson == null) {
      return FailureKind.RETRY;
    }
    int status = -1;
    try {
      JsonNode item = JSON.readTree(responseItemJson);
      JsonNode s = item.findValue("status");
      if (s != null && s.canConvertToInt()) {
        status = s.asInt();
      } else if (item.has("message")) {
        status = statusInMessage(item.path("message").asText());
      }
    } catch (Exception e) {
      status = statusInMessage(responseItemJson);
    }
    if (status == 413) {
      return FailureKind.RETRY_ALONE;
    }
    if (status == 429 || status == 502 || status == 503 || status == 504 || status == -1) {
      // -1: no status at all, the request never got an answer (connection refused, reset, timeout).
      return FailureKind.RETRY;
    }
    return FailureKind.PERMANENT;
  }

  /**
   * What to do with a failed entry: {@link #classify}, except that a request too large for an entry
   * sent alone (from the lane of one-entry requests, or at or over the byte cap, which every writer
   * sends alone) is final: no retry will change that.
   */
  static FailureKind kindOf(String responseItemJson, String bulkDirective, boolean laneAlone, long maxBatchBytes) {
    FailureKind kind = classify(responseItemJson);
    if (kind == FailureKind.RETRY_ALONE && (laneAlone || overCap(bulkDirective, maxBatchBytes))) {
      return FailureKind.PERMANENT;
    }
    return kind;
  }

  /** The HTTP status from a ResponseException message ("... status line [HTTP/1.1 429 Too Many Requests]"). */
  static int statusInMessage(String message) {
    int at = message.indexOf("status line [");
    if (at < 0) {
      return -1;
    }
    int space = message.indexOf(' ', at + "status line [".length());
    if (space < 0 || space + 4 > message.length()) {
      return -1;
    }
    try {
      return Integer.parseInt(message.substring(space + 1, space + 4));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Judges the failures of ElasticsearchIO's first round (stateful batches): final, or on to the
   * per-bundle writers' rounds, in batches or alone.
   */
  static final class ClassifyFailureFn extends DoFn<Document, String> {
    private static final long serialVersionUID = 1L;
    private final boolean lastRound;
    private final long maxBatchBytes;
    private final Counter failed = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.FAILED);
    private final Counter retried = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.WRITES_RETRIED);
    private transient int logged;

    ClassifyFailureFn(boolean lastRound, long maxBatchBytes) {
      this.lastRound = lastRound;
      this.maxBatchBytes = maxBatchBytes;
    }

    @ProcessElement
    public void process(@Element Document d, MultiOutputReceiver out) {
      // These entries came in ElasticsearchIO's batches, not in the lane of one-entry requests.
      FailureKind kind = kindOf(d.getResponseItemJson(), d.getBulkDirective(), false, maxBatchBytes);
      if (!lastRound && kind != FailureKind.PERMANENT) {
        retried.inc();
        out.get(kind == FailureKind.RETRY_ALONE ? RETRY_ALONE : RETRY)
            .output(Document.create().withInputDoc(d.getInputDoc()).withBulkDirective(d.getBulkDirective())
                .withTimestamp(d.getTimestamp()));
        return;
      }
      failed.inc();
      String desc = describeFailure(d.getInputDoc(), d.getBulkDirective(), d.getResponseItemJson());
      if (logged++ < FAILURES_LOGGED_PER_WRITER) {
        logFailure(desc);
      }
      out.get(FINAL_FAILURES).output(desc);
    }
  }

  /**
   * Waits before passing the first operation of a round on (the backoff between rounds), once per
   * DoFn instance: runners with tiny bundles (the DirectRunner) would otherwise wait per element.
   */
  static final class BackoffFn extends DoFn<Document, Document> {
    private static final long serialVersionUID = 1L;
    private final long delayMillis;
    private transient boolean waited;

    BackoffFn(long delayMillis) {
      this.delayMillis = delayMillis;
    }

    @ProcessElement
    public void process(@Element Document op, OutputReceiver<Document> out) throws InterruptedException {
      if (!waited) {
        Thread.sleep(delayMillis);
        waited = true;
      }
      out.output(op);
    }
  }

  /** "type: reason" from a bulk response item; never throws (the item may not even be JSON). */
  static String reasonOf(String responseItemJson) {
    if (responseItemJson == null) {
      return "no response item";
    }
    try {
      JsonNode node = JSON.readTree(responseItemJson);
      JsonNode error = node.findPath("error");
      if (!error.isMissingNode()) {
        return error.isTextual() ? error.asText() : error.path("type").asText() + ": " + error.path("reason").asText();
      }
      if (node.has("message")) {
        return oneLine(node.path("message").asText());
      }
    } catch (Exception e) {
      // fall through to the raw text
    }
    return oneLine(responseItemJson);
  }

  private static String oneLine(String s) {
    String raw = s.replaceAll("\\s+", " ");
    return raw.length() > 500 ? raw.substring(0, 500) : raw;
  }
}
