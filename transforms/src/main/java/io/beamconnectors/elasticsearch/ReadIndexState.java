package io.beamconnectors.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.sequencing.CompletionSignal;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

/**
 * Reads what the content index holds, as {@code KV<id, IndexedState>}: a point in time over the
 * index, read in parallel slices with {@code search_after} on {@code _shard_doc}, fetching only
 * the doc values of {@code id}, {@code _token} and {@code _scope} (no {@code _source}, no
 * stored fields, so the read speed does not depend on document size; no {@code _token} after
 * {@link #withoutTokens}), each page parsed as a stream ({@link DocValuesAnswer}). A missing
 * index reads as empty. A page answered 429/502/503/504 or lost to a connection error is asked again with
 * backoff; a page on which any shard failed fails the read, and so the sync, rather than reading as
 * a smaller index (which would turn the missing documents into creates and hide real deletes).
 */
public final class ReadIndexState extends PTransform<PBegin, PCollection<KV<String, IndexedState>>> {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ElasticsearchConnection connection;
  private final int slices;
  private final int pageSize;
  private final String keepAlive;
  private final boolean tokens;
  private final transient PCollection<?> startAfter;
  private final transient PCollectionView<Boolean> skipWhen;

  private ReadIndexState(ElasticsearchConnection connection, int slices, int pageSize, String keepAlive, boolean tokens,
      PCollection<?> startAfter, PCollectionView<Boolean> skipWhen) {
    this.connection = connection;
    this.slices = slices;
    this.pageSize = pageSize;
    this.keepAlive = keepAlive;
    this.tokens = tokens;
    this.startAfter = startAfter;
    this.skipWhen = skipWhen;
  }

  public static ReadIndexState of(ElasticsearchConnection connection) {
    return new ReadIndexState(connection, 4, 10_000, "10m", true, null, null);
  }

  /**
   * Reads nothing (opens no point in time) when {@code skip} is true (null, the default: always
   * reads): for a caller that can tell it needs none of the index's documents.
   */
  public ReadIndexState withSkipWhen(PCollectionView<Boolean> skip) {
    return new ReadIndexState(connection, slices, pageSize, keepAlive, tokens, startAfter, skip);
  }

  /**
   * Opens the point in time only once {@code signal} is complete (null: at once). The state then
   * reflects everything written before that, which is as good for delete candidates: an id written
   * meanwhile was listed.
   */
  public ReadIndexState withStartAfter(PCollection<?> signal) {
    return new ReadIndexState(connection, slices, pageSize, keepAlive, tokens, signal, skipWhen);
  }

  /**
   * Reads no change tokens: every state's {@link IndexedState#token()} is "". For a caller that
   * only looks for delete candidates (their ids and scopes), such as a sync that decided its
   * records by lookups: each document's token is a unique keyword, the costliest of the three doc
   * values to fetch, and about half of every hit's bytes.
   */
  public ReadIndexState withoutTokens() {
    return new ReadIndexState(connection, slices, pageSize, keepAlive, false, startAfter, skipWhen);
  }

  /** Number of parallel slices (1 reads without slicing). */
  public ReadIndexState withSlices(int v) {
    if (v < 1) {
      throw new IllegalArgumentException("slices must be at least 1, got " + v);
    }
    return new ReadIndexState(connection, v, pageSize, keepAlive, tokens, startAfter, skipWhen);
  }

  /** Hits per page (1 to 10,000, Elasticsearch's default result window). */
  public ReadIndexState withPageSize(int v) {
    if (v < 1 || v > 10_000) {
      throw new IllegalArgumentException("pageSize must be between 1 and 10000, got " + v);
    }
    return new ReadIndexState(connection, slices, v, keepAlive, tokens, startAfter, skipWhen);
  }

  /** How long the point in time lives between pages, as Elasticsearch reads it ("10m", "90s"). */
  public ReadIndexState withKeepAlive(String v) {
    if (v == null || !v.matches("[0-9]+(ms|s|m|h|d)")) {
      throw new IllegalArgumentException("keepAlive must be a time value such as 10m or 90s, got " + v);
    }
    return new ReadIndexState(connection, slices, pageSize, v, tokens, startAfter, skipWhen);
  }

  @Override
  public void populateDisplayData(org.apache.beam.sdk.transforms.display.DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(org.apache.beam.sdk.transforms.display.DisplayData.item("index", connection.index()))
        .add(org.apache.beam.sdk.transforms.display.DisplayData.item("slices", slices))
        .add(org.apache.beam.sdk.transforms.display.DisplayData.item("pageSize", pageSize))
        .add(org.apache.beam.sdk.transforms.display.DisplayData.item("keepAlive", keepAlive))
        .add(org.apache.beam.sdk.transforms.display.DisplayData.item("tokens", tokens));
  }

