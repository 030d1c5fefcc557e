package io.beamconnectors.ftest.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamconnectors.elasticsearch.BulkSettings;
import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import io.beamconnectors.elasticsearch.IndexOperations;
import io.beamconnectors.elasticsearch.WriteToIndex;
import io.beamconnectors.ftest.support.IndexInspector;
import io.beamconnectors.metrics.SyncCounters;
import io.beamconnectors.sync.SyncSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link WriteToIndex} against the real Elasticsearch, on both write paths (a batch per bundle, and
 * ElasticsearchIO's stateful batches): a document the mapping refuses fails alone and is reported
 * with Elasticsearch's reason, its neighbours are written, and the success counters equal what the
 * index holds and the bytes of the documents it was sent, as the sync's summary reads them. The batch-per-bundle path asks for
 * filtered bulk responses; this is where a change in their shape would show.
 */
class WriteToIndexFtest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INDEX = "ftest-write-to-index";
  private ElasticsearchConnection connection;

  @BeforeEach
  void setUp() throws IOException {
    connection = IndexInspector.connection(INDEX);
    IndexInspector.recreate(connection, "{\"n\":{\"type\":\"long\"}}");
  }

  @AfterEach
  void tearDown() throws IOException {
    IndexInspector.delete(connection);
  }

  @ParameterizedTest(name = "stateful batches: {0}")
  @ValueSource(booleans = {false, true})
  void aRefusedDocumentFailsAloneAndTheCountersMatchTheIndex(boolean stateful) throws Exception {
    List<String> docs = new ArrayList<>();
    long goodBytes = 0;
    // Awkward ids and values: empty-looking, zero, case twins, unicode, separators, a large value.
    List<String> ids = List.of("0", "a", "A", "é/ü 1", "x\ty", "😀", "big", "comma,semi;colon");
    for (int i = 0; i < ids.size(); i++) {
      String doc = JSON.createObjectNode().put("id", ids.get(i)).put("n", i)
          .put("text", ids.get(i).equals("big") ? "ü".repeat(300_000) : "value " + ids.get(i))
          .put("_token", "#t" + i).toString();
      docs.add(doc);
      goodBytes += doc.getBytes(StandardCharsets.UTF_8).length;
    }
    docs.add(JSON.createObjectNode().put("id", "refused").put("n", "not a number").put("_token", "#r").toString());
    docs.add(IndexOperations.deleteJson("never-indexed"));

    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    PCollection<String> failed = p.apply(Create.of(docs).withCoder(StringUtf8Coder.of()))
        .apply(WriteToIndex.to(connection).withSettings(BulkSettings.defaults().withStatefulBatches(stateful)
            .withMaxBatchSize(3).withRetries(2, 1)));
    PAssert.that(failed).satisfies(lines -> {
      List<JsonNode> all = new ArrayList<>();
      lines.forEach(l -> {
        try {
          all.add(JSON.readTree(l));
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      assertEquals(1, all.size(), () -> "failures: " + all);
      assertEquals("refused", all.get(0).path("id").asText());
      assertEquals("index", all.get(0).path("op").asText());
      String error = all.get(0).path("error").asText();
      assertTrue(error.contains("parsing_exception") && error.contains("[n]"), error);
      return null;
    });
    PipelineResult result = p.run();
    result.waitUntilFinish();
    SyncSummary r = SyncSummary.from(result, 0);

    try (IndexInspector index = new IndexInspector(connection)) {
      index.index().refresh();
      Map<String, JsonNode> held = index.documents();
      assertEquals(new java.util.TreeSet<>(ids), new java.util.TreeSet<>(held.keySet()));
      assertEquals(held.size(), r.get(SyncCounters.INDEXED_OK));
    }
    assertEquals(1, r.get(SyncCounters.DELETED_OK), "a delete Elasticsearch answers not_found is acknowledged");
    assertEquals(1, r.get(SyncCounters.FAILED));
    assertEquals(goodBytes, r.get(SyncCounters.BYTES_WRITTEN));
  }
}
