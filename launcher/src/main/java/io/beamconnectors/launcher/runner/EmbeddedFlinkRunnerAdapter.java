package io.beamconnectors.launcher.runner;

import io.beamconnectors.launcher.config.LauncherConfig;
import io.beamconnectors.pipelines.JobSyncPipeline;
import io.beamconnectors.pipelines.SyncJobOptions;
import io.beamconnectors.sources.Secrets;
import io.beamconnectors.sync.SyncSummary;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.runners.flink.metrics.FlinkMetricContainer;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.core.execution.JobClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code flink} runner with {@code runner.flink.master: "[local]"}: each sync runs on Beam's
 * FlinkRunner inside the launcher's JVM, on one Flink mini cluster the launcher keeps
 * ({@link EmbeddedFlinkCluster}): the shuffle spills to disk (sources too large for the
 * DirectRunner's heap) and nothing is staged or uploaded. Unlike a JVM per sync, the launcher's
 * JVM has loaded and compiled the sync's code once; unlike Beam's own {@code [local]}, which
 * {@code FullSyncPipeline --flinkMaster=[local]} uses from the command line, a sync does not start
 * and stop a cluster of its own.
 *
 * <p>The job runs attached (its thread waits in {@code pipeline.run()}); {@link
 * EmbeddedFlinkJobListener} gives this adapter the job's {@link JobClient} for cancel and live
 * counters (the accumulators Beam keeps its metrics in).
 */
public final class EmbeddedFlinkRunnerAdapter extends InProcessRunnerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedFlinkRunnerAdapter.class);
  private final int parallelism;
  private final EmbeddedFlinkCluster cluster;

  public EmbeddedFlinkRunnerAdapter(LauncherConfig config) {
    super(config);
    this.parallelism = config.runner().flink().parallelism();
    Configuration jobs = new Configuration();
    jobs.set(DeploymentOptions.JOB_LISTENERS, List.of(EmbeddedFlinkJobListener.class.getName()));
    this.cluster = new EmbeddedFlinkCluster(parallelism, config.service().maxConcurrentContentSyncs(), jobs);
  }

  @Override
  public String name() {
    return "flink";
  }

  @Override
  protected List<String> runnerArguments(String syncJobId) {
    return List.of("--runner=FlinkRunner", "--flinkMaster=" + EmbeddedFlinkCluster.BEAM_MASTER, "--parallelism=" + parallelism,
        "--jobName=" + FlinkRunnerAdapter.jobName(syncJobId));
  }

  @Override
  protected void execute(String syncJobId, List<String> args, Map<String, String> env, Run run) throws Exception {
    SyncJobOptions options = PipelineOptionsFactory.fromArgs(args.toArray(new String[0])).as(SyncJobOptions.class);
    options.setRunner(FlinkRunner.class);
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    flink.setAttachedMode(true);
    if (run.cancelRequested) {
      run.finalStatus = RunStatus.of(RunState.CANCELLED);
      return;
    }
    JobSyncPipeline.Prepared prepared = JobSyncPipeline.prepare(options, env, registry);
    run.jobSecrets = Secrets.of(prepared.plan().configuration());
    EmbeddedFlinkJobListener.receiveOnThisThread(client -> {
      run.live = live(syncJobId, client);
      if (run.cancelRequested) {
        cancelQuietly(run.live);
      }
    });
    cluster.useOnThisThread();
    JobSyncPipeline.Started started;
    try {
      started = JobSyncPipeline.start(prepared);
    } finally {
      EmbeddedFlinkJobListener.receiveOnThisThread(null);
    }
    // Attached: run() returned once the job FINISHED (a failed or cancelled job throws).
    run.finalStatus = new RunStatus(RunState.DONE, null, JobSyncPipeline.finish(started));
  }

  @Override
  public void close() {
    super.close();
    try {
      cluster.close();
    } catch (Exception e) {
      LOG.warn("The embedded Flink cluster did not stop cleanly: {}", e.toString());
      LOG.debug("Stopping the embedded Flink cluster failed", e);
    }
  }

  private static LiveJob live(String syncJobId, JobClient client) {
    return new LiveJob() {
      @Override
      public SyncSummary counters() {
        try {
          Object steps = client.getAccumulators().get(10, TimeUnit.SECONDS).get(FlinkMetricContainer.ACCUMULATOR_NAME);
          MetricsContainerStepMap map = steps instanceof MetricsContainerStepMap m ? m : new MetricsContainerStepMap();
          return SyncSummary.from(MetricsContainerStepMap.asAttemptedOnlyMetricResults(map), 0);
        } catch (Exception e) {
          if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
          }
          throw new IllegalStateException("the embedded Flink job's counters cannot be read", e);
        }
      }

      @Override
      public void cancel() throws Exception {
        client.cancel().get(30, TimeUnit.SECONDS);
        // Accepted: the job is cancelling. Its tasks end when their threads do (a read blocked in
        // the source ends when the source answers).
        LOG.info("Cancelling Flink job {} of sync job {}", client.getJobID(), syncJobId);
      }
    };
  }
}
