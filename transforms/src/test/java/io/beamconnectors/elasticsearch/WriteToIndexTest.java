package io.beamconnectors.elasticsearch;

import io.beamconnectors.metrics.CounterTotals;
import io.beamconnectors.sources.Scope;
import io.beamconnectors.sources.SourceRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamconnectors.elasticsearch.IndexOperations;
import io.beamconnectors.metrics.SyncCounters;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.elasticsearch.ElasticsearchIO;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The write path against {@link FakeBulkEndpoint} (failure injection a real server cannot be made
 * to produce on demand). The exact counters are checked again against the real Elasticsearch in
 * every functional test.
 */
class WriteToIndexTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String doc(String id, int padding) {
    return JSON.createObjectNode().put("id", id).put("_token", "t#0").put("pad", "x".repeat(padding))
        .put("text", "é ü 😀").toString();
  }

  /** {@code n} documents with ids {@code prefix0} to {@code prefix(n-1)}, each padded with {@code padding} characters. */
  private static ArrayList<String> docs(String prefix, int n, int padding) {
    ArrayList<String> ops = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ops.add(doc(prefix + i, padding));
    }
    return ops;
  }

  private static long counter(PipelineResult r, String name) {
    return CounterTotals.of(r, SyncCounters.NAMESPACE, name);
  }

  private static PipelineResult write(FakeBulkEndpoint es, List<String> ops, BulkSettings settings, List<String> expectedFailedIds) {
    return write(es, ops, settings, expectedFailedIds, "--runner=DirectRunner");
  }

  private static PipelineResult write(FakeBulkEndpoint es, List<String> ops, BulkSettings settings, List<String> expectedFailedIds,
      String... args) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs(args).create());
    return write(p, p.apply(Create.of(ops).withCoder(StringUtf8Coder.of())), es, settings, expectedFailedIds);
  }

  /**
   * {@link #write}, with every operation in one bundle on one runner thread: they come from one
   * element, so no split of the runner's input can leave a bundle too small for a test about
   * batches or requests in flight.
   */
  private static PipelineResult writeInOneBundle(FakeBulkEndpoint es, List<String> ops, BulkSettings settings,
      List<String> expectedFailedIds) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner", "--targetParallelism=1").create());
    ArrayList<String> all = new ArrayList<>(ops);
    PCollection<String> input = p.apply(Create.of(all.size()))
        .apply(FlatMapElements.into(TypeDescriptors.strings()).via((Integer n) -> all));
    return write(p, input, es, settings, expectedFailedIds);
  }

  private static PipelineResult write(Pipeline p, PCollection<String> input, FakeBulkEndpoint es, BulkSettings settings,
      List<String> expectedFailedIds) {
    PCollection<String> failed = input
        .apply(WriteToIndex.to(ElasticsearchConnection.of(es.url(), "fake")).withSettings(settings));
    PAssert.that(failed.apply(MapElements.into(TypeDescriptors.strings()).via((String f) -> {
      try {
        return JSON.readTree(f).path("id").asText();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }))).containsInAnyOrder(expectedFailedIds);
    PipelineResult r = p.run();
    r.waitUntilFinish();
    return r;
  }

  @ParameterizedTest(name = "stateful batches: {0}")
  @ValueSource(booleans = {true, false})
  void wholeRequestThrottlingIsRetriedUntilEveryOperationIsWritten(boolean stateful) throws Exception {
    try (FakeBulkEndpoint es = new FakeBulkEndpoint(2, 429, Long.MAX_VALUE)) {
      List<String> ops = docs("d", 8, 10);
      ops.add(IndexOperations.deleteJson("gone"));
      PipelineResult r = write(es, ops, BulkSettings.defaults().withStatefulBatches(stateful).withRetries(4, 1), List.of());
      assertEquals(8, new HashSet<>(es.indexed).size());
      assertEquals(List.of("gone"), es.deleted);
      assertEquals(8, counter(r, SyncCounters.INDEXED_OK));
      assertEquals(1, counter(r, SyncCounters.DELETED_OK));
      assertEquals(es.documentBytes(), counter(r, SyncCounters.BYTES_WRITTEN));
      assertEquals(0, counter(r, SyncCounters.FAILED));
      assertTrue(counter(r, SyncCounters.WRITES_RETRIED) > 0);
    }
  }

  @ParameterizedTest(name = "stateful batches: {0}")
  @ValueSource(booleans = {true, false})
  void unavailableToTheLastRoundIsReportedPerOperationWithItsOp(boolean stateful) throws Exception {
    try (FakeBulkEndpoint es = new FakeBulkEndpoint(Integer.MAX_VALUE, 503, Long.MAX_VALUE)) {
      PipelineResult r = write(es, List.of(doc("a", 1), IndexOperations.deleteJson("b")),
          BulkSettings.defaults().withStatefulBatches(stateful).withRetries(2, 1), List.of("a", "b"));
      assertEquals(2, counter(r, SyncCounters.FAILED));
      assertEquals(0, counter(r, SyncCounters.INDEXED_OK) + counter(r, SyncCounters.DELETED_OK));
    }
  }

  @ParameterizedTest(name = "stateful batches: {0}")
  @ValueSource(booleans = {true, false})
  void anOperationOverTheByteCapFailsAloneNeverItsNeighbours(boolean stateful) throws Exception {
    // The fake refuses requests over 20 KB with 413; the byte cap is 8 KB.
    try (FakeBulkEndpoint es = new FakeBulkEndpoint(0, 200, 20_000)) {
      List<String> ops = docs("small", 40, 900);
      ops.add(doc("huge", 50_000));
      ops.add(doc("big-but-fits", 12_000));
      PipelineResult r = write(es, ops, BulkSettings.defaults().withStatefulBatches(stateful).withMaxBatchBytes(8_000).withRetries(3, 1),
          List.of("huge"));
      Set<String> written = new HashSet<>(es.indexed);
      assertEquals(41, written.size());
      assertTrue(written.contains("big-but-fits"));
      assertEquals(41, counter(r, SyncCounters.INDEXED_OK));
      assertEquals(es.documentBytes(), counter(r, SyncCounters.BYTES_WRITTEN));
      assertTrue(es.documentBytes() > 40 * 900 + 12_000, () -> "document bytes: " + es.documentBytes());
      assertEquals(1, counter(r, SyncCounters.FAILED));
      // Sent alone from the first round: no neighbour ever shared a request with either. (Read
      // at the fake, not off writes_retried: a request the fake answered can read as lost on a
      // loaded machine and be retried, as once in CI.)
      for (String alone : List.of("huge", "big-but-fits")) {
        List<Integer> entries = es.entriesOfRequestsWith(alone);
        assertFalse(entries.isEmpty(), alone);
        assertTrue(entries.stream().allMatch(n -> n == 1), () -> alone + " went in requests of " + entries + " entries");
      }
    }
  }

  @ParameterizedTest(name = "stateful batches: {0}")
  @ValueSource(booleans = {true, false})
  void aBatchRefusedAsTooLargeIsRetriedEntryByEntry(boolean stateful) throws Exception {
    // Under the byte cap (100 KB), over what the fake takes (20 KB): two entries or more make a
    // request it answers 413, and each of their entries must be sent again alone.
    try (FakeBulkEndpoint es = new FakeBulkEndpoint(0, 200, 20_000)) {
      List<String> ops = docs("twelve-kb-", 10, 12_000);
      PipelineResult r = writeInOneBundle(es, ops,
          BulkSettings.defaults().withStatefulBatches(stateful).withMaxBatchBytes(100_000).withRetries(2, 1), List.of());
      assertEquals(10, new HashSet<>(es.indexed).size());
      assertEquals(10, counter(r, SyncCounters.INDEXED_OK));
      assertEquals(0, counter(r, SyncCounters.FAILED));
      int refused = 0;
      for (int i = 0; i < 10; i++) {
        List<Integer> entries = es.entriesOfRequestsWith("twelve-kb-" + i);
        if (entries.stream().anyMatch(n -> n > 1)) {
          refused++;
          assertTrue(entries.contains(1), () -> "refused in a batch, never sent alone: " + entries);
        }
      }
      assertTrue(refused > 0, "no batch was ever sent: the test proves nothing");
      assertEquals(refused, counter(r, SyncCounters.WRITES_RETRIED));
    }
  }

  /** One bundle, one request: each refused request is a round of its own, a backoff before the next. */
  @Test
  void eachRoundWaitsItsBackoffBeforeSendingAgain() throws Exception {
    try (FakeBulkEndpoint es = new FakeBulkEndpoint(2, 429, Long.MAX_VALUE)) {
      PipelineResult r = write(es, List.of(doc("only", 10)),
          BulkSettings.defaults().withStatefulBatches(false).withRetries(3, 1), List.of());
      assertEquals(List.of("only"), es.indexed);
      assertEquals(3, es.requests());
      assertEquals(2, counter(r, SyncCounters.WRITES_RETRIED));
      // The backoff is 1 s, doubling, capped at withRetries' second argument (1 s here).
      assertTrue(es.millisBetween(1, 2) >= 1000, () -> "round 2 after " + es.millisBetween(1, 2) + " ms");
      assertTrue(es.millisBetween(2, 3) >= 1000, () -> "round 3 after " + es.millisBetween(2, 3) + " ms");
    }
  }

  @Test
  void theBackoffDoublesFromOneSecondUpToItsCap() {
    assertEquals(1_000, BulkSession.backoffMillis(2, 120));
    assertEquals(2_000, BulkSession.backoffMillis(3, 120));
    assertEquals(4_000, BulkSession.backoffMillis(4, 120));
    assertEquals(64_000, BulkSession.backoffMillis(8, 120));
    assertEquals(120_000, BulkSession.backoffMillis(9, 120));
    assertEquals(5_000, BulkSession.backoffMillis(5, 5));
    assertEquals(120_000, BulkSession.backoffMillis(1_000, 120), "no overflow however many rounds");
  }

  /** A request of one entry refused as too large: sending it alone again cannot help. */
  @Test
  void anEntryRefusedAsTooLargeWhenAloneIsFinalAtOnce() throws Exception {
    try (FakeBulkEndpoint es = new FakeBulkEndpoint(0, 200, 20_000)) {
      PipelineResult r = write(es, List.of(doc("thirty-kb", 30_000)),
          BulkSettings.defaults().withStatefulBatches(false).withMaxBatchBytes(100_000).withRetries(3, 1),
          List.of("thirty-kb"));
      assertEquals(1, es.requests());
      assertEquals(1, counter(r, SyncCounters.FAILED));
      assertEquals(0, counter(r, SyncCounters.WRITES_RETRIED));
    }
  }

  /**
   * A batch per bundle retries in rounds of its own, not in steps of the pipeline: one writing
   * step, whatever the number of attempts (on Flink each step is tasks to start on every sync).
   */
  @Test
  void aBatchPerBundleWritesInOneStepWhateverTheAttempts() {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    p.apply(Create.of(List.of(doc("x", 1))).withCoder(StringUtf8Coder.of()))
        .apply(WriteToIndex.to(ElasticsearchConnection.of("http://127.0.0.1:9", "fake"))
            .withSettings(BulkSettings.defaults().withStatefulBatches(false).withRetries(5, 1)));
    List<String> steps = new ArrayList<>();
    p.traverseTopologically(new Pipeline.PipelineVisitor.Defaults() {
      @Override
      public void visitPrimitiveTransform(org.apache.beam.sdk.runners.TransformHierarchy.Node node) {
        if (node.getFullName().startsWith("WriteToIndex/")) {
          steps.add(node.getFullName());
        }
      }
    });
    assertEquals(List.of("WriteToIndex/ToBulk/ParMultiDo(ToBulkEntry)", "WriteToIndex/Write/ParMultiDo(AsyncBulk)"), steps);
  }

  @ParameterizedTest(name = "stateful batches: {0}")
  @ValueSource(booleans = {true, false})
  void aSourceFieldNamedLikeTheDeleteMarkerStaysADocument(boolean stateful) throws Exception {
    try (FakeBulkEndpoint es = new FakeBulkEndpoint(0, 200, Long.MAX_VALUE)) {
      String sneaky = JSON.createObjectNode().put("id", "row").put("_token", "#f").put("__bc_delete", true).toString();
      PipelineResult r = write(es, List.of(sneaky), BulkSettings.defaults().withStatefulBatches(stateful), List.of());
      assertEquals(List.of("row"), es.indexed);
      assertEquals(List.of(), es.deleted);
      assertEquals(1, counter(r, SyncCounters.INDEXED_OK));
    }
  }

  @Test
  void aBatchPerBundleKeepsSeveralRequestsInFlightFromOneThread() throws Exception {
    // One runner thread: only the writer itself can have two requests out at once.
    try (FakeBulkEndpoint es = new FakeBulkEndpoint(0, 200, Long.MAX_VALUE)) {
      es.delayAnswers(150);
      List<String> ops = docs("p", 30, 10);
      BulkSettings settings = BulkSettings.defaults().withStatefulBatches(false).withMaxBatchSize(2)
          .withMaxParallelRequests(3);
      PipelineResult r = writeInOneBundle(es, ops, settings, List.of());
      assertEquals(30, new HashSet<>(es.indexed).size());
      assertEquals(30, counter(r, SyncCounters.INDEXED_OK));
      assertTrue(es.mostAtOnce() >= 2 && es.mostAtOnce() <= 3, () -> "requests at once: " + es.mostAtOnce());
    }
  }

  @Test
  void moreRequestsInFlightThanTheRestClientsDefaultPoolAreAllSent() throws Exception {
    // The REST client keeps 10 connections to a node unless told otherwise and queues the rest:
    // asked for 14 requests at once, the writer must get 14 out, not 10.
    try (FakeBulkEndpoint es = new FakeBulkEndpoint(0, 200, Long.MAX_VALUE)) {
      es.delayAnswers(400);
      BulkSettings settings = BulkSettings.defaults().withStatefulBatches(false).withMaxBatchSize(1)
          .withMaxParallelRequests(14);
      PipelineResult r = writeInOneBundle(es, docs("q", 56, 10), settings, List.of());
      assertEquals(56, new HashSet<>(es.indexed).size());
      assertEquals(56, counter(r, SyncCounters.INDEXED_OK));
      assertTrue(es.mostAtOnce() > 10 && es.mostAtOnce() <= 14, () -> "requests at once: " + es.mostAtOnce());
    }
  }

  @Test
  void eachEntryGetsItsOwnItemFromTheBulkResponse() throws Exception {
    String response = "{\"took\":3,\"errors\":true,\"extra\":{\"items\":[1]},\"items\":["
        + "{\"index\":{\"_id\":\"a\",\"status\":201}},"
        + "{\"index\":{\"_id\":\"b\",\"status\":400,\"error\":{\"type\":\"mapper_parsing_exception\",\"reason\":\"x\"}}},"
        + "{\"delete\":{\"_id\":\"c\",\"status\":404,\"result\":\"not_found\"}}]}";
    String[] f = BulkSession.itemFailures(new java.io.ByteArrayInputStream(response.getBytes(StandardCharsets.UTF_8)), 4);
    assertEquals(null, f[0]);
    assertEquals("mapper_parsing_exception: x", WriteToIndex.reasonOf(f[1]));
    assertEquals(WriteToIndex.FailureKind.PERMANENT, WriteToIndex.classify(f[1]));
    assertEquals(null, f[2], "a delete of an id the index does not hold is not a failure");
    assertTrue(f[3].contains("3 items for 4 operations"), f[3]);
    assertEquals(WriteToIndex.FailureKind.RETRY, WriteToIndex.classify(f[3]));
  }

  @Test
  void aResponseWithoutErrorsIsOnlyCountedAndAShortOneStillFailsItsLastEntries() throws Exception {
    // The shape Elasticsearch sends for RESPONSE_FILTER: per item its status only.
    String ok = "{\"errors\":false,\"items\":[{\"index\":{\"status\":201}},{\"delete\":{\"status\":404}},"
        + "{\"index\":{\"status\":200}}]}";
    String[] f = BulkSession.itemFailures(new java.io.ByteArrayInputStream(ok.getBytes(StandardCharsets.UTF_8)), 3);
    assertEquals(java.util.Arrays.asList(null, null, null), java.util.Arrays.asList(f));
    String[] shortOne = BulkSession.itemFailures(new java.io.ByteArrayInputStream(ok.getBytes(StandardCharsets.UTF_8)), 5);
    assertEquals(null, shortOne[2]);
    assertTrue(shortOne[3].contains("3 items for 5 operations"), shortOne[3]);
    assertTrue(shortOne[4].contains("3 items for 5 operations"), shortOne[4]);
    // "errors" after the items (not what Elasticsearch sends, but valid JSON): every item is read.
    String late = "{\"items\":[{\"index\":{\"status\":201}},{\"index\":{\"status\":400,\"error\":{\"type\":\"x\","
        + "\"reason\":\"y\"}}}],\"errors\":true}";
    String[] l = BulkSession.itemFailures(new java.io.ByteArrayInputStream(late.getBytes(StandardCharsets.UTF_8)), 2);
    assertEquals(null, l[0]);
    assertEquals("x: y", WriteToIndex.reasonOf(l[1]));
  }

  @Test
  void documentBytesAreTheSentBytesOfTheDocumentLine() {
    String action = "{\"index\":{\"_id\":\"\u00e9\"}}\n";
    for (String doc : List.of("{}", "{\"v\":\"\u00e9\ud83d\ude00\"}", "{\"v\":\"" + "x".repeat(5000) + "\"}",
        "{\"lone\":\"\ud800\"}")) {
      String entry = action + doc + "\n";
      long sent = doc.getBytes(StandardCharsets.UTF_8).length;
      assertEquals(sent, WriteToIndex.documentBytes(entry), doc);
      assertEquals(sent, BulkSession.documentBytes(entry.getBytes(StandardCharsets.UTF_8)), doc);
    }
    assertEquals(0, BulkSession.documentBytes("{\"delete\":{\"_id\":\"a\"}}\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals(0, BulkSession.documentBytes(new byte[0]));
  }

  @Test
  void bulkEntriesCarryTheIdFromTheOperationsHeadAndCountDocumentBytes() throws Exception {
    String id = "a\"b/\u00e9\n\ud83d\ude00";
    SourceRecord r = SourceRecord.of(id, "t", Scope.of("s"), "{\"v\":\"\u00e9\ud83d\ude00\",\"n\":12.50}");
    String op = IndexOperations.indexJson(r, "2024-01-01T00:00:00+00:00");
    ElasticsearchIO.Document index = WriteToIndex.toBulk(op, org.joda.time.Instant.EPOCH);
    assertEquals("{\"index\":{\"_id\":" + JSON.writeValueAsString(id) + "}}\n" + op + "\n", index.getBulkDirective());
    assertEquals(id, index.getInputDoc());
    assertEquals("index", WriteToIndex.actionOf(index.getBulkDirective()));
    assertEquals(op.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, WriteToIndex.documentBytes(index.getBulkDirective()));
    ElasticsearchIO.Document delete = WriteToIndex.toBulk(IndexOperations.deleteJson(id), org.joda.time.Instant.EPOCH);
    assertEquals("{\"delete\":{\"_id\":" + JSON.writeValueAsString(id) + "}}\n", delete.getBulkDirective());
    assertTrue(WriteToIndex.isDelete(delete));
    // Each entry is the JSON the bulk API reads: the action line parses back to the same id.
    assertEquals(id, JSON.readTree(index.getBulkDirective().split("\n")[0]).path("index").path("_id").asText());
    assertThrows(IllegalArgumentException.class, () -> WriteToIndex.toBulk("{\"other\":1,\"id\":\"x\"}", org.joda.time.Instant.EPOCH));
  }

  @Test
  void failuresAreClassifiedByStatus() {
    assertEquals(WriteToIndex.FailureKind.RETRY, WriteToIndex.classify("{\"index\":{\"status\":429,\"error\":{}}}"));
    assertEquals(WriteToIndex.FailureKind.PERMANENT, WriteToIndex.classify("{\"index\":{\"status\":400,\"error\":{}}}"));
    assertEquals(WriteToIndex.FailureKind.RETRY, WriteToIndex.classify(
        "{\"message\":\"org.elasticsearch.client.ResponseException was thrown in batch flush: method [POST], host [h], "
            + "URI [/i/_bulk], status line [HTTP/1.1 503 Service Unavailable]\n{\"error\":\"x\"}\"}"));
    assertEquals(WriteToIndex.FailureKind.RETRY_ALONE, WriteToIndex.classify(
        "{\"message\":\"... status line [HTTP/1.1 413 Request Entity Too Large]\"}"));
    assertEquals(WriteToIndex.FailureKind.RETRY, WriteToIndex.classify("{\"message\":\"Connection refused\"}"));
  }

  @Test
  void aRefusedEntryOverTheByteCapIsFinalWhicheverLaneItCameFrom() {
    String tooLarge = "{\"message\":\"... status line [HTTP/1.1 413 Request Entity Too Large]\"}";
    String big = "{\"index\":{\"_id\":\"b\"}}\n{\"pad\":\"" + "é".repeat(600) + "\"}\n";
    String small = "{\"index\":{\"_id\":\"s\"}}\n{\"pad\":\"x\"}\n";
    long cap = 1_000; // big: 1,233 UTF-8 bytes in only 633 chars; small: 34 bytes
    assertEquals(WriteToIndex.FailureKind.PERMANENT, WriteToIndex.kindOf(tooLarge, big, false, cap));
    assertEquals(WriteToIndex.FailureKind.PERMANENT, WriteToIndex.kindOf(tooLarge, small, true, cap));
    assertEquals(WriteToIndex.FailureKind.RETRY_ALONE, WriteToIndex.kindOf(tooLarge, small, false, cap));
    assertEquals(WriteToIndex.FailureKind.RETRY, WriteToIndex.kindOf("{\"index\":{\"status\":429}}", big, false, cap));
  }

  @Test
  void reasonIsReadFromTheBulkItem() {
    String item = "{\"index\":{\"_id\":\"x\",\"status\":400,\"error\":{\"type\":\"mapper_parsing_exception\","
        + "\"reason\":\"failed to parse field [age]\"}}}";
    assertEquals("mapper_parsing_exception: failed to parse field [age]", WriteToIndex.reasonOf(item));
  }

  @Test
  void anUnparsableItemStillGivesAReasonInsteadOfFailingTheSync() {
    String r = WriteToIndex.reasonOf("{\"index\":{\"error\":\"bad\nraw\"");
    assertTrue(r.contains("bad raw"), r);
    assertEquals("no response item", WriteToIndex.reasonOf(null));
  }
}
