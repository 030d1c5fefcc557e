package io.beamconnectors.launcher.runner.dataflow;

import com.google.api.services.dataflow.model.Job;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * The Dataflow calls the {@code dataflow} runner adapter needs, for one project and region.
 * {@link DataflowJobs} implements them over the Dataflow REST API; the adapter only sees this
 * interface, so its tests run {@link DataflowJobs} over a fake HTTP transport.
 */
public interface DataflowApi {

  /** Launches the flex template for a sync job, or finds the job an earlier attempt launched (409). */
  DataflowJobs.Launched launch(String syncJobId, Map<String, String> parameters) throws IOException;

  /** The job of this name: an active one if any, else the newest. */
  Optional<Job> findByName(String jobName) throws IOException;

  /** The job's state as a sync-job status. */
  DataflowJobStatus status(String jobId) throws IOException;

  /** The job's {@code sync} counters. */
  DataflowCounters counters(String jobId) throws IOException;

  /** Requests {@code JOB_STATE_CANCELLED}; the state follows later. */
  void cancel(String jobId) throws IOException;
}
