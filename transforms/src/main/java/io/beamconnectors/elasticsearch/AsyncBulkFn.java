package io.beamconnectors.elasticsearch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.beam.sdk.io.elasticsearch.ElasticsearchIO.Document;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.http.entity.ContentType;
import org.apache.http.nio.entity.NByteArrayEntity;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseListener;
import org.elasticsearch.client.RestClient;
import org.joda.time.Duration;

/**
 * The bulk writer of a batch per bundle: a bundle's entries go out in requests of at most
 * {@code maxBatchSize} entries and {@code maxBatchBytes} bytes, up to {@code maxInFlight} of them
 * at once (sent asynchronously; the bundle's thread goes on preparing the next request while
 * Elasticsearch indexes), and every entry comes out on the bundle's thread with its result:
 * {@link #WRITTEN}, or {@link #FAILED} with its response item (the bulk item, or for a request that
 * failed as a whole a {@code {"message": ...}} naming the HTTP status, as ElasticsearchIO reports
 * it). A bundle is done only when all its requests are answered.
 *
 * <p>Why not ElasticsearchIO's own writer here: it sends one request at a time per bundle and waits
 * for each, so on one machine several bundles must run at once to keep Elasticsearch busy, and the
 * DirectRunner's scheduler spins a core whenever one of its threads is idle. ElasticsearchIO's
 * stateful writer still serves distributed runners ({@link WriteToIndex}).
 */
final class AsyncBulkFn extends DoFn<Document, Document> {
  private static final long serialVersionUID = 1L;
  static final TupleTag<Document> WRITTEN = new TupleTag<>("written") {};
  static final TupleTag<Document> FAILED = new TupleTag<>("failed") {};
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory FACTORY = JSON.getFactory();

  private final ElasticsearchConnection connection;
  private final int maxBatchSize;
  private final long maxBatchBytes;
  private final int maxInFlight;

  private transient RestClient client;
  private transient List<Document> batch;
  private transient long batchBytes;
  private transient LinkedBlockingQueue<Answered> answered;
  private transient int inFlight;

  /** One request's entries and, per entry, null (written) or its failure's response item. */
  private record Answered(List<Document> entries, String[] failures) {}

  AsyncBulkFn(ElasticsearchConnection connection, int maxBatchSize, long maxBatchBytes, int maxInFlight) {
    this.connection = connection;
    this.maxBatchSize = maxBatchSize;
    this.maxBatchBytes = maxBatchBytes;
    this.maxInFlight = maxInFlight;
  }

  @Override
  public Duration getAllowedTimestampSkew() {
    // Entries answered while a later element is processed come out with their own (earlier) timestamp.
    return Duration.millis(Long.MAX_VALUE);
  }

  @Setup
  public void setup() {
    client = connection.createClient();
  }

  @StartBundle
  public void startBundle() {
    batch = new ArrayList<>();
    batchBytes = 0;
    inFlight = 0;
    // A queue per bundle: answers to a bundle that failed can never come out of the next one.
    answered = new LinkedBlockingQueue<>();
  }

  @ProcessElement
  public void process(@Element Document entry, MultiOutputReceiver out) throws InterruptedException {
    for (Answered a = answered.poll(); a != null; a = answered.poll()) {
      inFlight--;
      emit(a, (tag, d) -> out.get(tag).outputWithTimestamp(d, d.getTimestamp()));
    }
    batch.add(entry);
    batchBytes += WriteToIndex.utf8Length(entry.getBulkDirective());
    if (batch.size() >= maxBatchSize || batchBytes >= maxBatchBytes) {
      awaitAnswers(maxInFlight - 1, (tag, d) -> out.get(tag).outputWithTimestamp(d, d.getTimestamp()));
      send();
    }
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext c) throws InterruptedException {
    Emitter out = (tag, d) -> c.output(tag, d, d.getTimestamp(), GlobalWindow.INSTANCE);
    if (!batch.isEmpty()) {
      awaitAnswers(maxInFlight - 1, out);
      send();
    }
    awaitAnswers(0, out);
  }

  /** Takes answers, emitting their entries, until at most {@code inFlightAtMost} requests are out. */
  private void awaitAnswers(int inFlightAtMost, Emitter out) throws InterruptedException {
    while (inFlight > inFlightAtMost) {
      Answered a = answered.take();
      inFlight--;
      emit(a, out);
    }
  }

  @Teardown
  public void teardown() throws IOException {
    if (client != null) {
      client.close();
    }
  }

  private interface Emitter {
    void emit(TupleTag<Document> tag, Document d);
  }

  private static void emit(Answered a, Emitter out) {
    for (int i = 0; i < a.entries().size(); i++) {
      Document d = a.entries().get(i);
      String failure = a.failures()[i];
      if (failure == null) {
        out.emit(WRITTEN, d);
      } else {
        out.emit(FAILED, d.withHasError(true).withResponseItemJson(failure));
      }
    }
  }

  private void send() {
    List<Document> entries = batch;
    batch = new ArrayList<>();
    batchBytes = 0;
    StringBuilder body = new StringBuilder();
    for (Document d : entries) {
      body.append(d.getBulkDirective());
    }
    Request request = new Request("POST", "/" + connection.index() + "/_bulk");
    request.setEntity(new NByteArrayEntity(body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
        ContentType.APPLICATION_JSON));
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
        answers.add(new Answered(entries, failures));
      }

      @Override
      public void onFailure(Exception e) {
        // A ResponseException's message names the status line ("... [HTTP/1.1 429 Too Many Requests]").
        answers.add(new Answered(entries, allFailed(entries.size(), String.valueOf(e.getMessage()))));
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
   * only failed items are kept as text. An entry the response has no item for is a failure.
   */
  static String[] itemFailures(InputStream response, int entries) throws IOException {
    String[] out = new String[entries];
    int i = 0;
    try (JsonParser p = FACTORY.createParser(response)) {
      p.setCodec(JSON);
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("the bulk response is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (!"items".equals(field) || value != JsonToken.START_ARRAY) {
          p.skipChildren();
          continue;
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
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
