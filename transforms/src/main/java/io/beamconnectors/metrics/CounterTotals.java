package io.beamconnectors.metrics;

import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * A counter's value in a finished pipeline, summed over the steps that count it.
 *
 * <p>The committed value is read where the runner has one, the attempted value only where it has
 * not: on the DirectRunner a bundle's attempted updates are merged on a thread of their own, so
 * just after {@code waitUntilFinish} the attempted value can still miss the last bundles, while the
 * committed value is merged before the bundle counts as done.
 */
public final class CounterTotals {
  private CounterTotals() {}

  /** The counter {@code namespace}/{@code name} of a finished pipeline; 0 when nothing counted it. */
  public static long of(PipelineResult result, String namespace, String name) {
    return of(result.metrics(), namespace, name);
  }

  /** The same from a job's metrics, where the runner gives them without a {@link PipelineResult}. */
  public static long of(MetricResults metrics, String namespace, String name) {
    long total = 0;
    for (MetricResult<Long> c : metrics.queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.named(namespace, name)).build()).getCounters()) {
      total += valueOf(c);
    }
    return total;
  }

  /** One step's value of a counter: committed where the runner has it, else attempted. */
  public static long valueOf(MetricResult<Long> c) {
    try {
      Long committed = c.getCommitted();
      if (committed != null) {
        return committed;
      }
    } catch (UnsupportedOperationException e) {
      // Runners without committed metrics: fall through.
    }
    Long attempted = c.getAttempted();
    return attempted == null ? 0 : attempted;
  }
}
