package io.beamconnectors.launcher.runner.dataflow;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * Read-only calls against the real Dataflow API when a project is given ({@code BC_TEST_DATAFLOW_PROJECT},
 * {@code BC_TEST_DATAFLOW_REGION}, Application Default Credentials with dataflow.jobs.list). Skipped
 * otherwise: Dataflow is not reachable from the machines this was written on.
 */
class DataflowJobsLiveTest {

  @Test
  void aNameNoJobHasIsNotFound() throws Exception {
    String project = System.getenv("BC_TEST_DATAFLOW_PROJECT");
    String region = System.getenv().getOrDefault("BC_TEST_DATAFLOW_REGION", "us-central1");
    assumeTrue(project != null && !project.isBlank(),
        "BC_TEST_DATAFLOW_PROJECT is not set: Dataflow is not reachable here, the real API is not tested");
    DataflowJobs jobs = DataflowJobs.withApplicationDefaultCredentials(
        DataflowLaunchSettings.of(project, region, "gs://bc-unused-bucket/spec.json"));
    assertTrue(jobs.findByName(DataflowJobName.forSyncJob("no-such-sync-job-" + System.nanoTime())).isEmpty());
  }
}
