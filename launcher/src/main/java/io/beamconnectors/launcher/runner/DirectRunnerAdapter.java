package io.beamconnectors.launcher.runner;

import io.beamconnectors.launcher.config.LauncherConfig;
import io.beamconnectors.pipelines.DirectRunnerHeapCheck;
import io.beamconnectors.pipelines.FullSyncPipeline;
import io.beamconnectors.pipelines.JobSyncPipeline;
import io.beamconnectors.pipelines.SyncJobOptions;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.Secrets;
import io.beamconnectors.sync.SyncSummary;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * The {@code direct} runner: each sync runs on Beam's DirectRunner inside the launcher's JVM
 * ({@code blockOnRun=false}). Cancel goes through {@link PipelineResult#cancel()}, live counters
 * come from the pipeline's metrics.
 */
public final class DirectRunnerAdapter extends InProcessRunnerAdapter {

  public DirectRunnerAdapter(LauncherConfig config) {
    super(config);
  }

  @Override
  public String name() {
    return "direct";
  }

  @Override
  protected List<String> runnerArguments(String syncJobId) {
    return List.of("--runner=DirectRunner", "--blockOnRun=false");
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

  @Override
  protected void execute(String syncJobId, List<String> args, Map<String, String> env, Run run) throws Exception {
    // Built here, not in submit(): the first options parse of a JVM loads Beam and takes seconds.
    SyncJobOptions options = options(args);
    if (run.cancelRequested) {
      run.finalStatus = RunStatus.of(RunState.CANCELLED);
      return;
    }
    JobSyncPipeline.Prepared prepared;
    try {
      prepared = JobSyncPipeline.prepare(options, env, registry);
    } catch (DirectRunnerHeapCheck.TooLarge e) {
      // The command line's fixes (--runner, -Xmx, --skipHeapCheck) are not the launcher user's.
      throw ConfigurationException.ofSetting(e.decision().launcherMessage(e.index()));
    }
    run.jobSecrets = Secrets.of(prepared.plan().configuration());
    JobSyncPipeline.Started started = JobSyncPipeline.start(prepared);
    PipelineResult result = started.result();
    run.live = new LiveJob() {
      @Override
      public SyncSummary counters() {
        return SyncSummary.from(result, 0);
      }

      @Override
      public void cancel() throws Exception {
        result.cancel();
      }
    };
    if (run.cancelRequested) {
      cancelQuietly(run.live);
    }
    PipelineResult.State state = result.waitUntilFinish();
    if (run.cancelRequested || state == PipelineResult.State.CANCELLED) {
      run.finalStatus = new RunStatus(RunState.CANCELLED, null, SyncSummary.from(result, 0));
    } else if (state == PipelineResult.State.DONE) {
      run.finalStatus = new RunStatus(RunState.DONE, null, JobSyncPipeline.finish(started));
    } else {
      run.finalStatus = new RunStatus(RunState.FAILED, "the pipeline ended in state " + state, null);
    }
  }
}
