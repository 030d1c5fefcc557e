package io.beamconnectors.launcher.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * A Logback turbo filter that decides nothing: before a line is logged on a thread of a
 * {@link JobThreadGroup} whose MDC has no job id yet, it puts the job's {@code connector_id} and
 * {@code job_id} into that thread's MDC. Lines written by Beam's own worker threads of an
 * in-process job then carry the ids like the launcher's lines, in the plain and the ECS layout.
 * On a thread of a {@link SharedWorkerThreadGroup} (the embedded Flink cluster's), which serves one
 * job after another, the ids are set for every line: those of the only job running, or none.
 * A call below its logger's level writes no line, so it returns at once: the filter runs for
 * every logging call, rows' debug calls included. Registered in the launcher's logback
 * configurations.
 */
public final class JobThreadMdcFilter extends TurboFilter {
  public static final String CONNECTOR_ID = "connector_id";
  public static final String JOB_ID = "job_id";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level != null && !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
      // No line is written (a debug call with debug off, on every row, say): nothing to name.
      return FilterReply.NEUTRAL;
    }
    Optional<SharedWorkerThreadGroup> shared = SharedWorkerThreadGroup.current();
    if (shared.isPresent()) {
      // Checked for every line: the thread's previous line may have been another job's.
      Optional<JobThreadGroup> job = shared.get().soleJob();
      String jobId = job.map(JobThreadGroup::jobId).orElse(null);
      if (!Objects.equals(MDC.get(JOB_ID), jobId)) {
        MDC.remove(JOB_ID);
        MDC.remove(CONNECTOR_ID);
        job.ifPresent(JobThreadMdcFilter::put);
      }
      return FilterReply.NEUTRAL;
    }
    if (MDC.get(JOB_ID) == null) {
      Optional<JobThreadGroup> group = JobThreadGroup.current();
      if (group.isPresent()) {
        put(group.get());
      }
    }
    return FilterReply.NEUTRAL;
  }

  private static void put(JobThreadGroup job) {
    MDC.put(JOB_ID, job.jobId());
    if (job.connectorId() != null) {
      MDC.put(CONNECTOR_ID, job.connectorId());
    }
  }
}
