package io.beamconnectors.flextemplates;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.beam.sdk.options.PipelineOptions;
import org.joda.time.Duration;

/**
 * A FAKE runner standing in for Dataflow, which is not reachable here: {@code run()} accepts the
 * pipeline and returns a result that stays RUNNING, and every way of waiting on it fails the test.
 * It shows the template main returns right after submitting, as a template launch needs.
 */
public final class NeverFinishingRunner extends PipelineRunner<PipelineResult> {
  static final AtomicInteger SUBMITTED = new AtomicInteger();

  public static NeverFinishingRunner fromOptions(PipelineOptions options) {
    return new NeverFinishingRunner();
  }

  @Override
  public PipelineResult run(Pipeline pipeline) {
    SUBMITTED.incrementAndGet();
    return new PipelineResult() {
      @Override
      public State getState() {
        return State.RUNNING;
      }

      @Override
      public State cancel() {
        return State.CANCELLED;
      }

      @Override
      public State waitUntilFinish(Duration duration) {
        throw new AssertionError("the template main waited for the job");
      }

      @Override
      public State waitUntilFinish() {
        throw new AssertionError("the template main waited for the job");
      }

      @Override
      public MetricResults metrics() {
        throw new AssertionError("the template main read metrics of an unfinished job");
      }
    };
  }
}
