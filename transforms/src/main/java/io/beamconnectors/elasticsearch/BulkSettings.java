package io.beamconnectors.elasticsearch;

import java.io.Serializable;

/**
 * Bulk write settings. Defaults: 500 operations and 5 MiB per request (the reference's shipped
 * chunk limits, counted in operations rather than lines), 4 requests in flight, 5 attempts per
 * request within 2 minutes.
 */
public final class BulkSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int maxBatchSize;
  private final long maxBatchBytes;
  private final int maxParallelRequests;
  private final int maxAttempts;
  private final int maxRetrySeconds;

  private BulkSettings(int maxBatchSize, long maxBatchBytes, int maxParallelRequests, int maxAttempts, int maxRetrySeconds) {
    if (maxBatchSize < 1 || maxBatchBytes < 1 || maxParallelRequests < 1 || maxAttempts < 1) {
      throw new IllegalArgumentException("bulk sizes, parallelism and attempts must be at least 1");
    }
    this.maxBatchSize = maxBatchSize;
    this.maxBatchBytes = maxBatchBytes;
    this.maxParallelRequests = maxParallelRequests;
    this.maxAttempts = maxAttempts;
    this.maxRetrySeconds = maxRetrySeconds;
  }

  public static BulkSettings defaults() {
    return new BulkSettings(500, 5L * 1024 * 1024, 4, 5, 120);
  }

  public BulkSettings withMaxBatchSize(int v) {
    return new BulkSettings(v, maxBatchBytes, maxParallelRequests, maxAttempts, maxRetrySeconds);
  }

  public BulkSettings withMaxBatchBytes(long v) {
    return new BulkSettings(maxBatchSize, v, maxParallelRequests, maxAttempts, maxRetrySeconds);
  }

  public BulkSettings withMaxParallelRequests(int v) {
    return new BulkSettings(maxBatchSize, maxBatchBytes, v, maxAttempts, maxRetrySeconds);
  }

  public BulkSettings withRetries(int attempts, int withinSeconds) {
    return new BulkSettings(maxBatchSize, maxBatchBytes, maxParallelRequests, attempts, withinSeconds);
  }

  public int maxBatchSize() {
    return maxBatchSize;
  }

  public long maxBatchBytes() {
    return maxBatchBytes;
  }

  public int maxParallelRequests() {
    return maxParallelRequests;
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  public int maxRetrySeconds() {
    return maxRetrySeconds;
  }
}
