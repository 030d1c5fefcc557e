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
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Which index-state read each join builds (the pipeline is only built, never run: no server). The
 * lookup join decided every record by lookup, so it reads no change tokens, the costliest doc
 * value; the joins that compare tokens read them.
 */
class ReconcileIndexReadTest {
  private static final ElasticsearchConnection ES = ElasticsearchConnection.of("http://127.0.0.1:9", "search-x");

  /** The {@code tokens} setting of every index-state read in the built pipeline. */
  private static List<Boolean> tokensOfEachRead(JoinStrategy strategy, boolean idsListedOnce, boolean lookups) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    PCollection<SourceRecord> listing = p.apply("Listing", Create.empty(SourceRecordCoder.of()));
    PCollection<ListingIssue> issues = p.apply("Issues", Create.empty(ListingIssueCoder.of()));
    Reconcile reconcile = Reconcile.againstIndex(ReadIndexState.of(ES), issues)
        .withStrategy(strategy)
        .withIdsListedOnce(idsListedOnce);
    listing.apply(lookups ? reconcile.withLookups(ES) : reconcile);
    List<Boolean> tokens = new ArrayList<>();
    p.traverseTopologically(new Pipeline.PipelineVisitor.Defaults() {
      @Override
      public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
        if (node.getTransform() instanceof ReadIndexState read) {
          for (DisplayData.Item item : DisplayData.from(read).items()) {
            if (item.getKey().equals("tokens")) {
              tokens.add((Boolean) item.getValue());
            }
          }
        }
        return CompositeBehavior.ENTER_TRANSFORM;
      }
    });
    return tokens;
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = JoinStrategy.class, names = {"SHUFFLE", "SIDE_INPUT"})
  void theLookupJoinReadsTheStateWithoutTokens(JoinStrategy strategy) {
    assertEquals(List.of(false), tokensOfEachRead(strategy, true, true));
  }

  @Test
  void theJoinsThatCompareTokensReadThem() {
    assertEquals(List.of(true), tokensOfEachRead(JoinStrategy.SHUFFLE, false, false));
    assertEquals(List.of(true), tokensOfEachRead(JoinStrategy.SIDE_INPUT, false, false));
    assertEquals(List.of(true), tokensOfEachRead(JoinStrategy.SIDE_INPUT, true, false));
    // Lookups only for a source that promises to list each id once: otherwise the tokens are compared.
    assertEquals(List.of(true), tokensOfEachRead(JoinStrategy.SHUFFLE, false, true));
  }
}
