package io.beamconnectors.launcher.runner;

import io.beamconnectors.launcher.config.LauncherConfig;
import io.beamconnectors.launcher.logging.JobThreadGroup;
import io.beamconnectors.launcher.logging.JobThreadMdcFilter;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.Secrets;
import io.beamconnectors.sources.SourceRegistry;
import io.beamconnectors.sync.SyncSummary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A runner whose syncs run inside the launcher's JVM: each on a pool of
 * {@code max_concurrent_content_syncs} threads (submit returns at once), on a thread of its own
 * {@link JobThreadGroup} so the runner's worker threads log with the job's ids. Runs die with the
 * launcher, so {@link #recover} finds nothing and {@link #close} cancels them. A subclass runs one
 * job ({@link #execute}) and publishes a {@link LiveJob} once the runner has it, for live counters
 * and cancel.
 */
abstract class InProcessRunnerAdapter implements RunnerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(InProcessRunnerAdapter.class);

  protected final LauncherConfig.Elasticsearch es;
  protected final SourceRegistry registry;
  protected final List<String> secrets;
  private final ExecutorService pool;
  private final Map<String, Run> runs = new ConcurrentHashMap<>();

  /** A job the runner is running: its counters so far, and how to cancel it. */
  protected interface LiveJob {
    SyncSummary counters();

    void cancel() throws Exception;
  }

  /** One run's mutable state, shared between its pool thread and the launcher's monitor. */
  protected static final class Run {
    volatile LiveJob live;
    volatile boolean cancelRequested;
    volatile RunStatus finalStatus;
    /** The job's own secrets (its source configuration's), once its plan is built. */
    volatile List<String> jobSecrets = List.of();
  }

  InProcessRunnerAdapter(LauncherConfig config) {
    this.es = config.elasticsearch();
    this.registry = config.sourceRegistry();
    this.secrets = config.secrets();
    AtomicInteger n = new AtomicInteger();
    String threadName = name() + "-sync-";
    this.pool = Executors.newFixedThreadPool(config.service().maxConcurrentContentSyncs(), r -> {
      Thread t = new Thread(r, threadName + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** The runner's own arguments after the common ones ({@link PipelineArguments}). */
  protected abstract List<String> runnerArguments(String syncJobId);

  /**
   * Runs one job to its end on the calling thread and sets {@code run.finalStatus}; publishes
   * {@code run.live} once the runner has the job and honours {@code run.cancelRequested}.
   */
  protected abstract void execute(String syncJobId, List<String> args, Map<String, String> env, Run run)
      throws Exception;

  @Override
  public final boolean runsInLauncherProcess() {
    return true;
  }

  @Override
  public RunHandle submit(String syncJobId, String contentApiKey) {
    List<String> args = new ArrayList<>(PipelineArguments.of(syncJobId, es, contentApiKey != null));
    args.addAll(runnerArguments(syncJobId));
    LOG.info("Submitting sync job {} to the {} runner with arguments {}", syncJobId, name(), args);
    Map<String, String> env = new HashMap<>(System.getenv());
    if (es.credential() != null) {
      env.put(PipelineArguments.CREDENTIAL_ENV, es.credential());
    }
    if (contentApiKey != null) {
      env.put(PipelineArguments.CONTENT_API_KEY_ENV, contentApiKey);
    }
    Run run = new Run();
    runs.put(syncJobId, run);
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    try {
      pool.submit(() -> inJobThreadGroup(syncJobId, mdc, () -> executeLogged(syncJobId, args, env, run, mdc)));
    } catch (RejectedExecutionException e) {
      runs.remove(syncJobId);
      throw new IllegalStateException("the " + name() + " runner is shutting down", e);
    }
    return new RunHandle(syncJobId, name() + "-" + syncJobId);
  }

  /**
   * Runs the job on a thread of its own {@link JobThreadGroup}, which the runner's worker threads
   * inherit, so their log lines carry the job's ids too; the pool thread waits for it (the pool
   * stays the concurrency bound).
   */
  private static void inJobThreadGroup(String syncJobId, Map<String, String> mdc, Runnable body) {
    String connectorId = mdc == null ? null : mdc.get(JobThreadMdcFilter.CONNECTOR_ID);
    Thread t = new Thread(new JobThreadGroup(connectorId, syncJobId), body, "sync-job-" + syncJobId);
    t.setDaemon(true);
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      t.interrupt();
      Thread.currentThread().interrupt();
    }
  }

  private void executeLogged(String syncJobId, List<String> args, Map<String, String> env, Run run,
      Map<String, String> mdc) {
    if (mdc != null) {
      MDC.setContextMap(mdc);
    }
    try {
      execute(syncJobId, args, env, run);
    } catch (ConfigurationException e) {
      run.finalStatus = new RunStatus(RunState.FAILED, Secrets.redact(e.getMessage(), allSecrets(run)), null);
    } catch (Throwable e) {
      if (run.cancelRequested) {
        run.finalStatus = RunStatus.of(RunState.CANCELLED);
      } else {
        LOG.debug("Sync job {} failed", syncJobId, e);
        run.finalStatus = new RunStatus(RunState.FAILED, describe(e, run), null);
      }
    } finally {
      MDC.clear();
    }
  }

  private List<String> allSecrets(Run run) {
    List<String> all = new ArrayList<>(secrets);
    all.addAll(run.jobSecrets);
    return all;
  }

  /** A failure's one line: the cause under the runner's wrappers, secrets redacted. */
  private String describe(Throwable e, Run run) {
    Throwable cause = SyncFailures.cause(e);
    if (cause instanceof RuntimeException && cause.getClass().getSimpleName().equals("SourceUnreachableException")) {
      return Secrets.redact(cause.getMessage(), allSecrets(run));
    }
    return Secrets.describe(cause, allSecrets(run));
  }

  protected static void cancelQuietly(LiveJob job) {
    try {
      job.cancel();
    } catch (Exception e) {
      LOG.debug("Cancelling the pipeline failed", e);
    }
  }

  @Override
  public RunStatus status(RunHandle handle) {
    Run run = runs.get(handle.syncJobId());
    if (run == null) {
      return new RunStatus(RunState.LOST, "the " + name() + " runner has no run of this job (the launcher restarted)", null);
    }
    RunStatus done = run.finalStatus;
    if (done != null) {
      return done;
    }
    if (run.live == null && run.cancelRequested) {
      // Still preparing (plan, ping, index) and possibly blocked there: the pipeline is cancelled
      // as soon as it exists; the job is cancelled now.
      return RunStatus.of(RunState.CANCELLED);
    }
    return RunStatus.of(run.live == null ? RunState.STARTING : RunState.RUNNING);
  }

  @Override
  public JobCounters counters(RunHandle handle) {
    Run run = runs.get(handle.syncJobId());
    if (run == null) {
      return JobCounters.ZERO;
    }
    RunStatus done = run.finalStatus;
    if (done != null && done.summary() != null) {
      return JobCounters.of(done.summary());
    }
    LiveJob live = run.live;
    if (live == null) {
      return JobCounters.ZERO;
    }
    try {
      return JobCounters.of(live.counters());
    } catch (RuntimeException e) {
      LOG.debug("Metrics of job {} not readable yet", handle.syncJobId(), e);
      return JobCounters.ZERO;
    }
  }

  @Override
  public void cancel(RunHandle handle) {
    Run run = runs.get(handle.syncJobId());
    if (run == null) {
      return;
    }
    run.cancelRequested = true;
    LiveJob live = run.live;
    if (live != null) {
      cancelQuietly(live);
    }
  }

  @Override
  public void release(RunHandle handle) {
    runs.remove(handle.syncJobId());
  }

  @Override
  public Optional<RunHandle> recover(String syncJobId) {
    return Optional.empty();
  }

  @Override
  public void close() {
    for (Run run : runs.values()) {
      run.cancelRequested = true;
      if (run.live != null) {
        cancelQuietly(run.live);
      }
    }
    pool.shutdownNow();
  }
}
