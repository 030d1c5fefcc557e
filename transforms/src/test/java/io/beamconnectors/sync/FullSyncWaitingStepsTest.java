package io.beamconnectors.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import io.beamconnectors.sources.SourceConnector;
import io.beamconnectors.sources.SourceRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PValue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No step of a full sync waits on a side input with an element that exists from the start: its
 * main input must come out of a group by key (the end of something), never straight from a root
 * of the pipeline through element-wise steps. The DirectRunner tries such an element again each
 * time any step finishes a bundle, each try building the step anew: about 1,200 tries per
 * waiting step in a 300,000-row no-op re-sync (docs/benchmarks.md, fourteenth round). The
 * pipelines are only built, never run: no server.
 */
class FullSyncWaitingStepsTest {
  private static final ElasticsearchConnection ES = ElasticsearchConnection.of("http://127.0.0.1:9", "search-x");

  static Stream<Arguments> syncs() {
    List<Arguments> all = new ArrayList<>();
    for (String type : SourceRegistry.builtIn().serviceTypes().keySet()) {
      for (JoinStrategy strategy : List.of(JoinStrategy.SIDE_INPUT, JoinStrategy.SHUFFLE)) {
        all.add(Arguments.of(type, strategy));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("syncs")
  void noStepWaitsOnASideInputFromTheStart(String serviceType, JoinStrategy strategy) {
    SourceConnector connector = SourceRegistry.builtIn().create(serviceType);
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    // Building a listing reads no server; the GCS one only needs a project to name.
    Map<String, Object> settings = serviceType.equals("google_cloud_storage") ? Map.of("project_id", "p") : Map.of();
    p.apply("FullSync", FullSync.of(connector, connector.configuration(settings), ES)
        .withJoinStrategy(strategy)
        .withIssuesOutput("/tmp/never-written/sync"));

    Map<PValue, TransformHierarchy.Node> producers = new HashMap<>();
    List<TransformHierarchy.Node> nodes = new ArrayList<>();
    p.traverseTopologically(new Pipeline.PipelineVisitor.Defaults() {
      @Override
      public void visitPrimitiveTransform(TransformHierarchy.Node node) {
        nodes.add(node);
        node.getOutputs().values().forEach(out -> producers.put(out, node));
      }
    });
    List<String> waitingFromTheStart = new ArrayList<>();
    int withSideInputs = 0;
    for (TransformHierarchy.Node node : nodes) {
      if (!sideInputs(node).isEmpty()) {
        withSideInputs++;
        if (reachesARootElementwise(node, producers, new HashSet<>())) {
          waitingFromTheStart.add(node.getFullName());
        }
      }
    }
    assertFalse(withSideInputs == 0, "the check found no step with a side input: it checks nothing");
    // The one exception, by design: a source that may list an id twice (the network drive) is
    // joined with the whole index state in memory, its records waiting for it as they are listed.
    waitingFromTheStart.remove("FullSync/Reconcile/DecideListed");
    assertEquals(List.of(), waitingFromTheStart);
  }

  /** Whether a main input of {@code node} comes from a root through element-wise steps only. */
  private static boolean reachesARootElementwise(TransformHierarchy.Node node, Map<PValue, TransformHierarchy.Node> producers,
      Set<TransformHierarchy.Node> seen) {
    if (!seen.add(node)) {
      return false;
    }
    Set<PValue> side = sideInputs(node);
    for (Map.Entry<?, PCollection<?>> in : node.getInputs().entrySet()) {
      if (side.contains(in.getValue())) {
        continue;
      }
      TransformHierarchy.Node producer = producers.get(in.getValue());
      if (producer == null || producer.getInputs().isEmpty()) {
        return true;
      }
      if (producer.getTransform() instanceof GroupByKey
          || producer.getTransform().getClass().getSimpleName().contains("GroupByKey")) {
        continue;
      }
      if (reachesARootElementwise(producer, producers, seen)) {
        return true;
      }
    }
    return false;
  }

  private static Set<PValue> sideInputs(TransformHierarchy.Node node) {
    Set<PValue> side = new HashSet<>();
    if (node.getTransform() instanceof ParDo.MultiOutput<?, ?> parDo) {
      side.addAll(parDo.getAdditionalInputs().values());
    }
    return side;
  }
}
