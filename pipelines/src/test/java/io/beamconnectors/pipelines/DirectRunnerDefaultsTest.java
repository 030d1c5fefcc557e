package io.beamconnectors.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.sources.SpreadOptions;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/** What a sync on the DirectRunner gets when the user sets nothing, and that what the user sets wins. */
class DirectRunnerDefaultsTest {

  private static DirectOptions defaultsFor(String... args) {
    FullSyncOptions options = PipelineOptionsFactory.fromArgs(args).as(FullSyncOptions.class);
    FullSyncPipeline.directRunnerDefaults(options, args);
    return options.as(DirectOptions.class);
  }

  @Test
  void oneRunnerThreadLessThanTheCoresAndNoElementReEncoding() {
    DirectOptions o = defaultsFor("--runner=DirectRunner");
    assertEquals(FullSyncPipeline.directRunnerThreads(Runtime.getRuntime().availableProcessors()), o.getTargetParallelism());
    assertFalse(o.isEnforceImmutability());
    assertFalse(o.isEnforceEncodability());
    assertEquals(o.getTargetParallelism(), o.as(SpreadOptions.class).getSpreadGroups(), "one listing group per thread");
    assertEquals(1, FullSyncPipeline.directRunnerThreads(1));
    assertEquals(1, FullSyncPipeline.directRunnerThreads(2));
    assertEquals(7, FullSyncPipeline.directRunnerThreads(8));
  }

  @Test
  void whatTheUserSetIsKept() {
    DirectOptions o = defaultsFor("--runner=DirectRunner", "--targetParallelism=5", "--enforceEncodability=true");
    assertEquals(5, o.getTargetParallelism());
    assertEquals(5, o.as(SpreadOptions.class).getSpreadGroups(), "follows the threads the user set");
    assertEquals(0, defaultsFor("--runner=DirectRunner", "--spreadGroups=0").as(SpreadOptions.class).getSpreadGroups());
    assertTrue(o.isEnforceEncodability());
  }
}