  @Override
  public PCollection<KV<String, IndexedState>> expand(PBegin input) {
    PCollection<String> seed;
    if (startAfter == null) {
      seed = input.apply("Seed", Create.of(connection.index()));
    } else {
      // The seed comes into being once the signal is complete, rather than existing from the start
      // and waiting on it (see CompletionSignal).
      @SuppressWarnings("unchecked")
      PCollection<Object> signal = (PCollection<Object>) startAfter;
      String index = connection.index();
      seed = signal
          .apply("StartAfter", CompletionSignal.of())
          .apply("Seed", MapElements.into(TypeDescriptors.strings()).via((Long done) -> index))
          .setCoder(StringUtf8Coder.of());
    }
    PCollection<KV<String, Integer>> slicesOfPit = seed
        .apply("OpenPointInTime", skipWhen == null
            ? ParDo.of(new OpenPitFn(connection, slices, keepAlive, null))
            : ParDo.of(new OpenPitFn(connection, slices, keepAlive, skipWhen)).withSideInputs(skipWhen))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of()));
    PCollection<KV<String, IndexedState>> states = slicesOfPit
        .apply("SpreadSlices", Reshuffle.viaRandomKey())
        .apply("ReadSlice", ParDo.of(new ReadSliceFn(connection, slices, pageSize, keepAlive, tokens)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), IndexedState.Coder.of()));
    // Closed once every slice is read: the step's element comes from the read's completion, and
    // the points in time it closes from a view that is ready long before (see CompletionSignal).
    PCollectionView<List<KV<String, Integer>>> opened = slicesOfPit.apply("OpenedView", View.asList());
    states
        .apply("AfterRead", CompletionSignal.of())
        .apply("ClosePointInTime", ParDo.of(new ClosePitFn(connection, opened)).withSideInputs(opened));
    return states;
  }

  private static final int MAX_ATTEMPTS = 6;

  /** Performs a request, asking again with capped exponential backoff while the failure may pass. */
  static Response performWithRetry(RestClient client, Request request) throws IOException {
    org.apache.beam.sdk.util.BackOff backoff = org.apache.beam.sdk.util.FluentBackoff.DEFAULT
        .withMaxRetries(MAX_ATTEMPTS - 1)
        .withInitialBackoff(org.joda.time.Duration.millis(500))
        .withMaxBackoff(org.joda.time.Duration.standardSeconds(10))
        .backoff();
    while (true) {
      IOException failure;
      try {
        return client.performRequest(request);
      } catch (ResponseException e) {
        int status = e.getResponse().getStatusLine().getStatusCode();
        if (status != 429 && status != 502 && status != 503 && status != 504) {
          throw e;
        }
        failure = e;
      } catch (IOException e) {
        failure = e;
      }
      try {
        if (!org.apache.beam.sdk.util.BackOffUtils.next(org.apache.beam.sdk.util.Sleeper.DEFAULT, backoff)) {
          throw failure;
        }
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw failure;
      }
    }
  }

  /** Throws when any shard failed to answer: a partial page must never read as the whole index. */
  static void checkShards(JsonNode response) throws IOException {
    int failed = response.path("_shards").path("failed").asInt(0);
    if (failed > 0) {
      JsonNode first = response.path("_shards").path("failures").path(0).path("reason");
      throw new IOException("Reading the index state failed on " + failed + " shard(s)"
          + (first.isMissingNode() ? "" : ": " + first.path("type").asText() + ": " + first.path("reason").asText())
          + "; nothing is deleted in this sync, run it again once the index is healthy");
    }
  }

  /** Opens a point in time over the index (as refreshed last) and returns its id. */
  static String openPointInTime(RestClient client, String index, String keepAlive) throws IOException {
    Request open = new Request("POST", "/" + index + "/_pit");
    open.addParameter("keep_alive", keepAlive);
    return read(performWithRetry(client, open)).path("id").asText();
  }

  /** Closes a point in time; one that expired or was closed already needs nothing. */
  static void close(RestClient client, String pitId) {
    Request close = new Request("DELETE", "/_pit");
    close.setJsonEntity(JSON.createObjectNode().put("id", pitId).toString());
    try {
      client.performRequest(close);
    } catch (IOException e) {
      // Already expired or closed, or unreachable: it expires on its own.
    }
  }

  private static JsonNode read(Response resp) throws IOException {
    try (InputStream in = resp.getEntity().getContent()) {
      return JSON.readTree(in);
    }
  }

  /**
   * Refreshes the index, opens a point in time and emits one element per slice; nothing at all
   * when {@link #withSkipWhen} says so.
   */
  static final class OpenPitFn extends DoFn<String, KV<String, Integer>> {
    private static final long serialVersionUID = 1L;
    private final ElasticsearchConnection connection;
    private final int slices;
    private final String keepAlive;
    private final PCollectionView<Boolean> skipWhen;
    private transient RestClient client;

    OpenPitFn(ElasticsearchConnection connection, int slices, String keepAlive, PCollectionView<Boolean> skipWhen) {
      this.connection = connection;
      this.slices = slices;
      this.keepAlive = keepAlive;
      this.skipWhen = skipWhen;
    }

    @Setup
    public void setup() {
      client = connection.createClient();
    }

    @ProcessElement
    public void process(ProcessContext c) throws IOException {
      if (skipWhen != null && Boolean.TRUE.equals(c.sideInput(skipWhen))) {
        return;
      }
      String index = c.element();
      Response exists = performWithRetry(client, new Request("HEAD", "/" + index));
      if (exists.getStatusLine().getStatusCode() == 404) {
        return;
      }
      performWithRetry(client, new Request("POST", "/" + index + "/_refresh"));
      String pitId = openPointInTime(client, index, keepAlive);
      for (int i = 0; i < slices; i++) {
        c.output(KV.of(pitId, i));
      }
    }

    @Teardown
    public void teardown() throws IOException {
      if (client != null) {
        client.close();
      }
    }
  }

  /** Pages through one slice of the point in time. */
  static final class ReadSliceFn extends DoFn<KV<String, Integer>, KV<String, IndexedState>> {
    private static final long serialVersionUID = 1L;
    private final ElasticsearchConnection connection;
    private final int slices;
    private final int pageSize;
    private final String keepAlive;
    private final boolean tokens;
    private final Counter read = Metrics.counter(io.beamconnectors.metrics.SyncCounters.NAMESPACE, io.beamconnectors.metrics.SyncCounters.INDEX_STATE_READ);
    private transient RestClient client;

    ReadSliceFn(ElasticsearchConnection connection, int slices, int pageSize, String keepAlive, boolean tokens) {
      this.connection = connection;
      this.slices = slices;
      this.pageSize = pageSize;
      this.keepAlive = keepAlive;
      this.tokens = tokens;
    }

    @Setup
    public void setup() {
      client = connection.createClient();
    }

    @ProcessElement
    public void process(@Element KV<String, Integer> slice, OutputReceiver<KV<String, IndexedState>> out)
        throws IOException {
      String pitId = slice.getKey();
      JsonNode searchAfter = null;
      long[] emitted = {0};
      while (true) {
        ObjectNode body = JSON.createObjectNode();
        body.put("size", pageSize);
        body.put("_source", false);
        body.put("stored_fields", "_none_");
        body.put("track_total_hits", false);
        ArrayNode dv = body.putArray("docvalue_fields");
        dv.add(IndexFields.ID).add(IndexFields.SCOPE);
        if (tokens) {
          dv.add(IndexFields.TOKEN);
        }
        body.putObject("pit").put("id", pitId).put("keep_alive", keepAlive);
        body.putArray("sort").addObject().put("_shard_doc", "asc");
        if (slices > 1) {
          body.putObject("slice").put("id", slice.getValue()).put("max", slices);
        }
        if (searchAfter != null) {
          body.set("search_after", searchAfter);
        }
        Request search = new Request("POST", "/_search");
        search.setJsonEntity(body.toString());
        emitted[0] = 0;
        DocValuesAnswer page;
        // A document without the keyword id (written by another tool) is not ours to manage: the
        // page hands over only hits that have one.
        try (InputStream in = performWithRetry(client, search).getEntity().getContent();
            com.fasterxml.jackson.core.JsonParser parser = JSON.getFactory().createParser(in)) {
          page = DocValuesAnswer.read(parser, (id, token, scope) -> {
            out.output(KV.of(id, new IndexedState(token, scope)));
            emitted[0]++;
          });
        }
        read.inc(emitted[0]);
        if (page.pitId() != null) {
          pitId = page.pitId();
        }
        if (page.hits() == 0) {
          return;
        }
        if (page.lastSort() == null) {
          throw new IOException("A page of the index state came without sort values on its last hit; "
              + "nothing is deleted in this sync, run it again");
        }
        searchAfter = page.lastSort();
        if (page.hits() < pageSize) {
          return;
        }
      }
    }


    @Teardown
    public void teardown() throws IOException {
      if (client != null) {
        client.close();
      }
    }
  }

  /** Closes the point in time once every slice is read (it would expire anyway). */
  static final class ClosePitFn extends DoFn<Long, Void> {
    private static final long serialVersionUID = 1L;
    private final ElasticsearchConnection connection;
    private final PCollectionView<List<KV<String, Integer>>> opened;
    private transient RestClient client;

    ClosePitFn(ElasticsearchConnection connection, PCollectionView<List<KV<String, Integer>>> opened) {
      this.connection = connection;
      this.opened = opened;
    }

    @Setup
    public void setup() {
      client = connection.createClient();
    }

    @ProcessElement
    public void process(ProcessContext c) {
      for (KV<String, Integer> slice : c.sideInput(opened)) {
        if (slice.getValue() == 0) {
          close(client, slice.getKey());
        }
      }
    }

    @Teardown
    public void teardown() throws IOException {
      if (client != null) {
        client.close();
      }
    }
  }
}
