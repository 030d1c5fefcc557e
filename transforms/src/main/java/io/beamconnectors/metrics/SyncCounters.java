package io.beamconnectors.metrics;

import java.util.List;

/** Names of the Beam Metrics counters a sync keeps, all in the {@value #NAMESPACE} namespace. */
public final class SyncCounters {
  public static final String NAMESPACE = "sync";

  public static final String LISTED = "listed";
  public static final String DUPLICATE_IDS = "duplicate_ids";
  public static final String INDEX_STATE_READ = "index_state_read";
  public static final String CREATED = "created";
  public static final String UPDATED = "updated";
  public static final String UNCHANGED = "unchanged";
  public static final String DELETED = "deleted";
  public static final String DELETES_BLOCKED = "deletes_blocked";
  public static final String LISTING_FAILURES = "listing_failures";
  public static final String SKIPPED_PARTS = "skipped_parts";
  public static final String CONTENT_FETCHED = "content_fetched";
  public static final String CONTENT_BYTES_FETCHED = "content_bytes_fetched";
  public static final String CONTENT_EXTRACTED = "content_extracted";
  public static final String CONTENT_SKIPPED_SIZE = "content_skipped_size";
  public static final String CONTENT_SKIPPED_TYPE = "content_skipped_type";
  public static final String CONTENT_ERRORS = "content_errors";
  /** Content failures that another try may fix: stored so the next sync fetches them again. */
  public static final String CONTENT_RETRY = "content_retry";
  public static final String INDEXED_OK = "indexed_ok";
  public static final String DELETED_OK = "deleted_ok";
  public static final String FAILED = "failed";
  /** Bulk operations sent again after a retryable failure (throttling, unavailable, too large a request). */
  public static final String WRITES_RETRIED = "writes_retried";
  public static final String BYTES_WRITTEN = "bytes_written";

  /** Display order of the summary. */
  public static final List<String> ALL = List.of(
      LISTED, DUPLICATE_IDS, INDEX_STATE_READ, CREATED, UPDATED, UNCHANGED, DELETED, DELETES_BLOCKED,
      LISTING_FAILURES, SKIPPED_PARTS, CONTENT_FETCHED, CONTENT_BYTES_FETCHED, CONTENT_EXTRACTED,
      CONTENT_SKIPPED_SIZE, CONTENT_SKIPPED_TYPE, CONTENT_ERRORS, CONTENT_RETRY, INDEXED_OK, DELETED_OK, WRITES_RETRIED, FAILED,
      BYTES_WRITTEN);

  private SyncCounters() {}
}
