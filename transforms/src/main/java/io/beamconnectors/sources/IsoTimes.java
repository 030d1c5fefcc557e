package io.beamconnectors.sources;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Times as the reference writes them: Python's {@code isoformat()} of an aware UTC datetime,
 * {@code 2024-03-31T01:30:00+00:00}, with {@code .ffffff} microseconds only when they are not zero.
 * Independent of the machine's time zone and locale (digits are always ASCII).
 */
public final class IsoTimes {
  private IsoTimes() {}

  public static String isoformat(Instant instant) {
    LocalDateTime t = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    StringBuilder sb = new StringBuilder(32);
    pad(sb, t.getYear(), 4).append('-');
    pad(sb, t.getMonthValue(), 2).append('-');
    pad(sb, t.getDayOfMonth(), 2).append('T');
    pad(sb, t.getHour(), 2).append(':');
    pad(sb, t.getMinute(), 2).append(':');
    pad(sb, t.getSecond(), 2);
    int micros = t.getNano() / 1000;
    if (micros != 0) {
      pad(sb.append('.'), micros, 6);
    }
    return sb.append("+00:00").toString();
  }

  public static String isoformatMillis(long epochMillis) {
    return isoformat(Instant.ofEpochMilli(epochMillis));
  }

  private static StringBuilder pad(StringBuilder sb, int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      sb.append('0');
    }
    return sb.append(digits);
  }
}
