package io.beamconnectors.launcher.logging;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The thread group of workers that outlive any one sync job and serve whichever runs: the threads
 * of the launcher's embedded Flink cluster and its task threads. Such a thread cannot name its job
 * by its group, as a thread of a {@link JobThreadGroup} does, so the jobs tell the group when they
 * start and end ({@link #jobStarted}, {@link #jobEnded}). While exactly one runs,
 * {@link JobThreadMdcFilter} gives each line of these threads that job's ids; while none or
 * several run, none, rather than a wrong one.
 */
public final class SharedWorkerThreadGroup extends ThreadGroup {
  /** Not the group itself: ThreadGroup locks on itself to add and remove threads. */
  private final Object lock = new Object();
  private final Set<JobThreadGroup> running = new HashSet<>();
  /** The only job running, or null: read on every log line of these threads, so kept ready. */
  private volatile JobThreadGroup sole;

  public SharedWorkerThreadGroup(String name) {
    super(name);
  }

  public void jobStarted(JobThreadGroup job) {
    synchronized (lock) {
      running.add(job);
      sole = running.size() == 1 ? job : null;
    }
  }

  public void jobEnded(JobThreadGroup job) {
    synchronized (lock) {
      running.remove(job);
      sole = running.size() == 1 ? running.iterator().next() : null;
    }
  }

  /** The job running now, if it is the only one. */
  public Optional<JobThreadGroup> soleJob() {
    return Optional.ofNullable(sole);
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
