package io.beamconnectors.launcher.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** A sync-job document as read, with its sequence number and primary term. */
public record SyncJob(String id, long seqNo, long primaryTerm, ObjectNode source) {

  public JobStatus status() {
    return JobStatus.fromWire(text("status"));
  }

  public JobType jobType() {
    return JobType.fromWire(text("job_type"));
  }

  public String connectorId() {
    JsonNode n = source.path("connector").get("id");
    return n == null || n.isNull() ? null : n.asText();
  }

  public String serviceType() {
    return source.path("connector").path("service_type").asText(null);
  }

  public String indexName() {
    return source.path("connector").path("index_name").asText(null);
  }

  public String triggerMethod() {
    return text("trigger_method");
  }

  public String error() {
    return text("error");
  }

  public Instant createdAt() {
    return instant("created_at");
  }

  public Instant lastSeen() {
    return instant("last_seen");
  }

  public long counter(String field) {
    return source.path(field).asLong(0);
  }

  public String text(String field) {
    return DocumentFields.text(source, field);
  }

  private Instant instant(String field) {
    return DocumentFields.instant(source, field);
  }
}
