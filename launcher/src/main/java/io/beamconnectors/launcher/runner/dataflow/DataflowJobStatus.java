package io.beamconnectors.launcher.runner.dataflow;

import com.google.api.services.dataflow.model.Job;
import com.google.api.services.dataflow.model.JobMessage;
import java.util.List;

/**
 * A Dataflow job's state as a sync-job status of the connector protocol ({@code completed},
 * {@code error}, {@code canceled}, {@code canceling}, {@code in_progress}), plus whether it is
 * final and, for {@code error}, a message for the job document.
 *
 * <p>The mapping (Dataflow's JobState values, v1b3):
 * <ul>
 *   <li>DONE: completed;</li>
 *   <li>FAILED: error, with the job's last error message when one was fetched;</li>
 *   <li>CANCELLED, DRAINED: canceled (a drained batch job was stopped by someone);</li>
 *   <li>CANCELLING, DRAINING: canceling, and RESOURCE_CLEANING_UP when a cancel was requested;</li>
 *   <li>UPDATED: error (the job was replaced; batch jobs are never updated by the launcher);</li>
 *   <li>PENDING, QUEUED, STOPPED (not started yet), RUNNING, RESOURCE_CLEANING_UP, PAUSING, PAUSED,
 *       UNKNOWN and any state newer than this code: in_progress, not final, so the launcher keeps
 *       watching and its idle-job cleanup still applies.</li>
 * </ul>
 *
 * @param status the sync-job status string of the connector protocol
 * @param terminal whether Dataflow will not change the state any more
 * @param error the job error for {@code error}, else null
 * @param dataflowState the Dataflow state it was mapped from (for logs)
 */
public record DataflowJobStatus(String status, boolean terminal, String error, String dataflowState) {
  public static final String COMPLETED = "completed";
  public static final String ERROR = "error";
  public static final String CANCELED = "canceled";
  public static final String CANCELING = "canceling";
  public static final String IN_PROGRESS = "in_progress";
  private static final int MAX_ERROR_CHARS = 1000;

  /** Maps a job returned by {@code Jobs.Get}; {@code errorMessages} are its JOB_MESSAGE_ERROR messages, oldest first. */
  public static DataflowJobStatus of(Job job, List<JobMessage> errorMessages) {
    if (job == null) {
      throw new IllegalArgumentException("no Dataflow job to map");
    }
    String state = job.getCurrentState() == null ? "JOB_STATE_UNKNOWN" : job.getCurrentState();
    boolean cancelRequested = "JOB_STATE_CANCELLED".equals(job.getRequestedState());
    switch (state) {
      case "JOB_STATE_DONE":
        return new DataflowJobStatus(COMPLETED, true, null, state);
      case "JOB_STATE_FAILED":
        return new DataflowJobStatus(ERROR, true, failure(job, errorMessages), state);
      case "JOB_STATE_CANCELLED":
      case "JOB_STATE_DRAINED":
        return new DataflowJobStatus(CANCELED, true, null, state);
      case "JOB_STATE_UPDATED":
        return new DataflowJobStatus(ERROR, true, "Dataflow job " + describe(job)
            + " was replaced by an update of the same name: run the sync again", state);
      case "JOB_STATE_CANCELLING":
      case "JOB_STATE_DRAINING":
        return new DataflowJobStatus(CANCELING, false, null, state);
      case "JOB_STATE_RESOURCE_CLEANING_UP":
        return new DataflowJobStatus(cancelRequested ? CANCELING : IN_PROGRESS, false, null, state);
      default:
        return new DataflowJobStatus(IN_PROGRESS, false, null, state);
    }
  }

  private static String failure(Job job, List<JobMessage> errorMessages) {
    String last = null;
    if (errorMessages != null) {
      for (JobMessage m : errorMessages) {
        if (m != null && m.getMessageText() != null && !m.getMessageText().isBlank()) {
          last = m.getMessageText().strip();
        }
      }
    }
    String message = "Dataflow job " + describe(job) + " failed"
        + (last == null ? "; see the job's logs in the Dataflow console" : ": " + last);
    return message.length() <= MAX_ERROR_CHARS ? message : message.substring(0, MAX_ERROR_CHARS - 1) + "…";
  }

  private static String describe(Job job) {
    return (job.getName() == null ? "" : job.getName() + " ") + "(" + job.getId() + ")";
  }
}
