package io.beamconnectors.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import io.beamconnectors.elasticsearch.IndexedState;
import io.beamconnectors.elasticsearch.StoredToken;
import io.beamconnectors.metrics.CounterTotals;
import io.beamconnectors.metrics.SyncCounters;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.ListingIssueCoder;
import io.beamconnectors.sources.Scope;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.SourceRecordCoder;
import io.beamconnectors.sources.database.RowFieldsCoder;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The one decision suite both join strategies must pass: the same upserts (by id and content),
 * deletes, duplicate issues and counters for the same input.
 */
class ReconcileTest {

  private static SourceRecord record(String id, String token, String scope) {
    return record(id, token, scope, "{}");
  }

  private static SourceRecord record(String id, String token, String scope, String fields) {
    return SourceRecord.of(id, token, Scope.parse(scope), fields);
  }

  /** What the index holds after an earlier sync wrote {@code r}. */
  private static KV<String, IndexedState> indexed(SourceRecord r) {
    return KV.of(r.id(), new IndexedState(StoredToken.of(r), r.scope()));
  }

  private static KV<String, IndexedState> indexed(String id, String token, String scope) {
    return KV.of(id, new IndexedState(token, scope));
  }

  /** The input and what must come out of it. */
  private static final class Case {
    final List<SourceRecord> source = new ArrayList<>();
    final List<KV<String, IndexedState>> index = new ArrayList<>();
    final List<ListingIssue> issues = new ArrayList<>();
    final List<String> upserts = new ArrayList<>();
    final List<String> deletes = new ArrayList<>();
    final List<ListingIssue> duplicates = new ArrayList<>();
    /** Issues the reader sends among its records ({@link SourceRecord#issue}), after them. */
    final List<ListingIssue> inRecords = new ArrayList<>();
  }

  /**
   * Each join strategy, and the in-memory one for a source that promises to list each id once
   * (records decided as they arrive): all must give the same decisions.
   */
  enum Mode {
    SHUFFLE(JoinStrategy.SHUFFLE, false),
    SIDE_INPUT(JoinStrategy.SIDE_INPUT, false),
    SIDE_INPUT_AS_LISTED(JoinStrategy.SIDE_INPUT, true);

    final JoinStrategy strategy;
    final boolean idsListedOnce;

    Mode(JoinStrategy strategy, boolean idsListedOnce) {
      this.strategy = strategy;
      this.idsListedOnce = idsListedOnce;
    }
  }

