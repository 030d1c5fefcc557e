package io.beamconnectors.launcher.runner.dataflow;

import com.google.api.services.dataflow.model.JobMetrics;
import com.google.api.services.dataflow.model.MetricUpdate;
import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pipeline's Beam counters in namespace {@code sync}, read from {@code Jobs.GetMetrics}.
 *
 * <p>Dataflow reports a user counter once per step that incremented it, with
 * {@code name.origin = "user"}, {@code name.name} the counter name and {@code name.context}
 * holding {@code namespace} and {@code step}; the attempted value carries
 * {@code context.tentative = "true"}, the committed one does not. Values are summed over steps.
 * While a job runs the attempted values are the live progress; once it is done the committed
 * ones are the result.
 *
 * @param attempted counter name to attempted value (every attempt, retried bundles included)
 * @param committed counter name to committed value (successful bundles only)
 */
public record DataflowCounters(Map<String, Long> attempted, Map<String, Long> committed) {
  /** The namespace of the sync counters (io.beamconnectors.metrics.SyncCounters.NAMESPACE). */
  public static final String NAMESPACE = "sync";
  public static final String INDEXED_OK = "indexed_ok";
  public static final String DELETED_OK = "deleted_ok";
  public static final String BYTES_WRITTEN = "bytes_written";

  public DataflowCounters {
    attempted = Map.copyOf(attempted);
    committed = Map.copyOf(committed);
  }

  /** Reads the {@code sync} counters of a {@code Jobs.GetMetrics} answer; other metrics are ignored. */
  public static DataflowCounters from(JobMetrics metrics) {
    Map<String, Long> attempted = new TreeMap<>();
    Map<String, Long> committed = new TreeMap<>();
    if (metrics != null && metrics.getMetrics() != null) {
      for (MetricUpdate u : metrics.getMetrics()) {
        if (u == null || u.getName() == null || u.getName().getContext() == null || u.getName().getName() == null) {
          continue;
        }
        if (!"user".equals(u.getName().getOrigin()) || !NAMESPACE.equals(u.getName().getContext().get("namespace"))) {
          continue;
        }
        Long value = longValue(u.getScalar());
        if (value == null) {
          continue; // a distribution or gauge: not a counter
        }
        boolean tentative = "true".equals(u.getName().getContext().get("tentative"));
        (tentative ? attempted : committed).merge(u.getName().getName(), value, Long::sum);
      }
    }
    return new DataflowCounters(attempted, committed);
  }

  private static Long longValue(Object scalar) {
    if (scalar instanceof Number n) {
      return n instanceof BigDecimal d ? d.longValue() : n.longValue();
    }
    if (scalar instanceof String s) {
      try {
        return new BigDecimal(s.trim()).longValue();
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /**
   * The value to report: once the job is final the committed value (attempts of failed bundles
   * must not count); while it runs the attempted value, or the committed one when Dataflow has
   * no attempted value yet.
   */
  public long value(String counter, boolean jobFinal) {
    Long v = jobFinal ? committed.get(counter) : attempted.getOrDefault(counter, committed.get(counter));
    return v == null ? 0L : v;
  }

  public long indexed(boolean jobFinal) {
    return value(INDEXED_OK, jobFinal);
  }

  public long deleted(boolean jobFinal) {
    return value(DELETED_OK, jobFinal);
  }

  public long bytesWritten(boolean jobFinal) {
    return value(BYTES_WRITTEN, jobFinal);
  }
}
