package io.beamconnectors.elasticsearch;

import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import java.io.Serializable;

/**
 * Bulk write settings. Defaults: 500 operations and 5 MiB per request (the reference's shipped
 * chunk limits, counted in operations rather than lines), 4 requests in flight, 5 rounds of
 * attempts with backoff capped at 120 s between rounds (see {@link WriteToIndex}), and stateful
 * batching (batches fill across bundles, {@code maxParallelRequests} requests in flight; without
 * it a batch ends with its bundle, which costs the DirectRunner no timer bookkeeping). Immutable;
 * every value is checked.
 */
public record BulkSettings(int maxBatchSize, long maxBatchBytes, int maxParallelRequests, int maxAttempts,
    int maxRetrySeconds, boolean statefulBatches) implements Serializable {

  public BulkSettings {
    checkArgument(maxBatchSize >= 1, "bulk operations per request must be at least 1, got %s", maxBatchSize);
    checkArgument(maxBatchBytes >= 1, "bulk request bytes must be at least 1, got %s", maxBatchBytes);
    checkArgument(maxParallelRequests >= 1, "bulk requests in flight must be at least 1, got %s", maxParallelRequests);
    checkArgument(maxAttempts >= 1, "bulk attempts must be at least 1, got %s", maxAttempts);
    checkArgument(maxRetrySeconds >= 1, "bulk retry backoff cap must be at least 1 s, got %s", maxRetrySeconds);
  }

  public static BulkSettings defaults() {
    return new BulkSettings(500, 5L * 1024 * 1024, 4, 5, 120, true);
  }

  public BulkSettings withMaxBatchSize(int v) {
    return new BulkSettings(v, maxBatchBytes, maxParallelRequests, maxAttempts, maxRetrySeconds, statefulBatches);
  }

  public BulkSettings withMaxBatchBytes(long v) {
    return new BulkSettings(maxBatchSize, v, maxParallelRequests, maxAttempts, maxRetrySeconds, statefulBatches);
  }

  public BulkSettings withMaxParallelRequests(int v) {
    return new BulkSettings(maxBatchSize, maxBatchBytes, v, maxAttempts, maxRetrySeconds, statefulBatches);
  }

  /** {@code attempts} rounds in all, the backoff between rounds capped at {@code maxBackoffSeconds}. */
  public BulkSettings withRetries(int attempts, int maxBackoffSeconds) {
    return new BulkSettings(maxBatchSize, maxBatchBytes, maxParallelRequests, attempts, maxBackoffSeconds, statefulBatches);
  }

  /** Batches that fill across bundles (true), or a batch per bundle (false). */
  public BulkSettings withStatefulBatches(boolean v) {
    return new BulkSettings(maxBatchSize, maxBatchBytes, maxParallelRequests, maxAttempts, maxRetrySeconds, v);
  }
}
