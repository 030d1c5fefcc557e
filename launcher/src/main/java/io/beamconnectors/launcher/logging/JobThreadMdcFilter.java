package io.beamconnectors.launcher.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Optional;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * A Logback turbo filter that decides nothing: before a line is logged on a thread of a
 * {@link JobThreadGroup} whose MDC has no job id yet, it puts the job's {@code connector_id} and
 * {@code job_id} into that thread's MDC. Lines written by Beam's own worker threads of an
 * in-process job then carry the ids like the launcher's lines, in the plain and the ECS layout.
 * Registered in the launcher's logback configurations.
 */
public final class JobThreadMdcFilter extends TurboFilter {
  public static final String CONNECTOR_ID = "connector_id";
  public static final String JOB_ID = "job_id";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (MDC.get(JOB_ID) == null) {
      Optional<JobThreadGroup> group = JobThreadGroup.current();
      if (group.isPresent()) {
        MDC.put(JOB_ID, group.get().jobId());
        if (group.get().connectorId() != null) {
          MDC.put(CONNECTOR_ID, group.get().connectorId());
        }
      }
    }
    return FilterReply.NEUTRAL;
  }
}
