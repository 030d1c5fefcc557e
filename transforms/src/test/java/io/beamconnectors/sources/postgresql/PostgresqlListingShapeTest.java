package io.beamconnectors.sources.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.sources.SourceListing;
import io.beamconnectors.sources.database.DatabaseListing;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The step that reads a database's rows has one output, its records, with its issues among them,
 * on the DirectRunner and on a distributed runner (the pipeline is only built, never run: no
 * server). On Flink's batch runner a step of two outputs is never fused with the step after it,
 * so every row would be encoded and decoded once more to reach the step that decides it.
 */
class PostgresqlListingShapeTest {

  /** Stands for any runner but the DirectRunner: never run. */
  public static final class DistributedRunner extends PipelineRunner<PipelineResult> {
    public static DistributedRunner fromOptions(PipelineOptions options) {
      return new DistributedRunner();
    }

    @Override
    public PipelineResult run(Pipeline pipeline) {
      throw new UnsupportedOperationException("only built, never run");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"DirectRunner", "DistributedRunner"})
  void theRowsComeFromAStepOfOneOutput(String runner) {
    PipelineOptions options = PipelineOptionsFactory.create();
    options.setRunner(runner.equals("DirectRunner") ? org.apache.beam.runners.direct.DirectRunner.class : DistributedRunner.class);
    Pipeline p = Pipeline.create(options);
    PCollection<?> records = p.apply(DatabaseListing.of(new PostgresqlDialect(), new PostgresqlConnector().configuration(
        Map.of("host", "127.0.0.1", "port", "5432", "username", "u", "password", "p", "database", "d"))))
        .get(SourceListing.RECORDS);
    List<String> producers = new ArrayList<>();
    p.traverseTopologically(new Pipeline.PipelineVisitor.Defaults() {
      @Override
      public void visitPrimitiveTransform(TransformHierarchy.Node node) {
        if (node.getOutputs().containsValue(records)) {
          producers.add(node.getFullName() + " " + node.getOutputs().size());
        }
      }
    });
    String reader = runner.equals("DirectRunner") ? "ReadChunksInTurn" : "ReadChunk";
    assertEquals(1, producers.size(), producers::toString);
    assertTrue(producers.get(0).contains("/ReadTables/" + reader + "/"), producers::toString);
    assertTrue(producers.get(0).endsWith(" 1"), "the reader has one output: " + producers);
  }
}
