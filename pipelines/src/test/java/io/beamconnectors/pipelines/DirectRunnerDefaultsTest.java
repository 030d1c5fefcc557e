package io.beamconnectors.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.sources.SourceConnector;
import io.beamconnectors.sources.SourceRegistry;
import io.beamconnectors.sources.SpreadOptions;
import java.util.Map;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/** What a sync on the DirectRunner gets when the user sets nothing, and that what the user sets wins. */
class DirectRunnerDefaultsTest {
  private static final int CORES = Runtime.getRuntime().availableProcessors();

  private static DirectOptions defaultsFor(String... args) {
    FullSyncOptions options = PipelineOptionsFactory.fromArgs(args).as(FullSyncOptions.class);
    FullSyncPipeline.directRunnerDefaults(options, args);
    return options.as(DirectOptions.class);
  }

  @Test
  void oneRunnerThreadLessThanTheCoresAndNoElementReEncoding() {
    DirectOptions o = defaultsFor("--runner=DirectRunner");
    assertEquals(SourceConnector.commonDirectRunnerThreads(CORES), o.getTargetParallelism());
    assertFalse(o.isEnforceImmutability());
    assertFalse(o.isEnforceEncodability());
    assertEquals(o.getTargetParallelism(), o.as(SpreadOptions.class).getSpreadGroups(), "one listing group per thread");
    assertEquals(1, SourceConnector.commonDirectRunnerThreads(1));
    assertEquals(1, SourceConnector.commonDirectRunnerThreads(2));
    assertEquals(7, SourceConnector.commonDirectRunnerThreads(8));
  }

  @Test
  void aDatabaseSourceGetsASecondThreadAFileSourceDoesNot() {
    SourceConnector postgresql = SourceRegistry.builtIn().create("postgresql");
    SourceConnector networkDrive = SourceRegistry.builtIn().create("network_drive");
    assertEquals(2, postgresql.directRunnerThreads(1));
    assertEquals(2, postgresql.directRunnerThreads(2));
    assertEquals(7, postgresql.directRunnerThreads(8));
    assertEquals(1, networkDrive.directRunnerThreads(2));

    DirectOptions o = defaultsFor("--runner=DirectRunner");
    FullSyncPipeline.directRunnerThreadsFor(o.as(FullSyncOptions.class), postgresql);
    assertEquals(Math.max(2, CORES - 1), o.getTargetParallelism());
    assertEquals(o.getTargetParallelism(), o.as(SpreadOptions.class).getSpreadGroups(), "spread groups follow");
    FullSyncPipeline.directRunnerThreadsFor(o.as(FullSyncOptions.class), networkDrive);
    assertEquals(SourceConnector.commonDirectRunnerThreads(CORES), o.getTargetParallelism());
  }

  @Test
  void theUsersThreadsAndGroupsStayWhateverTheSource() {
    SourceConnector postgresql = SourceRegistry.builtIn().create("postgresql");
    DirectOptions threads = defaultsFor("--runner=DirectRunner", "--targetParallelism=1");
    FullSyncPipeline.directRunnerThreadsFor(threads.as(FullSyncOptions.class), postgresql);
    assertEquals(1, threads.getTargetParallelism());
    DirectOptions groups = defaultsFor("--runner=DirectRunner", "--spreadGroups=5");
    FullSyncPipeline.directRunnerThreadsFor(groups.as(FullSyncOptions.class), postgresql);
    assertEquals(Math.max(2, CORES - 1), groups.getTargetParallelism());
    assertEquals(5, groups.as(SpreadOptions.class).getSpreadGroups());
  }

  @Test
  void thePlanChoosesTheThreadsForItsSource() {
    String[] args = {"--runner=DirectRunner", "--serviceType=postgresql", "--esIndex=search-rows"};
    FullSyncOptions options = PipelineOptionsFactory.fromArgs(args).as(FullSyncOptions.class);
    FullSyncPipeline.directRunnerDefaults(options, args);
    FullSyncPipeline.plan(options, Map.of(), Map.of("host", "127.0.0.1", "port", 5432, "username", "u",
        "password", "p", "database", "d", "tables", "*"), SourceRegistry.builtIn());
    assertEquals(Math.max(2, CORES - 1), options.as(DirectOptions.class).getTargetParallelism());
  }

  @Test
  void otherRunnersAreLeftAsTheyAre() {
    FullSyncOptions options = PipelineOptionsFactory.fromArgs().as(FullSyncOptions.class);
    options.setRunner(org.apache.beam.sdk.testing.CrashingRunner.class); // any runner but the DirectRunner
    FullSyncPipeline.directRunnerDefaults(options, new String[0]);
    FullSyncPipeline.directRunnerThreadsFor(options, SourceRegistry.builtIn().create("postgresql"));
    assertFalse(options.getDirectRunnerThreadsBySource());
    assertEquals(0, options.getSpreadGroups());
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
