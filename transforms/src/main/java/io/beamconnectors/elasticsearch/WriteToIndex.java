package io.beamconnectors.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamconnectors.sync.SyncCounters;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.elasticsearch.ElasticsearchIO;
import org.apache.beam.sdk.io.elasticsearch.ElasticsearchIO.Document;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.joda.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes index and delete operations through Beam's ElasticsearchIO: explicit {@code _id} (so every
 * write is idempotent), backend version fixed to 8 (no probe), batches by count and bytes,
 * stateful batching with several requests in flight, retries with backoff, and write errors
 * returned instead of thrown. Successful operations are counted; each failed item comes out as a
 * one-line JSON description ({@code id}, {@code op}, {@code error}).
 */
public final class WriteToIndex extends PTransform<PCollection<String>, PCollection<String>> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(WriteToIndex.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ElasticsearchConnection connection;
  private final BulkSettings settings;

  private WriteToIndex(ElasticsearchConnection connection, BulkSettings settings) {
    this.connection = connection;
    this.settings = settings;
  }

  public static WriteToIndex to(ElasticsearchConnection connection) {
    return new WriteToIndex(connection, BulkSettings.defaults());
  }

  public WriteToIndex withSettings(BulkSettings v) {
    return new WriteToIndex(connection, v);
  }

  @Override
  public PCollection<String> expand(PCollection<String> operations) {
    ElasticsearchIO.Write write = ElasticsearchIO.write()
        .withConnectionConfiguration(connection.toBeam())
        .withBackendVersion(8)
        .withIdFn(new IdFn())
        .withIsDeleteFn(new IsDeleteFn())
        .withMaxBatchSize(settings.maxBatchSize())
        .withMaxBatchSizeBytes(settings.maxBatchBytes())
        .withUseStatefulBatches(true)
        .withMaxParallelRequests(settings.maxParallelRequests())
        .withRetryConfiguration(ElasticsearchIO.RetryConfiguration.create(
            settings.maxAttempts(), Duration.standardSeconds(settings.maxRetrySeconds())))
        .withThrowWriteErrors(false);
    PCollectionTuple results = operations.apply("BulkWrite", write);
    results.get(ElasticsearchIO.Write.SUCCESSFUL_WRITES).apply("CountWritten", ParDo.of(new CountSuccessFn()));
    return results.get(ElasticsearchIO.Write.FAILED_WRITES)
        .apply("DescribeFailures", ParDo.of(new DescribeFailureFn()))
        .setCoder(StringUtf8Coder.of());
  }

  static final class IdFn implements ElasticsearchIO.Write.FieldValueExtractFn {
    private static final long serialVersionUID = 1L;

    @Override
    public String apply(JsonNode input) {
      return input.path(IndexFields.ID).asText();
    }
  }

  static final class IsDeleteFn implements ElasticsearchIO.Write.BooleanFieldValueExtractFn {
    private static final long serialVersionUID = 1L;

    @Override
    public Boolean apply(JsonNode input) {
      return input.path(IndexFields.DELETE_MARKER).asBoolean(false);
    }
  }

  static boolean isDelete(Document d) {
    String directive = d.getBulkDirective();
    return directive != null && directive.startsWith("{\"delete\"");
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
        bytes.inc(d.getInputDoc().getBytes(StandardCharsets.UTF_8).length);
      }
    }
  }

  /** "type: reason" from a bulk response item; never throws (the item may not even be JSON). */
  static String reasonOf(String responseItemJson) {
    if (responseItemJson == null) {
      return "no response item";
    }
    try {
      JsonNode error = JSON.readTree(responseItemJson).findPath("error");
      if (!error.isMissingNode()) {
        return error.isTextual() ? error.asText() : error.path("type").asText() + ": " + error.path("reason").asText();
      }
    } catch (Exception e) {
      // fall through to the raw text
    }
    String raw = responseItemJson.replaceAll("\\s+", " ");
    return raw.length() > 500 ? raw.substring(0, 500) : raw;
  }

  static final class DescribeFailureFn extends DoFn<Document, String> {
    private static final long serialVersionUID = 1L;
    private static final int LOGGED_PER_INSTANCE = 20;
    private final Counter failed = Metrics.counter(SyncCounters.NAMESPACE, SyncCounters.FAILED);
    private transient int logged;

    @ProcessElement
    public void process(@Element Document d, OutputReceiver<String> out) {
      failed.inc();
      String id = "";
      try {
        id = JSON.readTree(d.getInputDoc()).path(IndexFields.ID).asText();
      } catch (Exception e) {
        // keep the empty id
      }
      String reason = reasonOf(d.getResponseItemJson());
      String desc = JSON.createObjectNode()
          .put("id", id)
          .put("op", isDelete(d) ? "delete" : "index")
          .put("error", reason)
          .toString();
      if (logged++ < LOGGED_PER_INSTANCE) {
        LOG.warn("Bulk item failed: {}", desc);
      }
      out.output(desc);
    }
  }
}
