package io.beamconnectors.launcher.runner;

import io.beamconnectors.launcher.config.LauncherConfig;
import io.beamconnectors.launcher.logging.JobThreadGroup;
import io.beamconnectors.launcher.logging.JobThreadMdcFilter;
import io.beamconnectors.pipelines.FullSyncPipeline;
import io.beamconnectors.pipelines.JobSyncPipeline;
import io.beamconnectors.pipelines.SyncJobOptions;
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
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The {@code direct} runner: each sync runs on Beam's DirectRunner inside the launcher's JVM, on a
 * pool of {@code max_concurrent_content_syncs} threads (submit returns at once). Cancel goes
 * through {@link PipelineResult#cancel()}, live counters come from the pipeline's metrics. Runs
 * die with the launcher, so {@link #recover} finds nothing.
 */
public final class DirectRunnerAdapter implements RunnerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(DirectRunnerAdapter.class);

  private final LauncherConfig.Elasticsearch es;
  private final SourceRegistry registry;
  private final List<String> secrets;
  private final ExecutorService pool;
  private final Map<String, Run> runs = new ConcurrentHashMap<>();

  /** One run's mutable state, shared between its pool thread and the launcher's monitor. */
  private static final class Run {
    volatile JobSyncPipeline.Started started;
    volatile boolean cancelRequested;
    volatile RunStatus finalStatus;
  }

  public DirectRunnerAdapter(LauncherConfig config) {
    this.es = config.elasticsearch();
    this.registry = config.sourceRegistry();
    this.secrets = config.secrets();
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(config.service().maxConcurrentContentSyncs(), r -> {
      Thread t = new Thread(r, "direct-sync-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public String name() {
    return "direct";
  }

  @Override
  public boolean runsInLauncherProcess() {
    return true;
  }

  @Override
  public RunHandle submit(String syncJobId, String contentApiKey) {
    List<String> args = new ArrayList<>(PipelineArguments.of(syncJobId, es, contentApiKey != null));
    args.add("--runner=DirectRunner");
    args.add("--blockOnRun=false");
    LOG.info("Submitting sync job {} to the direct runner with arguments {}", syncJobId, args);
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
      pool.submit(() -> inJobThreadGroup(syncJobId, mdc, () -> execute(syncJobId, args, env, run, mdc)));
    } catch (RejectedExecutionException e) {
      runs.remove(syncJobId);
      throw new IllegalStateException("the direct runner is shutting down", e);
    }
    return new RunHandle(syncJobId, "direct-" + syncJobId);
  }

  /**
   * Runs the job on a thread of its own {@link JobThreadGroup}, which the DirectRunner's worker
   * threads inherit, so their log lines carry the job's ids too; the pool thread waits for it (the
   * pool stays the concurrency bound).
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

  /**
   * A job's pipeline options: the DirectRunner, not blocking, with the sync's own DirectRunner
   * defaults (the threads are chosen for the job's source once {@link JobSyncPipeline#start} reads it).
   */
  static SyncJobOptions options(List<String> args) {
    String[] argv = args.toArray(new String[0]);
    SyncJobOptions options = PipelineOptionsFactory.fromArgs(argv).as(SyncJobOptions.class);
    options.setRunner(DirectRunner.class);
    options.as(DirectOptions.class).setBlockOnRun(false);
    FullSyncPipeline.directRunnerDefaults(options, argv);
    return options;
  }

  private void execute(String syncJobId, List<String> args, Map<String, String> env, Run run,
      Map<String, String> mdc) {
    if (mdc != null) {
      MDC.setContextMap(mdc);
    }
    try {
      // Built here, not in submit(): the first options parse of a JVM loads Beam and takes seconds.
      SyncJobOptions options = options(args);
      if (run.cancelRequested) {
        run.finalStatus = RunStatus.of(RunState.CANCELLED);
        return;
      }
      JobSyncPipeline.Started started = JobSyncPipeline.start(options, env, registry);
      run.started = started;
      if (run.cancelRequested) {
        cancelQuietly(started.result());
      }
      PipelineResult.State state = started.result().waitUntilFinish();
      if (run.cancelRequested || state == PipelineResult.State.CANCELLED) {
        run.finalStatus = new RunStatus(RunState.CANCELLED, null, SyncSummary.from(started.result(), 0));
      } else if (state == PipelineResult.State.DONE) {
        run.finalStatus = new RunStatus(RunState.DONE, null, JobSyncPipeline.finish(started));
      } else {
        run.finalStatus = new RunStatus(RunState.FAILED, "the pipeline ended in state " + state, null);
      }
    } catch (ConfigurationException e) {
      run.finalStatus = new RunStatus(RunState.FAILED, Secrets.redact(e.getMessage(), secrets), null);
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

  private String describe(Throwable e, Run run) {
    List<String> all = new ArrayList<>(secrets);
    if (run.started != null) {
      all.addAll(Secrets.of(run.started.plan().configuration()));
    }
    // Beam wraps a DoFn's exception in a PipelineExecutionException: the cause is the story.
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause
        && cause.getClass().getName().contains("PipelineExecutionException")) {
      cause = cause.getCause();
    }
    if (cause instanceof RuntimeException && cause.getClass().getSimpleName().equals("SourceUnreachableException")) {
      return Secrets.redact(cause.getMessage(), all);
    }
    return Secrets.describe(cause, all);
  }

  @Override
  public RunStatus status(RunHandle handle) {
    Run run = runs.get(handle.syncJobId());
    if (run == null) {
      return new RunStatus(RunState.LOST, "the direct runner has no run of this job (the launcher restarted)", null);
    }
    RunStatus done = run.finalStatus;
    if (done != null) {
      return done;
    }
    if (run.started == null && run.cancelRequested) {
      // Still preparing (plan, ping, index) and possibly blocked there: the pipeline is cancelled
      // as soon as it exists; the job is cancelled now.
      return RunStatus.of(RunState.CANCELLED);
    }
    return RunStatus.of(run.started == null ? RunState.STARTING : RunState.RUNNING);
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
    JobSyncPipeline.Started started = run.started;
    if (started == null) {
      return JobCounters.ZERO;
    }
    try {
      return JobCounters.of(SyncSummary.from(started.result(), 0));
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
    JobSyncPipeline.Started started = run.started;
    if (started != null) {
      cancelQuietly(started.result());
    }
  }

  @Override
  public void release(RunHandle handle) {
    runs.remove(handle.syncJobId());
  }

  private static void cancelQuietly(PipelineResult result) {
    try {
      result.cancel();
    } catch (Exception e) {
      LOG.debug("Cancelling the pipeline failed", e);
    }
  }

  @Override
  public Optional<RunHandle> recover(String syncJobId) {
    return Optional.empty();
  }

  @Override
  public void close() {
    for (Run run : runs.values()) {
      run.cancelRequested = true;
      if (run.started != null) {
        cancelQuietly(run.started.result());
      }
    }
    pool.shutdownNow();
  }

  /** Waits up to {@code millis} for a run to reach a final state (used on shutdown). */
  public void awaitFinal(RunHandle handle, long millis) throws InterruptedException {
    long end = System.currentTimeMillis() + millis;
    Run run = runs.get(handle.syncJobId());
    while (run != null && run.finalStatus == null && System.currentTimeMillis() < end) {
      Thread.sleep(50);
    }
  }

}
