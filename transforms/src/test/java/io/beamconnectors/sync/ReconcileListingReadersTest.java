package io.beamconnectors.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import io.beamconnectors.elasticsearch.ReadIndexState;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.ListingIssueCoder;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.SourceRecordCoder;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * How many steps read the listed records under the lookup join (the pipeline is only built, never
 * run: no server). One: on Flink's batch runner each further reader is one more encoded copy of
 * every record, so the scopes and ids are tallied by the step that decides the records.
 */
class ReconcileListingReadersTest {
  private static final ElasticsearchConnection ES = ElasticsearchConnection.of("http://127.0.0.1:9", "search-x");

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = JoinStrategy.class, names = {"SHUFFLE", "SIDE_INPUT"})
  void theLookupJoinReadsTheListingOnce(JoinStrategy strategy) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    PCollection<SourceRecord> listing = p.apply("Listing", Create.empty(SourceRecordCoder.of()));
    PCollection<ListingIssue> issues = p.apply("Issues", Create.empty(ListingIssueCoder.of()));
    listing.apply("Reconcile", Reconcile.againstIndex(ReadIndexState.of(ES), issues)
        .withStrategy(strategy)
        .withIdsListedOnce(true)
        .withLookups(ES));
    List<String> readers = new ArrayList<>();
    p.traverseTopologically(new Pipeline.PipelineVisitor.Defaults() {
      @Override
      public void visitPrimitiveTransform(TransformHierarchy.Node node) {
        if (node.getInputs().containsValue(listing)) {
          readers.add(node.getFullName());
        }
      }
    });
    assertEquals(List.of("Reconcile/DecideByLookup"), readers);
  }
}