  private static PipelineResult run(Mode mode, Case c) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    List<SourceRecord> stream = new ArrayList<>(c.source);
    c.inRecords.forEach(i -> stream.add(SourceRecord.issue(i)));
    PCollection<SourceRecord> s = p.apply("Source", Create.of(stream).withCoder(SourceRecordCoder.of()));
    PCollection<KV<String, IndexedState>> e = p.apply("Index", Create.of(c.index)
        .withCoder(KvCoder.of(StringUtf8Coder.of(), IndexedState.Coder.of())));
    PCollection<ListingIssue> i = p.apply("Issues", Create.of(c.issues).withCoder(ListingIssueCoder.of()));
    PCollectionTuple out = s.apply(Reconcile.against(e, i).withStrategy(mode.strategy).withIdsListedOnce(mode.idsListedOnce));
    // Upserts are compared by id and fields, so the duplicate winner is checked too.
    PAssert.that(out.get(Reconcile.UPSERTS)
            .apply(MapElements.into(TypeDescriptors.strings()).via((SourceRecord r) -> r.id() + " " + r.fieldsJson())))
        .containsInAnyOrder(c.upserts);
    PAssert.that(out.get(Reconcile.DELETES)).containsInAnyOrder(c.deletes);
    PAssert.that(out.get(Reconcile.DUPLICATES)).containsInAnyOrder(c.duplicates);
    PAssert.that(out.get(Reconcile.ISSUES_IN_RECORDS)).containsInAnyOrder(c.inRecords);
    PipelineResult r = p.run();
    r.waitUntilFinish();
    return r;
  }

  static long counter(PipelineResult r, String name) {
    return CounterTotals.of(r, SyncCounters.NAMESPACE, name);
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void decidesCreateUpdateUnchangedDelete(Mode strategy) {
    Case c = new Case();
    SourceRecord same = record("same", "t3", "s");
    c.source.addAll(List.of(record("new", "t1", "s"), record("changed", "t2", "s"), same));
    c.index.addAll(List.of(indexed("changed", "old", "s"), indexed(same), indexed("gone", "t4", "s")));
    c.upserts.addAll(List.of("new {}", "changed {}"));
    c.deletes.add("gone");
    PipelineResult r = run(strategy, c);
    assertEquals(1, counter(r, SyncCounters.CREATED));
    assertEquals(1, counter(r, SyncCounters.UPDATED));
    assertEquals(1, counter(r, SyncCounters.UNCHANGED));
    assertEquals(1, counter(r, SyncCounters.DELETED));
    assertEquals(3, counter(r, SyncCounters.LISTED));
    assertEquals(0, counter(r, SyncCounters.DUPLICATE_IDS));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aChangeOfFieldsOrScopeUnderTheSameSourceTokenIsAnUpdate(Mode strategy) {
    Case c = new Case();
    SourceRecord before = record("moved", "mtime-1", "share/old", "{\"path\":\"old/f.txt\"}");
    SourceRecord owner = record("owner", "mtime-2", "share/a", "{\"owner\":\"ann\"}");
    c.source.add(record("moved", "mtime-1", "share/new/old", "{\"path\":\"new/old/f.txt\"}"));
    c.source.add(record("owner", "mtime-2", "share/a", "{\"owner\":\"bob\"}"));
    c.index.addAll(List.of(indexed(before), indexed(owner)));
    c.upserts.addAll(List.of("moved {\"path\":\"new/old/f.txt\"}", "owner {\"owner\":\"bob\"}"));
    PipelineResult r = run(strategy, c);
    assertEquals(2, counter(r, SyncCounters.UPDATED));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aContentFailureMarkedForRetryIsFetchedAgain(Mode strategy) {
    Case c = new Case();
    c.source.add(record("flaky", "t", "s"));
    c.index.add(indexed("flaky", StoredToken.RETRY, "s"));
    c.upserts.add("flaky {}");
    assertEquals(1, counter(run(strategy, c), SyncCounters.UPDATED));
  }

  @ParameterizedTest
  @EnumSource(value = Mode.class, names = {"SHUFFLE", "SIDE_INPUT"})
  void duplicateIdsHaveOneDeterministicWinnerAndBlockTheirScopes(Mode strategy) {
    Case c = new Case();
    // Three items share one id across two scopes; "a" sorts first by stored token.
    SourceRecord a = record("dup", "a", "t/x", "{\"v\":1}");
    SourceRecord b = record("dup", "b", "t/x", "{\"v\":2}");
    SourceRecord other = record("dup", "c", "t/y", "{\"v\":3}");
    String winner = StoredToken.of(a).compareTo(StoredToken.of(b)) < 0 && StoredToken.of(a).compareTo(StoredToken.of(other)) < 0
        ? "dup {\"v\":1}" : null;
    assertEquals("dup {\"v\":1}", winner, "the test relies on the token order");
    c.source.addAll(List.of(other, b, a, record("single", "t", "t/x")));
    c.index.addAll(List.of(indexed("gone-x", "t", "t/x"), indexed("gone-y", "t", "t/y"), indexed("gone-z", "t", "t/z")));
    c.upserts.addAll(List.of(winner, "single {}"));
    // Deletes under the duplicates' scopes are held back; t/z was not listed, so it is kept too.
    c.duplicates.addAll(DuplicateIds.issues(List.of(a, b, other)));
    PipelineResult r = run(strategy, c);
    assertEquals(4, counter(r, SyncCounters.LISTED));
    assertEquals(2, counter(r, SyncCounters.DUPLICATE_IDS));
    assertEquals(2, counter(r, SyncCounters.CREATED));
    assertEquals(3, counter(r, SyncCounters.DELETES_BLOCKED));
    assertEquals(0, counter(r, SyncCounters.DELETED));
    assertEquals(2, c.duplicates.size());
  }

  @ParameterizedTest
  @EnumSource(value = Mode.class, names = {"SHUFFLE", "SIDE_INPUT"})
  void aDuplicateWhoseWinnerIsIndexedIsUnchangedOnTheNextSync(Mode strategy) {
    Case c = new Case();
    SourceRecord a = record("dup", "a", "s", "{\"v\":1}");
    SourceRecord b = record("dup", "b", "s", "{\"v\":2}");
    c.source.addAll(List.of(b, a));
    c.index.add(indexed(a));
    c.duplicates.addAll(DuplicateIds.issues(List.of(a, b)));
    PipelineResult r = run(strategy, c);
    assertEquals(1, counter(r, SyncCounters.UNCHANGED));
    assertEquals(1, counter(r, SyncCounters.DUPLICATE_IDS));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void anEmptyIndexCreatesEverything(Mode strategy) {
    Case c = new Case();
    c.source.addAll(List.of(record("a", "", "s"), record("", "", "s")));
    c.upserts.addAll(List.of("a {}", " {}"));
    PipelineResult r = run(strategy, c);
    assertEquals(2, counter(r, SyncCounters.CREATED));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void anEmptyListingWithoutIssuesDeletesEverything(Mode strategy) {
    Case c = new Case();
    c.index.addAll(List.of(indexed("a", "t", "s"), indexed("b", "t", "")));
    c.deletes.addAll(List.of("a", "b"));
    assertEquals(2, counter(run(strategy, c), SyncCounters.DELETED));
  }

  /**
   * Alike whether the listing gave its issues on their own output or its reader sent them among
   * its records (as the database reader does): an issue among the records comes out on its own
   * and is neither listed nor decided.
   */
  @ParameterizedTest(name = "{0}, issues among the records {1}")
  @CsvSource({"SHUFFLE,false", "SIDE_INPUT,false", "SIDE_INPUT_AS_LISTED,false",
      "SHUFFLE,true", "SIDE_INPUT,true", "SIDE_INPUT_AS_LISTED,true"})
  void issuesBlockTheDeletesUnderTheirScopeAndOfScopesNotListed(Mode strategy, boolean amongRecords) {
    Case c = new Case();
    c.source.add(record("listed", "t", "bucket/c"));
    c.index.addAll(List.of(indexed("listed", "t", "bucket/c"),
        indexed("a1", "t", "bucket/a"), indexed("a2", "t", "bucket/a/deep"),
        indexed("b", "t", "bucket/b"),
        indexed("c-gone", "t", "bucket/c"),
        indexed("ab", "t", "bucket/ab"),
        indexed("legacy", "t", "")));
    List<ListingIssue> issues = amongRecords ? c.inRecords : c.issues;
    issues.add(ListingIssue.failed(Scope.parse("bucket/a"), "denied"));
    issues.add(ListingIssue.skipped(Scope.parse("bucket/b"), "no primary key"));
    c.upserts.add("listed {}");
    // Only c-gone may go: its scope was listed in this sync. "bucket/ab" is not under "bucket/a"
    // but was not listed (it might have moved under the failed part), "legacy" has no scope.
    c.deletes.add("c-gone");
    PipelineResult r = run(strategy, c);
    assertEquals(1, counter(r, SyncCounters.LISTED));
    assertEquals(5, counter(r, SyncCounters.DELETES_BLOCKED));
    assertEquals(1, counter(r, SyncCounters.DELETED));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void wholeSourceFailureBlocksEveryDelete(Mode strategy) {
    Case c = new Case();
    SourceRecord kept = record("kept", "t", "x");
    c.source.add(kept);
    c.index.addAll(List.of(indexed(kept), indexed("other", "t", "y"), indexed("legacy", "t", "")));
    c.issues.add(ListingIssue.failed(Scope.wholeSource(), "cannot connect"));
    PipelineResult r = run(strategy, c);
    assertEquals(2, counter(r, SyncCounters.DELETES_BLOCKED));
  }

  @Test
  void aBrokenPromiseToListEachIdOnceIsReportedAndHoldsBackEveryDelete() {
    Case c = new Case();
    SourceRecord a = record("dup", "a", "t/x", "{\"v\":1}");
    SourceRecord b = record("dup", "b", "t/y", "{\"v\":2}");
    c.source.addAll(List.of(a, b, record("single", "t", "t/x")));
    c.index.addAll(List.of(indexed("gone", "t", "t/x"), indexed("dup", "old", "t/x")));
    // Both copies were decided as they came (which one the index keeps is not defined).
    c.upserts.addAll(List.of("dup {\"v\":1}", "dup {\"v\":2}", "single {}"));
    c.duplicates.add(ListingIssue.duplicate(Scope.wholeSource(), "1 listed items repeat an id (e.g. 'dup') although the"
        + " source promises to list each id once; which copy is indexed is not defined and every delete is held back:"
        + " report this as a bug of the source"));
    PipelineResult r = run(Mode.SIDE_INPUT_AS_LISTED, c);
    assertEquals(3, counter(r, SyncCounters.LISTED));
    assertEquals(1, counter(r, SyncCounters.DUPLICATE_IDS));
    assertEquals(1, counter(r, SyncCounters.DELETES_BLOCKED));
    assertEquals(0, counter(r, SyncCounters.DELETED));
  }

  /**
   * Records keep the coder their listing gave them until they are decided (a database's rows
   * travel as values, see RowFieldsCoder), and the ones to write go on as JSON, written once: a
   * record of a listing falls back to JSON nowhere else.
   */
  @ParameterizedTest(name = "{0}, lookups {1}")
  @CsvSource({"SHUFFLE,false", "SIDE_INPUT,false", "SIDE_INPUT_AS_LISTED,false", "SHUFFLE,true", "SIDE_INPUT_AS_LISTED,true"})
  void recordsKeepTheListingsCoderUntilDecidedThenGoAsJson(Mode mode, boolean lookups) {
    Coder<SourceRecord> listingCoder = SourceRecordCoder.withDeferredFields(RowFieldsCoder.of());
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    PCollection<SourceRecord> s = p.apply("Source", Create.of(List.of(record("a", "t", "t/x"))).withCoder(listingCoder));
    PCollection<KV<String, IndexedState>> e = p.apply("Index", Create.of(List.of(indexed("b", "t", "t/x")))
        .withCoder(KvCoder.of(StringUtf8Coder.of(), IndexedState.Coder.of())));
    PCollection<ListingIssue> i = p.apply("Issues", Create.empty(ListingIssueCoder.of()));
    Reconcile reconcile = Reconcile.against(e, i).withStrategy(mode.strategy).withIdsListedOnce(mode.idsListedOnce || lookups);
    PCollectionTuple out = s.apply(lookups ? reconcile.withLookups(ElasticsearchConnection.of("http://127.0.0.1:9", "x")) : reconcile);
    PCollection<SourceRecord> upserts = out.get(Reconcile.UPSERTS);
    assertEquals(SourceRecordCoder.of(), upserts.getCoder());
    List<String> undecided = new ArrayList<>();
    p.traverseTopologically(new Pipeline.PipelineVisitor.Defaults() {
      @Override
      public void visitValue(PValue value, TransformHierarchy.Node producer) {
        if (value instanceof PCollection<?> c) {
          Coder<?> coder = c.getCoder() instanceof KvCoder<?, ?> kv ? kv.getValueCoder() : c.getCoder();
          if (coder instanceof SourceRecordCoder && !coder.equals(SourceRecordCoder.of())) {
            undecided.add(c.getName());
            assertEquals(listingCoder, coder, c.getName());
          } else if (coder instanceof SourceRecordCoder) {
            // Only what the decision steps give out as records to write.
            assertTrue(c.getName().contains("Decide") || c.getName().contains("Upserts"), c.getName());
          }
        }
      }
    });
    assertTrue(undecided.contains(s.getName()), undecided::toString);
  }

  @Test
  void autoPicksTheInMemoryJoinOnlyOnTheDirectRunner() {
    assertEquals(JoinStrategy.SIDE_INPUT, JoinStrategy.AUTO.resolve("DirectRunner"));
    assertEquals(JoinStrategy.SHUFFLE, JoinStrategy.AUTO.resolve("FlinkRunner"));
    assertEquals(JoinStrategy.SHUFFLE, JoinStrategy.SHUFFLE.resolve("DirectRunner"));
  }
}
