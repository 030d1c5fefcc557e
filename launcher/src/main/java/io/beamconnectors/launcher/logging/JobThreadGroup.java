package io.beamconnectors.launcher.logging;

import java.util.Optional;

/**
 * The thread group of one sync job run inside the launcher's JVM. A pipeline started on a thread
 * of this group hands it on to the threads it creates (Beam's DirectRunner executors, client I/O
 * threads): a thread without a group of its own joins its creator's, and
 * {@code Executors.defaultThreadFactory()} keeps the group of the thread that made the factory. So
 * every thread of a job can name the job's ids even though MDC (a thread-local) does not cross
 * threads; {@link JobThreadMdcFilter} copies them into MDC for each log line.
 */
public final class JobThreadGroup extends ThreadGroup {
  private final String connectorId;
  private final String jobId;

  public JobThreadGroup(String connectorId, String jobId) {
    super("sync-job-" + jobId);
    if (jobId == null || jobId.isEmpty()) {
      throw new IllegalArgumentException("a job thread group needs the sync-job id");
    }
    this.connectorId = connectorId;
    this.jobId = jobId;
  }

  public String connectorId() {
    return connectorId;
  }

  public String jobId() {
    return jobId;
  }

  /** The job group the current thread belongs to (directly or through a child group), if any. */
  public static Optional<JobThreadGroup> current() {
    for (ThreadGroup g = Thread.currentThread().getThreadGroup(); g != null; g = g.getParent()) {
      if (g instanceof JobThreadGroup j) {
        return Optional.of(j);
      }
    }
    return Optional.empty();
  }
}
