package io.beamconnectors.launcher.runner;

import io.beamconnectors.metrics.SyncCounters;
import io.beamconnectors.sync.SyncSummary;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The job document's counters: documents Elasticsearch accepted, documents deleted, and the
 * indexed volume (bytes here, written in MiB rounded as the protocol says).
 */
public record JobCounters(long indexed, long deleted, long volumeBytes) {
  public static final JobCounters ZERO = new JobCounters(0, 0, 0);

  public static JobCounters of(SyncSummary s) {
    return new JobCounters(s.get(SyncCounters.INDEXED_OK), s.get(SyncCounters.DELETED_OK), s.get(SyncCounters.BYTES_WRITTEN));
  }

  public long volumeMiB() {
    return Math.round(volumeBytes / (1024.0 * 1024.0));
  }

  /** The job document fields. */
  public Map<String, Object> fields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("indexed_document_count", indexed);
    m.put("indexed_document_volume", volumeMiB());
    m.put("deleted_document_count", deleted);
    return m;
  }
}
