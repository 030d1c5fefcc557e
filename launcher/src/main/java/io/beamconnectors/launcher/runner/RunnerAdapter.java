package io.beamconnectors.launcher.runner;

import java.util.Optional;

/**
 * Runs sync jobs on one Beam runner. {@link #submit} returns once the runner accepted the job (it
 * never waits for the sync); state, counters and cancel work on the handle; {@link #recover}
 * finds a run a previous launcher process submitted (runners whose jobs outlive the launcher).
 * The pipeline receives the sync-job id, the Elasticsearch endpoint and a credential reference only.
 */
public interface RunnerAdapter extends AutoCloseable {

  String name();

  /**
   * Submits a sync job; {@code contentApiKey} (null: none) is the connector's own API key for the
   * content index, handed to the pipeline by reference (an environment variable), never as an argument.
   */
  RunHandle submit(String syncJobId, String contentApiKey) throws Exception;

  /** A submit with the launcher's credential for everything. */
  default RunHandle submit(String syncJobId) throws Exception {
    return submit(syncJobId, null);
  }

  RunStatus status(RunHandle handle);

  JobCounters counters(RunHandle handle);

  void cancel(RunHandle handle);

  /** Forgets a run whose end was recorded in the job document. */
  void release(RunHandle handle);

  /**
   * A run of this sync job started by an earlier launcher, if the runner can still find it: one
   * that is running, or (where the runner keeps them) one that ended while no launcher watched it,
   * so its real outcome is recorded.
   */
  Optional<RunHandle> recover(String syncJobId);

  /**
   * True if runs die with the launcher process (in-process runners): on shutdown they are
   * cancelled and their jobs suspended. False if they keep running and are re-attached.
   */
  boolean runsInLauncherProcess();

  @Override
  void close();
}
