package io.beamconnectors.launcher.protocol;

import java.util.Locale;

/** A connector's {@code status}, as the protocol spells it. */
public enum ConnectorStatus {
  CREATED, NEEDS_CONFIGURATION, CONFIGURED, CONNECTED, ERROR;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ConnectorStatus fromWire(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
