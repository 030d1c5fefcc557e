package io.beamconnectors.launcher.runner;

import io.beamconnectors.launcher.protocol.JobStatus;

/**
 * A run's state as the launcher sees it, whatever the runner. The mapping to job statuses is
 * explicit and in one place ({@link #jobStatus}); the adapters map their runner's own states here.
 */
public enum RunState {
  /** Accepted, being prepared (plan, ping, index) or queued by the runner. */
  STARTING,
  RUNNING,
  /** Finished normally; the job is {@code completed} if the sync was clean, else {@code error}. */
  DONE,
  FAILED,
  CANCELLED,
  /** The runner no longer knows the run (lost cluster, restarted launcher without recovery). */
  LOST;

  public boolean terminal() {
    return this == DONE || this == FAILED || this == CANCELLED || this == LOST;
  }

  /** The job status for this state; {@code clean} only matters for DONE. */
  public JobStatus jobStatus(boolean clean) {
    return switch (this) {
      case STARTING, RUNNING -> JobStatus.IN_PROGRESS;
      case DONE -> clean ? JobStatus.COMPLETED : JobStatus.ERROR;
      case FAILED, LOST -> JobStatus.ERROR;
      case CANCELLED -> JobStatus.CANCELED;
    };
  }
}
