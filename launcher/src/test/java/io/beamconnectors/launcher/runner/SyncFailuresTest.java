package io.beamconnectors.launcher.runner;

import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.util.UserCodeException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.JobException;
import org.apache.flink.runtime.client.JobExecutionException;
import org.junit.jupiter.api.Test;

/** A failed sync is told by its own exception, not by the runners' wrappers around it. */
class SyncFailuresTest {

  @Test
  void attachedFlinksWrappersAreSkipped() {
    IOException own = new IOException("bulk request to http://127.0.0.1:9200 failed", new ConnectException("refused"));
    Throwable failed = new RuntimeException("Pipeline execution failed",
        new JobExecutionException(new JobID(), "Job execution failed.",
            new JobException("Recovery is suppressed by NoRestartBackoffTimeStrategy", UserCodeException.wrap(own))));
    assertSame(own, SyncFailures.cause(failed), "the sync's exception, not its cause nor the wrappers");
  }

  @Test
  void theDirectRunnersAndFuturesWrappersAreSkipped() {
    IllegalStateException own = new IllegalStateException("the table was dropped");
    assertSame(own, SyncFailures.cause(new Pipeline.PipelineExecutionException(own)));
    assertSame(own, SyncFailures.cause(new CompletionException(new ExecutionException(own))));
  }

  @Test
  void anExceptionOfTheSyncIsKeptEvenWithACause() {
    IOException own = new IOException("read failed", new ConnectException("refused"));
    assertSame(own, SyncFailures.cause(own));
    RuntimeException other = new RuntimeException("something else", own);
    assertSame(other, SyncFailures.cause(other), "only Beam's own message marks the FlinkRunner's wrapper");
  }
}
