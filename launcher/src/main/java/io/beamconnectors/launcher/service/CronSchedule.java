package io.beamconnectors.launcher.service;

import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * A Quartz cron expression (seconds first, {@code ?}, {@code L}, {@code W}, {@code #},
 * {@code start/step}) evaluated in UTC: the syntax Elasticsearch validates schedules with.
 */
public final class CronSchedule {
  private final CronExpression cron;

  private CronSchedule(CronExpression cron) {
    this.cron = cron;
  }

  /** Parses; the exception's message says what is wrong. */
  public static CronSchedule parse(String expression) throws ParseException {
    if (expression == null || expression.isBlank()) {
      throw new ParseException("the expression is empty", 0);
    }
    CronExpression c = new CronExpression(expression.trim());
    c.setTimeZone(TimeZone.getTimeZone("UTC"));
    return new CronSchedule(c);
  }

  /** The first fire time strictly after {@code t}, or null if there is none. */
  public Instant nextAfter(Instant t) {
    Date d = cron.getNextValidTimeAfter(Date.from(t));
    return d == null ? null : d.toInstant();
  }

  /**
   * The latest fire time in {@code (after, upTo]}, or null if none falls in it. A launcher that was
   * down for a long time gets one fire time back, not one per missed run.
   */
  public Instant latestIn(Instant after, Instant upTo) {
    Instant next = nextAfter(after);
    if (next == null || next.isAfter(upTo)) {
      return null;
    }
    Instant latest = next;
    // Jump back from upTo in growing steps so a long gap does not walk every fire time.
    long step = 1;
    Instant probeStart = upTo.minusSeconds(step);
    while (probeStart.isAfter(latest)) {
      Instant candidate = nextAfter(probeStart);
      if (candidate != null && !candidate.isAfter(upTo)) {
        latest = candidate;
        probeStart = candidate;
        break;
      }
      step *= 2;
      probeStart = upTo.minusSeconds(step);
    }
    for (Instant n = nextAfter(latest); n != null && !n.isAfter(upTo); n = nextAfter(n)) {
      latest = n;
    }
    return latest;
  }
}
