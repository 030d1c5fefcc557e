package io.beamconnectors.launcher.runner;

import java.util.function.Consumer;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.JobListener;

/**
 * Hands an embedded Flink job's {@link JobClient} to the sync that submitted it. Beam's FlinkRunner
 * runs an attached job with {@code ExecutionEnvironment.execute}, which blocks until the job ends
 * and keeps the client to itself; Flink instantiates the listeners named in
 * {@code execution.job-listeners} (a no-argument class) and calls {@link #onJobSubmitted} on the
 * thread that called {@code execute}. So the sync sets, on its own thread, who receives the client
 * ({@link #receiveOnThisThread}), and gets it once the mini cluster has accepted the job: cancel
 * and live counters go through it.
 */
public final class EmbeddedFlinkJobListener implements JobListener {
  private static final ThreadLocal<Consumer<JobClient>> RECEIVER = new ThreadLocal<>();

  /** Who gets the client of the next job this thread submits (null: nobody). */
  static void receiveOnThisThread(Consumer<JobClient> receiver) {
    if (receiver == null) {
      RECEIVER.remove();
    } else {
      RECEIVER.set(receiver);
    }
  }

  @Override
  public void onJobSubmitted(JobClient jobClient, Throwable throwable) {
    Consumer<JobClient> receiver = RECEIVER.get();
    if (receiver != null && jobClient != null) {
      receiver.accept(jobClient);
    }
  }

  @Override
  public void onJobExecuted(JobExecutionResult result, Throwable throwable) {
    // The attached execute returns the result (or throws) on the same thread.
  }
}
