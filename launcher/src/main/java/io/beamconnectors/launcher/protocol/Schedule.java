package io.beamconnectors.launcher.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One schedule of a connector: enabled flag and Quartz cron expression (seconds first, UTC).
 * Read from the 9.x {@code scheduling.<type>} or, for full syncs, the 8.8 single
 * {@code scheduling {enabled, interval}} (legacy input).
 */
public record Schedule(boolean enabled, String interval) {

  public static final Schedule DISABLED = new Schedule(false, "0 0 0 * * ?");

  /** The schedule of {@code type} in a connector document's {@code scheduling} object. */
  public static Schedule of(JsonNode scheduling, JobType type) {
    if (scheduling == null || !scheduling.isObject()) {
      return DISABLED;
    }
    JsonNode typed = scheduling.path(type.wire());
    if (typed.isObject()) {
      return new Schedule(typed.path("enabled").asBoolean(false), typed.path("interval").asText(""));
    }
    if (type == JobType.FULL && (scheduling.has("enabled") || scheduling.has("interval"))) {
      return new Schedule(scheduling.path("enabled").asBoolean(false), scheduling.path("interval").asText(""));
    }
    return DISABLED;
  }
}
