package io.beamconnectors.ftest.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import io.beamconnectors.elasticsearch.IndexFields;
import io.beamconnectors.elasticsearch.LookupKey;
import io.beamconnectors.elasticsearch.ReadIndexState;
import io.beamconnectors.elasticsearch.StoredToken;
import io.beamconnectors.ftest.support.ScratchIndex;
import io.beamconnectors.metrics.SyncCounters;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.ListingIssueCoder;
import io.beamconnectors.sources.Scope;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.SourceRecordCoder;
import io.beamconnectors.sync.JoinStrategy;
import io.beamconnectors.sync.Reconcile;
import io.beamconnectors.sync.SyncSummary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The decisions of a source that promises to list each id once, taken against the real
 * Elasticsearch: records decided by lookup as they are listed, and the delete candidates and the
 * promise's check found either in memory (the DirectRunner's join) or by shuffling ids alone (the
 * shuffle join of Flink and Dataflow). Both must decide alike, and every counter must say what
 * happened. The unit suite ({@code ReconcileTest}) covers the joins that need no index.
 */
class ReconcileByLookupFtest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INDEX = "ftest-reconcile-lookup";
  private ElasticsearchConnection connection;
  private RestClient client;
  private ScratchIndex scratch;

  /** How the ids meet the index state: in memory, or in a shuffle of ids. */
  enum Join {
    IN_MEMORY(JoinStrategy.SIDE_INPUT),
    SHUFFLED_IDS(JoinStrategy.SHUFFLE);

    final JoinStrategy strategy;

    Join(JoinStrategy strategy) {
      this.strategy = strategy;
    }
  }

  /** What is listed and indexed, and what must come out of it. */
  private static final class Case {
    final List<SourceRecord> source = new ArrayList<>();
    final List<ListingIssue> issues = new ArrayList<>();
    final List<String> upserts = new ArrayList<>();
    final List<String> deletes = new ArrayList<>();
    final List<ListingIssue> duplicates = new ArrayList<>();
    /** Issues the reader sends among its records ({@link SourceRecord#issue}), after them. */
    final List<ListingIssue> inRecords = new ArrayList<>();
    /** Listed as one bundle, as a table chunk's reader lists its rows, instead of split by the runner. */
    boolean oneBundle;
  }

  @BeforeEach
  void setUp() throws IOException {
    scratch = ScratchIndex.recreate(INDEX);
    connection = scratch.connection();
    client = scratch.client();
  }

  @AfterEach
  void tearDown() throws IOException {
    scratch.close();
  }

  private static SourceRecord record(String id, String token, String scope, String fields) {
    return SourceRecord.of(id, token, Scope.parse(scope), fields);
  }

  private static SourceRecord record(String id, String token, String scope) {
    return record(id, token, scope, "{}");
  }

  /** Indexes what an earlier sync wrote for {@code r}. */
  private void indexed(SourceRecord r) throws IOException {
    indexed(r.id(), StoredToken.of(r), r.scope());
  }

  private void indexed(String id, String token, String scope) throws IOException {
    Request put = new Request("PUT", "/" + INDEX + "/_doc/"
        + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
    put.addParameter("refresh", "true");
    put.setJsonEntity(JSON.createObjectNode().put("id", id).put("_token", token).put("_scope", scope).toString());
    client.performRequest(put);
  }

  private PipelineResult run(Join join, Case c, String... runnerArgs) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs(runnerArgs.length == 0
        ? new String[] {"--runner=DirectRunner"} : runnerArgs).create());
    List<SourceRecord> stream = new ArrayList<>(c.source);
    c.inRecords.forEach(i -> stream.add(SourceRecord.issue(i)));
    PCollection<SourceRecord> listing = c.oneBundle
        ? p.apply("Source", Create.of(List.of(stream)).withCoder(ListCoder.of(SourceRecordCoder.of())))
            .apply("OneBundle", FlatMapElements.into(TypeDescriptor.of(SourceRecord.class)).via((List<SourceRecord> all) -> all))
            .setCoder(SourceRecordCoder.of())
        : p.apply("Source", Create.of(stream).withCoder(SourceRecordCoder.of()));
    PCollection<ListingIssue> issues = p.apply("Issues", Create.of(c.issues).withCoder(ListingIssueCoder.of()));
    PCollectionTuple out = listing.apply(Reconcile.againstIndex(ReadIndexState.of(connection), issues)
        .withStrategy(join.strategy).withIdsListedOnce(true).withLookups(connection));
    PAssert.that(out.get(Reconcile.UPSERTS)
            .apply(MapElements.into(TypeDescriptors.strings()).via((SourceRecord r) -> r.id() + " " + r.fieldsJson())))
        .containsInAnyOrder(c.upserts);
    PAssert.that(out.get(Reconcile.DELETES)).containsInAnyOrder(c.deletes);
    PAssert.that(out.get(Reconcile.DUPLICATES)).containsInAnyOrder(c.duplicates);
    PAssert.that(out.get(Reconcile.ISSUES_IN_RECORDS)).containsInAnyOrder(c.inRecords);
    PipelineResult result = p.run();
    result.waitUntilFinish();
    return result;
  }

  private static long counter(PipelineResult r, String name) {
    return SyncSummary.from(r, 0).get(name);
  }

  /** Awkward ids: a zero, separators, unicode, and case twins that are two documents. */
  private Case createUpdateUnchangedDelete() throws IOException {
    Case c = new Case();
    SourceRecord same = record("é/ü 1", "t3", "s");
    c.source.addAll(List.of(record("0", "t1", "s"), record("A", "t2", "s", "{\"v\":2}"), same));
    indexed("A", "old", "s");
    indexed(same);
    indexed("a", "t4", "s");
    c.upserts.addAll(List.of("0 {}", "A {\"v\":2}"));
    c.deletes.add("a");
    return c;
  }

  private static void assertCreateUpdateUnchangedDelete(PipelineResult r) {
    assertEquals(3, counter(r, SyncCounters.LISTED));
    assertEquals(1, counter(r, SyncCounters.CREATED));
    assertEquals(1, counter(r, SyncCounters.UPDATED));
    assertEquals(1, counter(r, SyncCounters.UNCHANGED));
    assertEquals(1, counter(r, SyncCounters.DELETED));
    assertEquals(0, counter(r, SyncCounters.DELETES_BLOCKED));
    assertEquals(0, counter(r, SyncCounters.DUPLICATE_IDS));
    assertEquals(3, counter(r, SyncCounters.INDEX_STATE_READ), "one document was not found, so the index state is read");
  }

  @ParameterizedTest
  @EnumSource(Join.class)
  void decidesCreateUpdateUnchangedAndDelete(Join join) throws IOException {
    assertCreateUpdateUnchangedDelete(run(join, createUpdateUnchangedDelete()));
  }

  @Test
  void flinkDecidesAlikeWithTheShuffledIds() throws IOException {
    assertCreateUpdateUnchangedDelete(run(Join.SHUFFLED_IDS, createUpdateUnchangedDelete(),
        "--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=2"));
  }

  @ParameterizedTest
  @EnumSource(Join.class)
  void aBrokenPromiseToListEachIdOnceIsReportedAndHoldsBackEveryDelete(Join join) throws IOException {
    Case c = new Case();
    c.source.addAll(List.of(record("dup", "a", "t/x", "{\"v\":1}"), record("dup", "b", "t/y", "{\"v\":2}"),
        record("twice", "c", "t/x"), record("twice", "c", "t/x"), record("single", "t", "t/x")));
    indexed("gone", "t", "t/x");
    indexed("gone-too", "t", "t/z");
    indexed("dup", "old", "t/x");
    // Each copy was decided as it came (which one the index keeps is not defined).
    c.upserts.addAll(List.of("dup {\"v\":1}", "dup {\"v\":2}", "twice {}", "twice {}", "single {}"));
    c.duplicates.add(ListingIssue.duplicate(Scope.wholeSource(), "2 listed items repeat an id (e.g. 'dup') although the"
        + " source promises to list each id once; which copy is indexed is not defined and every delete is held back:"
        + " report this as a bug of the source"));
    PipelineResult r = run(join, c);
    assertEquals(5, counter(r, SyncCounters.LISTED));
    assertEquals(2, counter(r, SyncCounters.DUPLICATE_IDS));
    assertEquals(2, counter(r, SyncCounters.DELETES_BLOCKED));
    assertEquals(0, counter(r, SyncCounters.DELETED));
  }

  /**
   * Issues hold back deletes alike whether the listing gave them on its own output or its reader
   * sent them among its records (as the database reader does), which the lookup step routes.
   */
  @ParameterizedTest(name = "{0}, issues among the records {1}")
  @CsvSource({"IN_MEMORY,false", "SHUFFLED_IDS,false", "IN_MEMORY,true", "SHUFFLED_IDS,true"})
  void issuesHoldBackTheDeletesUnderTheirScopeAndOfScopesNotListed(Join join, boolean amongRecords) throws IOException {
    assertIssuesHoldBackDeletes(run(join, issuesCase(amongRecords)));
  }

  @Test
  void flinkRoutesTheIssuesSentAmongTheRecords() throws IOException {
    assertIssuesHoldBackDeletes(run(Join.SHUFFLED_IDS, issuesCase(true),
        "--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=2"));
  }

  private Case issuesCase(boolean amongRecords) throws IOException {
    Case c = new Case();
    SourceRecord listed = record("listed", "t", "bucket/c");
    c.source.add(listed);
    indexed(listed);
    indexed("a1", "t", "bucket/a");
    indexed("a2", "t", "bucket/a/deep");
    indexed("b", "t", "bucket/b");
    indexed("c-gone", "t", "bucket/c");
    indexed("ab", "t", "bucket/ab");
    List<ListingIssue> issues = amongRecords ? c.inRecords : c.issues;
    issues.add(ListingIssue.failed(Scope.parse("bucket/a"), "denied"));
    issues.add(ListingIssue.skipped(Scope.parse("bucket/b"), "no primary key"));
    c.deletes.add("c-gone");
    return c;
  }

  private static void assertIssuesHoldBackDeletes(PipelineResult r) {
    assertEquals(1, counter(r, SyncCounters.LISTED), "an issue is not a listed item");
    assertEquals(1, counter(r, SyncCounters.UNCHANGED));
    assertEquals(4, counter(r, SyncCounters.DELETES_BLOCKED));
    assertEquals(1, counter(r, SyncCounters.DELETED));
  }

  @ParameterizedTest
  @EnumSource(Join.class)
  void everyIndexedDocumentListedDeletesNothing(Join join) throws IOException {
    Case c = new Case();
    SourceRecord a = record("a", "t", "s");
    SourceRecord twin = record("A", "t", "s");
    c.source.addAll(List.of(a, twin, record("new", "t", "s")));
    indexed(a);
    indexed(twin);
    c.upserts.add("new {}");
    PipelineResult r = run(join, c);
    assertEquals(2, counter(r, SyncCounters.UNCHANGED));
    assertEquals(1, counter(r, SyncCounters.CREATED));
    assertEquals(0, counter(r, SyncCounters.DELETED));
    assertEquals(0, counter(r, SyncCounters.DELETES_BLOCKED));
    assertEquals(0, counter(r, SyncCounters.INDEX_STATE_READ), "every indexed document was found: nothing to read");
  }

  /**
   * More records in one bundle than three lookups hold (2,000 ids each, three in flight): batches
   * answered while later ones are still being filled, and a last partial batch at the bundle's end,
   * all decided.
   * Every third listed record changed, every seventh is new, and every eleventh indexed document
   * is no longer listed.
   */
  @ParameterizedTest
  @EnumSource(Join.class)
  void recordsOfManyLookupsInFlightAreEachDecidedOnce(Join join) throws IOException {
    Case c = new Case();
    c.oneBundle = true;
    StringBuilder bulk = new StringBuilder();
    int created = 0;
    int updated = 0;
    int unchanged = 0;
    int deleted = 0;
    for (int i = 0; i < 6_007; i++) {
      String id = "r-" + i;
      boolean isNew = i % 7 == 3;
      boolean changed = !isNew && i % 3 == 0;
      boolean gone = !isNew && !changed && i % 11 == 5;
      SourceRecord r = record(id, "t", "s", "{\"i\":" + i + "}");
      if (!gone) {
        c.source.add(r);
      }
      if (!isNew) {
        // As the engine writes documents, _lookup included: these lookups read it (the other cases
        // index documents without it, as versions before it did, and are read the older way).
        String token = changed ? "old" : StoredToken.of(r);
        bulk.append("{\"index\":{\"_id\":\"").append(id).append("\"}}\n")
            .append(JSON.createObjectNode().put("id", id).put("_token", token).put("_scope", "s")
                .put(IndexFields.LOOKUP, LookupKey.encode(id, token))).append('\n');
      }
      if (isNew || changed) {
        c.upserts.add(id + " {\"i\":" + i + "}");
      }
      if (gone) {
        c.deletes.add(id);
      }
      created += isNew ? 1 : 0;
      updated += changed ? 1 : 0;
      unchanged += !isNew && !changed && !gone ? 1 : 0;
      deleted += gone ? 1 : 0;
    }
    Request load = new Request("POST", "/" + INDEX + "/_bulk");
    load.addParameter("refresh", "true");
    load.setJsonEntity(bulk.toString());
    assertFalse(JSON.readTree(client.performRequest(load).getEntity().getContent()).path("errors").asBoolean(true));
    PipelineResult r = run(join, c);
    assertEquals(c.source.size(), counter(r, SyncCounters.LISTED));
    assertEquals(created, counter(r, SyncCounters.CREATED));
    assertEquals(updated, counter(r, SyncCounters.UPDATED));
    assertEquals(unchanged, counter(r, SyncCounters.UNCHANGED));
    assertEquals(deleted, counter(r, SyncCounters.DELETED));
    assertEquals(0, counter(r, SyncCounters.DELETES_BLOCKED));
  }

  @ParameterizedTest
  @EnumSource(Join.class)
  void anEmptyListingWithoutIssuesDeletesEverything(Join join) throws IOException {
    Case c = new Case();
    indexed("a", "t", "s");
    indexed("0", "t", "s/deep");
    c.deletes.addAll(List.of("a", "0"));
    assertEquals(2, counter(run(join, c), SyncCounters.DELETED));
  }
}
