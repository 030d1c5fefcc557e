package io.beamconnectors.launcher.logging;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The thread group of workers that outlive any one sync job and serve whichever runs: the threads
 * of the launcher's embedded Flink cluster and its task threads. Such a thread cannot name its job
 * by its group, as a thread of a {@link JobThreadGroup} does, so the jobs tell the group when they
 * start and end ({@link #jobStarted}, {@link #jobEnded}). While exactly one runs,
 * {@link JobThreadMdcFilter} gives each line of these threads that job's ids; while none or
 * several run, none, rather than a wrong one.
 */
public final class SharedWorkerThreadGroup extends ThreadGroup {
  private final Set<JobThreadGroup> running = ConcurrentHashMap.newKeySet();

  public SharedWorkerThreadGroup(String name) {
    super(name);
  }

  public void jobStarted(JobThreadGroup job) {
    running.add(job);
  }

  public void jobEnded(JobThreadGroup job) {
    running.remove(job);
  }

  /** The job running now, if it is the only one. */
  public Optional<JobThreadGroup> soleJob() {
    Object[] now = running.toArray();
    return now.length == 1 ? Optional.of((JobThreadGroup) now[0]) : Optional.empty();
  }

  /** The shared group the current thread belongs to (directly or through a child group), if any. */
  public static Optional<SharedWorkerThreadGroup> current() {
    for (ThreadGroup g = Thread.currentThread().getThreadGroup(); g != null; g = g.getParent()) {
      if (g instanceof SharedWorkerThreadGroup s) {
        return Optional.of(s);
      }
      if (g instanceof JobThreadGroup) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}
