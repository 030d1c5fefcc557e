package io.beamconnectors.launcher.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.pipelines.FullSyncPipeline;
import io.beamconnectors.pipelines.SyncJobOptions;
import io.beamconnectors.sources.SourceConnector;
import io.beamconnectors.sources.SourceRegistry;
import io.beamconnectors.sources.SpreadOptions;
import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.junit.jupiter.api.Test;

/**
 * A launcher job on the DirectRunner gets the sync's DirectRunner defaults, as a sync from the
 * command line does: no element re-encoding, the threads chosen for the job's source, and the
 * listings dealt into one group per thread (before, the launcher left the groups at a random key
 * per folder).
 */
class DirectRunnerAdapterOptionsTest {
  private static final int CORES = Runtime.getRuntime().availableProcessors();

  @Test
  void aJobGetsTheSyncsDirectRunnerDefaults() {
    SyncJobOptions options = DirectRunnerAdapter.options(List.of("--syncJobId=job-1", "--esUrl=http://127.0.0.1:9"));
    DirectOptions direct = options.as(DirectOptions.class);
    assertFalse(direct.isBlockOnRun());
    assertFalse(direct.isEnforceEncodability());
    assertFalse(direct.isEnforceImmutability());
    assertEquals(SourceConnector.commonDirectRunnerThreads(CORES), direct.getTargetParallelism());
    assertEquals(direct.getTargetParallelism(), options.as(SpreadOptions.class).getSpreadGroups());
    assertTrue(options.getDirectRunnerThreadsBySource(), "left to the job's source");

    // What JobSyncPipeline.start's plan does once the sync-job document names the source.
    FullSyncPipeline.directRunnerThreadsFor(options, SourceRegistry.builtIn().create("postgresql"));
    assertEquals(Math.max(2, CORES - 1), direct.getTargetParallelism());
  }
}
