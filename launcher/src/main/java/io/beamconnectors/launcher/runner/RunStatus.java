package io.beamconnectors.launcher.runner;

import io.beamconnectors.sync.SyncSummary;

/**
 * A run's state with what the job document needs at the end: the error (free of secrets) for
 * FAILED/LOST, and the summary for DONE (null while running or when the runner has none).
 */
public record RunStatus(RunState state, String error, SyncSummary summary) {
  public static RunStatus of(RunState s) {
    return new RunStatus(s, null, null);
  }
}
