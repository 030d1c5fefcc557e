package io.beamconnectors.sync;

import io.beamconnectors.elasticsearch.IndexedState;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.ListingIssueCoder;
import io.beamconnectors.sources.Scope;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.SourceRecordCoder;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReconcileTest {

  private static SourceRecord record(String id, String token, String scope) {
    return SourceRecord.of(id, token, Scope.parse(scope), "{}");
  }

  private static PipelineResult run(JoinStrategy strategy, List<KV<String, SourceRecord>> source, List<KV<String, IndexedState>> index,
      List<ListingIssue> issues, List<String> expectedUpserts, List<String> expectedDeletes) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    PCollection<SourceRecord> s = p.apply("Source", Create.of(source.stream().map(KV::getValue).toList())
        .withCoder(SourceRecordCoder.of()));
    PCollection<KV<String, IndexedState>> e = p.apply("Index", Create.of(index)
        .withCoder(KvCoder.of(StringUtf8Coder.of(), IndexedState.Coder.of())));
    PCollection<ListingIssue> i = p.apply("Issues", Create.of(issues).withCoder(ListingIssueCoder.of()));
    PCollectionTuple out = s.apply(Reconcile.against(e, i).withStrategy(strategy));
    PAssert.that(out.get(Reconcile.UPSERTS).apply(MapElements.into(TypeDescriptors.strings()).via(SourceRecord::id)))
        .containsInAnyOrder(expectedUpserts);
    PAssert.that(out.get(Reconcile.DELETES)).containsInAnyOrder(expectedDeletes);
    PipelineResult r = p.run();
    r.waitUntilFinish();
    return r;
  }

  private static long counter(PipelineResult r, String name) {
    return r.metrics().queryMetrics(MetricsFilter.builder()
            .addNameFilter(MetricNameFilter.named(SyncCounters.NAMESPACE, name)).build())
        .getCounters().iterator().next().getAttempted();
  }

  @ParameterizedTest
  @EnumSource(value = JoinStrategy.class, names = {"SHUFFLE", "SIDE_INPUT"})
  void decidesCreateUpdateUnchangedDelete(JoinStrategy strategy) {
    PipelineResult r = run(strategy,
        List.of(KV.of("new", record("new", "t1", "s")), KV.of("changed", record("changed", "t2", "s")),
            KV.of("same", record("same", "t3", "s"))),
        List.of(KV.of("changed", new IndexedState("old", "s")), KV.of("same", new IndexedState("t3", "s")),
            KV.of("gone", new IndexedState("t4", "s"))),
        List.of(),
        List.of("new", "changed"), List.of("gone"));
    assertEquals(1, counter(r, SyncCounters.CREATED));
    assertEquals(1, counter(r, SyncCounters.UPDATED));
    assertEquals(1, counter(r, SyncCounters.UNCHANGED));
    assertEquals(1, counter(r, SyncCounters.DELETED));
    assertEquals(3, counter(r, SyncCounters.LISTED));
  }

  @ParameterizedTest
  @EnumSource(value = JoinStrategy.class, names = {"SHUFFLE", "SIDE_INPUT"})
  void failedScopeBlocksOnlyTheDeletesUnderIt(JoinStrategy strategy) {
    PipelineResult r = run(strategy,
        List.of(),
        List.of(KV.of("a1", new IndexedState("t", "bucket/a")), KV.of("a2", new IndexedState("t", "bucket/a/deep")),
            KV.of("ab", new IndexedState("t", "bucket/ab")), KV.of("b", new IndexedState("t", "bucket/b"))),
        List.of(ListingIssue.failed(Scope.parse("bucket/a"), "denied"),
            ListingIssue.skipped(Scope.parse("bucket/b"), "no primary key")),
        List.of(), List.of("ab", "b"));
    assertEquals(2, counter(r, SyncCounters.DELETES_BLOCKED));
  }

  @ParameterizedTest
  @EnumSource(value = JoinStrategy.class, names = {"SHUFFLE", "SIDE_INPUT"})
  void wholeSourceFailureBlocksEveryDelete(JoinStrategy strategy) {
    PipelineResult r = run(strategy,
        List.of(KV.of("kept", record("kept", "t", "x"))),
        List.of(KV.of("kept", new IndexedState("t", "x")), KV.of("other", new IndexedState("t", "y")),
            KV.of("legacy", new IndexedState("t", ""))),
        List.of(ListingIssue.failed(Scope.wholeSource(), "cannot connect")),
        List.of(), List.of());
    assertEquals(2, counter(r, SyncCounters.DELETES_BLOCKED));
  }

  @ParameterizedTest
  @EnumSource(value = JoinStrategy.class, names = {"SHUFFLE", "SIDE_INPUT"})
  void nothingIsDeletedWhenTheIndexIsEmptyOrEverythingIsListed(JoinStrategy strategy) {
    run(strategy,
        List.of(KV.of("a", record("a", "t", "s")), KV.of("b", record("b", "t", "s"))),
        List.of(KV.of("a", new IndexedState("t", "s")), KV.of("b", new IndexedState("old", "s"))),
        List.of(),
        List.of("b"), List.of());
  }

  @org.junit.jupiter.api.Test
  void autoPicksTheInMemoryJoinOnlyOnTheDirectRunner() {
    assertEquals(JoinStrategy.SIDE_INPUT, JoinStrategy.AUTO.resolve("DirectRunner"));
    assertEquals(JoinStrategy.SHUFFLE, JoinStrategy.AUTO.resolve("FlinkRunner"));
    assertEquals(JoinStrategy.SHUFFLE, JoinStrategy.SHUFFLE.resolve("DirectRunner"));
  }
}
