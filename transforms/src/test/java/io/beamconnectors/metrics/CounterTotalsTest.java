package io.beamconnectors.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricKey;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.junit.jupiter.api.Test;

class CounterTotalsTest {
  private static final MetricKey KEY = MetricKey.create("step", MetricName.named("ns", "n"));

  @Test
  void theCommittedValueWinsWhereTheRunnerHasOne() {
    // The DirectRunner's attempted value can lag just after the pipeline finishes; committed cannot.
    assertEquals(7, CounterTotals.valueOf(MetricResult.create(KEY, 7L, 5L)));
  }

  @Test
  void theAttemptedValueWhereTheRunnerHasNoCommittedOne() {
    assertEquals(5, CounterTotals.valueOf(MetricResult.attempted(KEY, 5L)));
  }

  /** Every step's count, summed: a counter two steps increment is their total, another name none of it. */
  @Test
  void aFinishedPipelineGivesEveryStepsCountsSummed() {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    List<Integer> items = IntStream.range(0, 500).boxed().toList();
    p.apply(Create.of(items)).apply("First", ParDo.of(new CountFn())).apply("Second", ParDo.of(new CountFn()));
    PipelineResult r = p.run();
    r.waitUntilFinish();
    assertEquals(1_000, CounterTotals.of(r, "counter_totals_test", "items"));
    assertEquals(0, CounterTotals.of(r, "counter_totals_test", "other"));
    assertEquals(0, CounterTotals.of(r, "another_namespace", "items"));
  }

  private static final class CountFn extends DoFn<Integer, Integer> {
    private final Counter items = Metrics.counter("counter_totals_test", "items");

    @ProcessElement
    public void process(@Element Integer i, OutputReceiver<Integer> out) {
      items.inc();
      out.output(i);
    }
  }
}
