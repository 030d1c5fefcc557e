package io.beamconnectors.sources.database;

import com.fasterxml.jackson.databind.node.TextNode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Dates and times read through {@code java.time} (never through the JVM's time zone or locale),
 * written as Python's {@code isoformat()} in fields ({@code 2024-03-01T10:15:30.500000+05:30}) and
 * as Python's {@code str()} in ids (a space instead of the {@code T}). Python keeps microseconds:
 * a fraction that is a whole number of microseconds is written with six digits (none when zero), a
 * finer one (Oracle {@code TIMESTAMP(9)}, SQL Server {@code datetime2(7)}) with nine, so no value is
 * rounded.
 */
public final class DateTimeValues {
  private DateTimeValues() {}

  public static ColumnValue date(LocalDate d) {
    return d == null ? ColumnValue.sqlNull() : ColumnValue.text(date(d.getYear(), d.getMonthValue(), d.getDayOfMonth()));
  }

  public static ColumnValue time(LocalTime t) {
    return t == null ? ColumnValue.sqlNull() : ColumnValue.text(time(t.getHour(), t.getMinute(), t.getSecond(), t.getNano()));
  }

  public static ColumnValue dateTime(LocalDateTime t) {
    if (t == null) {
      return ColumnValue.sqlNull();
    }
    String day = date(t.getYear(), t.getMonthValue(), t.getDayOfMonth());
    String clock = time(t.getHour(), t.getMinute(), t.getSecond(), t.getNano());
    return ColumnValue.of(TextNode.valueOf(day + "T" + clock), day + " " + clock);
  }

  /** With the value's own offset (as stored), {@code +HH:MM}; {@code +00:00} for UTC. */
  public static ColumnValue offsetDateTime(OffsetDateTime t) {
    if (t == null) {
      return ColumnValue.sqlNull();
    }
    ColumnValue local = dateTime(t.toLocalDateTime());
    String offset = offset(t.getOffset());
    return ColumnValue.of(TextNode.valueOf(local.json().textValue() + offset), local.keyText() + offset);
  }

  /** A local date-time that is known to be UTC (e.g. read in a session pinned to UTC). */
  public static ColumnValue utcDateTime(LocalDateTime t) {
    return t == null ? ColumnValue.sqlNull() : offsetDateTime(t.atOffset(ZoneOffset.UTC));
  }

  static String offset(ZoneOffset o) {
    int total = o.getTotalSeconds();
    int abs = Math.abs(total);
    String s = (total < 0 ? "-" : "+") + pad(abs / 3600, 2) + ":" + pad(abs / 60 % 60, 2);
    return abs % 60 == 0 ? s : s + ":" + pad(abs % 60, 2);
  }

  static String date(int year, int month, int day) {
    String y = year >= 0 && year <= 9999 ? pad(year, 4) : (year < 0 ? "-" + pad(-year, 4) : "+" + year);
    return y + "-" + pad(month, 2) + "-" + pad(day, 2);
  }

  static String time(int hour, int minute, int second, int nano) {
    String s = pad(hour, 2) + ":" + pad(minute, 2) + ":" + pad(second, 2);
    if (nano == 0) {
      return s;
    }
    return nano % 1000 == 0 ? s + "." + pad(nano / 1000, 6) : s + "." + pad(nano, 9);
  }

  private static String pad(int value, int width) {
    String digits = Integer.toString(value);
    StringBuilder sb = new StringBuilder(width);
    for (int i = digits.length(); i < width; i++) {
      sb.append('0');
    }
    return sb.append(digits).toString();
  }
}
