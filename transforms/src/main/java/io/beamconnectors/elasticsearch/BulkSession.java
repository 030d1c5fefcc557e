package io.beamconnectors.elasticsearch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import io.beamconnectors.metrics.SyncCounters;
import org.apache.beam.sdk.io.elasticsearch.ElasticsearchIO.Document;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.http.entity.ContentType;
import org.apache.http.nio.entity.NByteArrayEntity;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseListener;
import org.elasticsearch.client.RestClient;
import org.joda.time.Instant;

/**
 * The bulk writing of a batch per bundle, for a {@code DoFn} that writes as it goes: entries go
 * out in requests of at most {@code maxBatchSize} entries and {@code maxBatchBytes} bytes (an
 * entry at or over that cap in a request of its own), up to {@code maxInFlight} of them at once
 * (sent asynchronously; the bundle's thread goes on preparing the next request while
 * Elasticsearch indexes). Each entry is encoded to UTF-8 once, when it arrives: those bytes size
 * the batch, make the request body, and give {@code bytes_written}. Successes are counted here, on
 * the bundle's thread ({@code indexed_ok}, {@code deleted_ok}, {@code bytes_written}, added to the
 * counters once per bundle), not emitted; a failed entry is judged by its response item (the bulk
 * item, or for a request that failed as a whole a {@code {"message": ...}} naming the HTTP status,
 * as ElasticsearchIO reports it). A bundle is done only when all its requests are answered.
 *
 * <p>Responses are asked for with {@link #RESPONSE_FILTER}: per item only its status and error, not
 * its index, id, version and shard counts, which Elasticsearch would render and this client parse
 * for every document. When the response says {@code "errors": false} its items are only counted.
 *
 * <p>Retries are the bundle's own, in rounds: an entry whose failure another try may fix
 * ({@link WriteToIndex#kindOf}) waits for the bundle's next round, which starts, after a backoff,
 * once every request of the round before is answered; entries refused as too large go alone.
 * What is still failed after the last round ({@code attempts}), or cannot be fixed by a retry,
 * goes to the caller's {@link Failures} as the one-line JSON description
 * {@link WriteToIndex#describeFailure} gives. Rounds as steps of the pipeline would cost a runner
 * such as Flink some 30 tasks per writer to start on every sync, whether or not anything failed.
 *
 * <p>One session per {@code DoFn} instance, made in its {@code @Setup} with the instance's client:
 * {@link #startBundle}, then {@link #add} per entry, then {@link #finishBundle}. Used by the
 * writer step ({@link AsyncBulkFn}) and by a step that writes what it decides, so that no
 * collection of documents crosses between steps (see {@code Reconcile#withWritesInLookups}).
 */
public final class BulkSession {
  /** The {@code filter_path} of every bulk request: enough to tell each item's outcome. */
  static final String RESPONSE_FILTER = "errors,items.*.status,items.*.error";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory FACTORY = JSON.getFactory();

  private final RestClient client;
  private final String index;
  private final int maxBatchSize;
  private final long maxBatchBytes;
  private final int maxInFlight;
  /** The overall number of this writer's first round (above 1 behind a round of another writer). */
  private final int firstAttempt;
  private final int maxAttempts;
  private final int maxRetrySeconds;
  /** Every entry comes from a lane of one-entry requests: a request too large is then final. */
  private final boolean laneAlone;

