package io.beamconnectors.launcher.runner;

import java.util.Set;

/**
 * The exception a failed in-process sync is told by: the first one under the runners' own
 * wrappers. The DirectRunner wraps a step's exception in a {@code PipelineExecutionException};
 * attached Flink wraps it in Beam's "Pipeline execution failed" {@code RuntimeException}, Flink's
 * {@code JobExecutionException} and {@code JobException} ("Recovery is suppressed by ...") and
 * Beam's {@code UserCodeException}; futures add {@code ExecutionException} and
 * {@code CompletionException}. What these say is about the runner, not the sync.
 */
final class SyncFailures {
  private static final Set<String> WRAPPERS = Set.of(
      "org.apache.beam.sdk.Pipeline$PipelineExecutionException",
      "org.apache.beam.sdk.util.UserCodeException",
      "org.apache.flink.runtime.client.JobExecutionException",
      "org.apache.flink.runtime.JobException",
      "java.util.concurrent.ExecutionException",
      "java.util.concurrent.CompletionException");
  /** Beam's FlinkRunner rethrows an attached job's failure as a plain RuntimeException with this message. */
  private static final String FLINK_RUNNER_MESSAGE = "Pipeline execution failed";

  private SyncFailures() {}

  static Throwable cause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause && isWrapper(cause)) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static boolean isWrapper(Throwable t) {
    return WRAPPERS.contains(t.getClass().getName())
        || (t.getClass() == RuntimeException.class && FLINK_RUNNER_MESSAGE.equals(t.getMessage()));
  }
}
