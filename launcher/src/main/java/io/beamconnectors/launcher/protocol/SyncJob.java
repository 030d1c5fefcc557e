package io.beamconnectors.launcher.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;

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
    JsonNode n = source.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }

  private Instant instant(String field) {
    String s = text(field);
    if (s == null || s.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      try {
        return java.time.OffsetDateTime.parse(s).toInstant();
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }
}
