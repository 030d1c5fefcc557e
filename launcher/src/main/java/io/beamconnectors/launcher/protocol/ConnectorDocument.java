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