  private final Counter failedFinally = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.FAILED);
  private final Counter retried = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.WRITES_RETRIED);
  private final Counter indexedOk = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.INDEXED_OK);
  private final Counter deletedOk = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.DELETED_OK);
  private final Counter bytesWritten = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.BYTES_WRITTEN);

  private List<Document> batch;
  private List<byte[]> batchEncoded;
  private long batchBytes;
  private LinkedBlockingQueue<Answered> answered;
  private int inFlight;
  private long indexedInBundle;
  private long deletedInBundle;
  private long bytesInBundle;
  /** Entries to send again in the bundle's next round: in batches, and alone. */
  private List<Document> retryBatched;
  private List<Document> retryAlone;
  /** Final failures logged by this session, over all its bundles. */
  private int logged;

  /**
   * One request's entries, the bytes of each one's document line as sent, and per entry null
   * (written) or its failure's response item.
   */
  private record Answered(List<Document> entries, long[] documentBytes, String[] failures) {}

  /** Where a bundle's final failures go: the description and the failed entry's timestamp. */
  @FunctionalInterface
  public interface Failures {
    void emit(String failureDescription, Instant timestamp);
  }

  /**
   * A session of a writer whose first round is the sync's first ({@code firstAttempt} 1), for
   * entries of any size (none from a lane of one-entry requests), as {@code settings} say.
   */
  public static BulkSession of(RestClient client, String index, BulkSettings settings) {
    return new BulkSession(client, index, new Rounds(settings.maxBatchSize(), settings.maxBatchBytes(),
        settings.maxParallelRequests(), 1, settings.maxAttempts(), settings.maxRetrySeconds(), false));
  }

  /**
   * What a writer's sessions send: requests of at most {@code maxBatchSize} entries and
   * {@code maxBatchBytes} bytes, {@code maxInFlight} at once; rounds {@code firstAttempt} to
   * {@code maxAttempts} (the first above 1 behind a round of another writer), backing off up to
   * {@code maxRetrySeconds}; {@code laneAlone}: every entry comes from a lane of one-entry
   * requests, so a request refused as too large is final.
   */
  record Rounds(int maxBatchSize, long maxBatchBytes, int maxInFlight, int firstAttempt, int maxAttempts,
      int maxRetrySeconds, boolean laneAlone) implements java.io.Serializable {}

  BulkSession(RestClient client, String index, Rounds rounds) {
    this.client = client;
    this.index = index;
    this.maxBatchSize = rounds.maxBatchSize();
    this.maxBatchBytes = rounds.maxBatchBytes();
    this.maxInFlight = rounds.maxInFlight();
    this.firstAttempt = rounds.firstAttempt();
    this.maxAttempts = rounds.maxAttempts();
    this.maxRetrySeconds = rounds.maxRetrySeconds();
    this.laneAlone = rounds.laneAlone();
  }

  /** The wait before round {@code attempt} (2, 3, ...): 1 s, doubling, capped. */
  static long backoffMillis(int attempt, int maxRetrySeconds) {
    return Math.min(1000L << Math.min(30, attempt - 2), maxRetrySeconds * 1000L);
  }

  /** Starts a bundle: nothing batched, in flight or waiting for a retry. */
  public void startBundle() {
    batch = new ArrayList<>();
    batchEncoded = new ArrayList<>();
    batchBytes = 0;
    inFlight = 0;
    indexedInBundle = 0;
    deletedInBundle = 0;
    bytesInBundle = 0;
    // A queue per bundle: answers to a bundle that failed can never come out of the next one.
    answered = new LinkedBlockingQueue<>();
    retryBatched = new ArrayList<>();
    retryAlone = new ArrayList<>();
  }

  /**
   * Adds an operation built by {@link IndexOperations} to the bundle's batch, sending what is full;
   * first judges the requests answered so far ({@code failed} gets their final failures).
   */
  public void add(String operation, Instant timestamp, Failures failed) throws InterruptedException {
    add(WriteToIndex.toBulk(operation, timestamp), failed);
  }

  /** {@link #add(String, Instant, Failures)} for an entry already built. */
  void add(Document entry, Failures failed) throws InterruptedException {
    for (Answered a = answered.poll(); a != null; a = answered.poll()) {
      inFlight--;
      emit(a, firstAttempt, failed);
    }
    add(entry, Integer.MAX_VALUE, firstAttempt, failed);
  }

  /** Adds an entry to the batch of the round, sending what is full (requests of at most {@code perRequest}). */
  private void add(Document entry, int perRequest, int attempt, Failures failed) throws InterruptedException {
    byte[] encoded = entry.getBulkDirective().getBytes(StandardCharsets.UTF_8);
    if ((encoded.length >= maxBatchBytes || perRequest == 1) && !batch.isEmpty()) {
      // An entry at or over the byte cap goes in a request of its own: should Elasticsearch refuse
      // it as too large, that fails it alone, never its neighbours (see WriteToIndex.overCap).
      awaitAnswers(maxInFlight - 1, attempt, failed);
      send();
    }
    batch.add(entry);
    batchEncoded.add(encoded);
    batchBytes += encoded.length;
    if (batch.size() >= Math.min(perRequest, maxBatchSize) || batchBytes >= maxBatchBytes) {
      awaitAnswers(maxInFlight - 1, attempt, failed);
      send();
    }
  }

  /**
   * Ends the bundle: sends what is batched, judges every answer, sends the retries in rounds after
   * a backoff ({@code failed} gets the final failures), and adds the bundle's counts to the counters.
   */
  public void finishBundle(Failures failed) throws InterruptedException {
    int attempt = firstAttempt;
    while (true) {
      if (!batch.isEmpty()) {
        awaitAnswers(maxInFlight - 1, attempt, failed);
        send();
      }
      awaitAnswers(0, attempt, failed);
      if (retryBatched.isEmpty() && retryAlone.isEmpty()) {
        break;
      }
      // The next round: every entry of this one is answered; wait, then send the retries again.
      attempt++;
      Thread.sleep(backoffMillis(attempt, maxRetrySeconds));
      List<Document> batched = retryBatched;
      List<Document> alone = retryAlone;
      retryBatched = new ArrayList<>();
      retryAlone = new ArrayList<>();
      for (Document d : batched) {
        add(d, Integer.MAX_VALUE, attempt, failed);
      }
      // An entry to send alone first sends the batch before it (add), then goes out by itself.
      for (Document d : alone) {
        add(d, 1, attempt, failed);
      }
    }
    indexedOk.inc(indexedInBundle);
    deletedOk.inc(deletedInBundle);
    bytesWritten.inc(bytesInBundle);
  }

  /** Takes answers, judging their entries, until at most {@code inFlightAtMost} requests are out. */
  private void awaitAnswers(int inFlightAtMost, int attempt, Failures out) throws InterruptedException {
    while (inFlight > inFlightAtMost) {
      Answered a = answered.take();
      inFlight--;
      emit(a, attempt, out);
    }
  }

  /**
   * Counts the request's written entries; a failed one waits for the next round if that may fix
   * it and a round is left, else it comes out as a final failure.
   */
  private void emit(Answered a, int attempt, Failures failed) {
    boolean sentAlone = laneAlone || a.entries().size() == 1;
    for (int i = 0; i < a.entries().size(); i++) {
      Document d = a.entries().get(i);
      String failure = a.failures()[i];
      if (failure != null) {
        WriteToIndex.FailureKind kind = WriteToIndex.kindOf(failure, d.getBulkDirective(), sentAlone, maxBatchBytes);
        if (attempt < maxAttempts && kind != WriteToIndex.FailureKind.PERMANENT) {
          retried.inc();
          (kind == WriteToIndex.FailureKind.RETRY_ALONE ? retryAlone : retryBatched).add(d);
          continue;
        }
        failedFinally.inc();
        String desc = WriteToIndex.describeFailure(d.getInputDoc(), d.getBulkDirective(), failure);
        if (logged++ < WriteToIndex.FAILURES_LOGGED_PER_WRITER) {
          WriteToIndex.logFailure(desc);
        }
        failed.emit(desc, d.getTimestamp());
      } else if (WriteToIndex.isDelete(d)) {
        deletedInBundle++;
      } else {
        indexedInBundle++;
        bytesInBundle += a.documentBytes()[i];
      }
    }
  }

  /** The bytes of an encoded index entry's document line: after the action line, without the last newline. */
  static long documentBytes(byte[] entry) {
    for (int i = 0; i < entry.length; i++) {
      if (entry[i] == '\n') {
        return Math.max(0, entry.length - i - 2);
      }
    }
    return 0;
  }

  private void send() {
    List<Document> entries = batch;
    List<byte[]> encoded = batchEncoded;
    long[] lineBytes = new long[encoded.size()];
    byte[] body;
    if (encoded.size() == 1) {
      body = encoded.get(0); // an entry alone (a large one, often): no second copy of it
    } else {
      body = new byte[Math.toIntExact(batchBytes)];
      int at = 0;
      for (byte[] e : encoded) {
        System.arraycopy(e, 0, body, at, e.length);
        at += e.length;
      }
    }
    for (int i = 0; i < lineBytes.length; i++) {
      lineBytes[i] = documentBytes(encoded.get(i));
    }
    batch = new ArrayList<>();
    batchEncoded = new ArrayList<>();
    batchBytes = 0;
    Request request = new Request("POST", "/" + index + "/_bulk");
    request.addParameter("filter_path", RESPONSE_FILTER);
    request.setEntity(new NByteArrayEntity(body, ContentType.APPLICATION_JSON));
    LinkedBlockingQueue<Answered> answers = answered;
    inFlight++;
    client.performRequestAsync(request, new ResponseListener() {
      @Override
      public void onSuccess(Response response) {
        String[] failures;
        try (InputStream in = response.getEntity().getContent()) {
          failures = itemFailures(in, entries.size());
        } catch (IOException | RuntimeException e) {
          failures = allFailed(entries.size(), "the bulk response could not be read: " + e);
        }
        answers.add(new Answered(entries, lineBytes, failures));
      }

      @Override
      public void onFailure(Exception e) {
        // A ResponseException's message names the status line ("... [HTTP/1.1 429 Too Many Requests]").
        answers.add(new Answered(entries, lineBytes, allFailed(entries.size(), String.valueOf(e.getMessage()))));
      }
    });
  }

  private static String[] allFailed(int n, String message) {
    String item = JSON.createObjectNode().put("message", message).toString();
    String[] out = new String[n];
    java.util.Arrays.fill(out, item);
    return out;
  }

  /**
   * Per entry, null when its item has no {@code error}, else the item's JSON. Streams the response:
   * only failed items are kept as text, and after {@code "errors": false} no item is read as a tree.
   * An entry the response has no item for is a failure.
   */
  static String[] itemFailures(InputStream response, int entries) throws IOException {
    String[] out = new String[entries];
    int i = 0;
    boolean noErrors = false;
    try (JsonParser p = FACTORY.createParser(response)) {
      p.setCodec(JSON);
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("the bulk response is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("errors".equals(field)) {
          noErrors = value == JsonToken.VALUE_FALSE;
          continue;
        }
        if (!"items".equals(field) || value != JsonToken.START_ARRAY) {
          p.skipChildren();
          continue;
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
          if (noErrors) {
            p.skipChildren();
            i++;
            continue;
          }
          JsonNode item = p.readValueAsTree();
          if (i < entries) {
            out[i] = item.findValue("error") == null ? null : item.toString();
          }
          i++;
        }
      }
    }
    for (int k = i; k < entries; k++) {
      out[k] = JSON.createObjectNode().put("message", "the bulk response has " + i + " items for " + entries
          + " operations").toString();
    }
    return out;
  }
}
