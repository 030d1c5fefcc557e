package io.beamconnectors.launcher.protocol;

import java.util.Locale;

/** A sync job's {@code status}, as the protocol spells it. */
public enum JobStatus {
  PENDING, IN_PROGRESS, CANCELING, CANCELED, SUSPENDED, COMPLETED, ERROR;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Unknown or missing values read as null. */
  public static JobStatus fromWire(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** {@code completed}, {@code error} and {@code canceled}: the job will not change again. */
  public boolean terminal() {
    return this == COMPLETED || this == ERROR || this == CANCELED;
  }
}
