package io.beamconnectors.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.SourceConnector;
import io.beamconnectors.sources.SourceRegistry;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.elasticsearch.ElasticsearchIO;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.junit.jupiter.api.Test;

/** Which bulk writer a full sync's first round uses, per runner and join. */
class FullSyncWriterTest {

  @Test
  void batchesCrossBundlesOnlyWhereTheRunnerStreamsAStatefulStep() {
    assertFalse(FullSync.batchesAcrossBundles("DirectRunner", true), "one machine: a batch per bundle");
    assertFalse(FullSync.batchesAcrossBundles("FlinkRunner", true), "one machine: a batch per bundle");
    assertFalse(FullSync.batchesAcrossBundles("FlinkRunner", false),
        "Flink's batch mode sorts a stateful step's whole input before the first write");
    assertTrue(FullSync.batchesAcrossBundles("DataflowRunner", false));
    assertTrue(FullSync.batchesAcrossBundles("DirectRunner", false), "the DirectRunner with the shuffle join asked for");
  }

  @Test
  void theSyncAppliesTheChoice() {
    assertEquals(0, elasticsearchWriters(JoinStrategy.SIDE_INPUT));
    assertEquals(0, elasticsearchWriters(JoinStrategy.AUTO));
    assertEquals(2, elasticsearchWriters(JoinStrategy.SHUFFLE),
        "only the first round batches across bundles, in the documents' writer and in the deletes'");
  }

  @Test
  void databaseRowsAreWrittenByTheStepThatDecidesThem() {
    for (String runner : new String[] {"DirectRunner", "FlinkRunner"}) {
      java.util.List<String> steps = stepNames(runner, JoinStrategy.AUTO);
      assertTrue(steps.stream().anyMatch(n -> n.endsWith("Reconcile/DecideByLookup")), runner + ": " + steps);
      assertTrue(steps.stream().noneMatch(n -> n.contains("/ToDocuments") || n.contains("/WriteToIndex")),
          runner + ": no step of its own builds or writes the documents: " + steps);
      assertTrue(steps.stream().anyMatch(n -> n.contains("/WriteDeletes")), runner + ": deletes keep their writer");
    }
    java.util.List<String> stateful = stepNames("DirectRunner", JoinStrategy.SHUFFLE);
    assertTrue(stateful.stream().anyMatch(n -> n.contains("/WriteToIndex/Round1Batched")),
        "batches across bundles are ElasticsearchIO's, in a writer step of their own: " + stateful);
  }

  @Test
  void filesAreWrittenByTheStepThatFetchesThem() {
    for (String runner : new String[] {"DirectRunner", "FlinkRunner"}) {
      java.util.List<String> steps = stepNames("network_drive", runner, JoinStrategy.AUTO);
      assertTrue(steps.stream().anyMatch(n -> n.endsWith("FetchContent/FetchExtractAndWrite")), runner + ": " + steps);
      assertTrue(steps.stream().noneMatch(n -> n.contains("/WriteToIndex")),
          runner + ": no writer step of its own for the documents: " + steps);
      assertTrue(steps.stream().anyMatch(n -> n.contains("/WriteDeletes")), runner + ": deletes keep their writer");
    }
    java.util.List<String> stateful = stepNames("network_drive", "DirectRunner", JoinStrategy.SHUFFLE);
    assertTrue(stateful.stream().anyMatch(n -> n.endsWith("FetchContent/FetchAndExtract")), "documents output: " + stateful);
    assertTrue(stateful.stream().anyMatch(n -> n.contains("/WriteToIndex/Round1Batched")),
        "batches across bundles are ElasticsearchIO's, in a writer step of their own: " + stateful);
  }

  /** The full names of a database sync's transforms on a runner, with this join. */
  private static java.util.List<String> stepNames(String runner, JoinStrategy join) {
    return stepNames("postgresql", runner, join);
  }

  /** The full names of a sync's transforms for a source ({@code postgresql} or {@code network_drive}). */
  private static java.util.List<String> stepNames(String serviceType, String runner, JoinStrategy join) {
    SourceConnector source = SourceRegistry.builtIn().create(serviceType);
    ConnectorConfiguration config = source.configuration(serviceType.equals("postgresql")
        ? Map.of("host", "db.example", "port", 5432, "username", "u", "password", "p", "database", "d", "tables", "*")
        : Map.of("server_ip", "smb.example", "server_port", 445, "username", "u", "password", "p", "drive_path", "share/a"));
    ElasticsearchConnection es = ElasticsearchConnection.of("http://127.0.0.1:9200", "search-x");
    org.apache.beam.sdk.options.PipelineOptions options = PipelineOptionsFactory.create();
    options.setRunner(runner.equals("DirectRunner") ? org.apache.beam.runners.direct.DirectRunner.class : FlinkRunner.class);
    Pipeline p = Pipeline.create(options);
    p.apply(FullSync.of(source, config, es).withJoinStrategy(join));
    java.util.List<String> names = new java.util.ArrayList<>();
    p.traverseTopologically(new Pipeline.PipelineVisitor.Defaults() {
      @Override
      public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
        names.add(node.getFullName());
        return CompositeBehavior.ENTER_TRANSFORM;
      }

      @Override
      public void visitPrimitiveTransform(TransformHierarchy.Node node) {
        names.add(node.getFullName());
      }
    });
    return names;
  }

  /**
   * A runner with the simple name of Flink's, which this module does not depend on: the sync decides by the
   * runner's simple name. Never run.
   */
  static final class FlinkRunner extends org.apache.beam.sdk.PipelineRunner<org.apache.beam.sdk.PipelineResult> {
    public static FlinkRunner fromOptions(org.apache.beam.sdk.options.PipelineOptions options) {
      return new FlinkRunner();
    }

    @Override
    public org.apache.beam.sdk.PipelineResult run(Pipeline pipeline) {
      throw new UnsupportedOperationException("only the pipeline's shape is tested");
    }
  }

  /** How many of ElasticsearchIO's writers a sync's pipeline holds on the DirectRunner with this join. */
  private static int elasticsearchWriters(JoinStrategy join) {
    SourceConnector pg = SourceRegistry.builtIn().create("postgresql");
    ConnectorConfiguration config = pg.configuration(Map.of("host", "db.example", "port", 5432, "username", "u",
        "password", "p", "database", "d", "tables", "*"));
    ElasticsearchConnection es = ElasticsearchConnection.of("http://127.0.0.1:9200", "search-x");
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    p.apply(FullSync.of(pg, config, es).withJoinStrategy(join));
    int[] writers = {0};
    p.traverseTopologically(new Pipeline.PipelineVisitor.Defaults() {
      @Override
      public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
        if (node.getTransform() instanceof ElasticsearchIO.BulkIO) {
          writers[0]++;
        }
        return CompositeBehavior.ENTER_TRANSFORM;
      }
    });
    return writers[0];
  }
}
