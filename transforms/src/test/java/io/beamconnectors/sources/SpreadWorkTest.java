package io.beamconnectors.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.metrics.CounterTotals;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

/** Every unit comes out once whatever the grouping, and the step after it gets the bundles it should. */
class SpreadWorkTest {
  private static final List<String> UNITS = new ArrayList<>();

  static {
    UNITS.add("");
    UNITS.add("0");
    UNITS.add("dir/with/slashes");
    UNITS.add("Ünï 文件");
    UNITS.add("Case");
    UNITS.add("case");
    for (int i = 0; i < 300; i++) {
      UNITS.add("folder" + i);
    }
    UNITS.add("folder7"); // a unit listed twice stays twice
  }

  /** Counts the bundles it is given. */
  static final class CountBundlesFn extends DoFn<String, String> {
    private final Counter bundles = Metrics.counter("spread_work_test", "bundles");

    @StartBundle
    public void start() {
      bundles.inc();
    }

    @ProcessElement
    public void process(@Element String unit, OutputReceiver<String> out) {
      out.output(unit);
    }
  }

  private static long bundlesAfterSpreading(String... args) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs(args).as(SpreadOptions.class));
    PCollection<String> out = p.apply(Create.of(UNITS).withCoder(StringUtf8Coder.of()))
        .apply("Spread", SpreadWork.create())
        .apply("Count", ParDo.of(new CountBundlesFn()));
    PAssert.that(out).containsInAnyOrder(UNITS);
    PipelineResult result = p.run();
    result.waitUntilFinish();
    return CounterTotals.of(result, "spread_work_test", "bundles");
  }

  @Test
  void oneGroupIsOneBundle() {
    assertEquals(1, bundlesAfterSpreading("--runner=DirectRunner", "--spreadGroups=1"));
  }

  @Test
  void groupsBoundTheBundles() {
    long bundles = bundlesAfterSpreading("--runner=DirectRunner", "--spreadGroups=3", "--targetParallelism=3");
    assertTrue(bundles >= 1 && bundles <= 3, "bundles: " + bundles);
  }

  @Test
  void noGroupsMeansARandomKeyPerUnit() {
    long bundles = bundlesAfterSpreading("--runner=DirectRunner");
    assertTrue(bundles > 3, "a random key per unit gives many bundles on the DirectRunner: " + bundles);
  }
}
