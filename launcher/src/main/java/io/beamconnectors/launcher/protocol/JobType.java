package io.beamconnectors.launcher.protocol;

import java.util.Locale;

/**
 * A sync job's {@code job_type} (9.x), with the connector fields that belong to it: its schedule
 * key under {@code scheduling} and its scheduling lock. Jobs without a type (8.8) are full syncs.
 */
public enum JobType {
  FULL("full", "last_sync_scheduled_at"),
  INCREMENTAL("incremental", "last_incremental_sync_scheduled_at"),
  ACCESS_CONTROL("access_control", "last_access_control_sync_scheduled_at");

  private final String wire;
  private final String scheduledAtField;

  JobType(String wire, String scheduledAtField) {
    this.wire = wire;
    this.scheduledAtField = scheduledAtField;
  }

  public String wire() {
    return wire;
  }

  /** The connector field holding the last fire time a job of this type was created for. */
  public String scheduledAtField() {
    return scheduledAtField;
  }

  public static JobType fromWire(String s) {
    if (s == null || s.isEmpty()) {
      return FULL;
    }
    for (JobType t : values()) {
      if (t.wire.equals(s.toLowerCase(Locale.ROOT))) {
        return t;
      }
    }
    return null;
  }
}
