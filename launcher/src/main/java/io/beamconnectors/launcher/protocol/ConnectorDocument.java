package io.beamconnectors.launcher.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * A connector document as read, with the sequence number and primary term an optimistic update
 * needs. Accessors read both the 9.x shapes and the 8.8 legacy ones.
 */
public record ConnectorDocument(String id, long seqNo, long primaryTerm, ObjectNode source) {

  public ConnectorStatus status() {
    return ConnectorStatus.fromWire(text("status"));
  }

  public String serviceType() {
    return text("service_type");
  }

  public String indexName() {
    return text("index_name");
  }

  public String error() {
    return text("error");
  }

  /** Soft-deleted ({@code deleted: true}, 9.x): treated as gone. */
  public boolean deleted() {
    return source.path("deleted").asBoolean(false);
  }

  /**
   * The fields that lock this connector for a sync (written with its {@code if_seq_no}, so two
   * writers cannot both take it): {@code last_sync_status} in_progress, {@code last_sync_error}
   * cleared, and a connector in {@code error} or {@code configured} marked connected.
   */
  public java.util.Map<String, Object> syncLockFields() {
    java.util.Map<String, Object> fields = new java.util.HashMap<>();
    fields.put("last_sync_status", JobStatus.IN_PROGRESS.wire());
    fields.put("last_sync_error", null);
    if (status() == ConnectorStatus.ERROR || status() == ConnectorStatus.CONFIGURED) {
      fields.put("status", ConnectorStatus.CONNECTED.wire());
      fields.put("error", null);
    }
    return fields;
  }

  public JobStatus lastSyncStatus() {
    return JobStatus.fromWire(text("last_sync_status"));
  }

  public JsonNode configuration() {
    return source.path("configuration");
  }

  public boolean configurationEmpty() {
    JsonNode c = configuration();
    return !c.isObject() || c.isEmpty();
  }

  public Schedule schedule(JobType type) {
    return Schedule.of(source.get("scheduling"), type);
  }

  /** The 8.8 on-demand request flag (legacy input). */
  public boolean syncNow() {
    return source.path("sync_now").asBoolean(false);
  }

  public Instant lastSeen() {
    return instant("last_seen");
  }

  public Instant lastScheduledAt(JobType type) {
    return instant(type.scheduledAtField());
  }

  public String text(String field) {
    return DocumentFields.text(source, field);
  }

  public Instant instant(String field) {
    return DocumentFields.instant(source, field);
  }
}
