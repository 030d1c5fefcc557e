package io.beamconnectors.launcher.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.text.ParseException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CronScheduleTest {

  @Test
  void quartzStepIsEveryThreeHoursInUtc() throws Exception {
    CronSchedule c = CronSchedule.parse("0 0 0/3 * * ?");
    assertEquals(Instant.parse("2026-03-01T03:00:00Z"), c.nextAfter(Instant.parse("2026-03-01T00:00:00Z")));
    assertEquals(Instant.parse("2026-03-01T06:00:00Z"), c.nextAfter(Instant.parse("2026-03-01T03:00:00Z")));
  }

  @Test
  void dayOfWeekOneIsSunday() throws Exception {
    // 2026-03-01 is a Sunday.
    CronSchedule c = CronSchedule.parse("0 30 12 ? * 1");
    assertEquals(Instant.parse("2026-03-01T12:30:00Z"), c.nextAfter(Instant.parse("2026-02-27T00:00:00Z")));
  }

  @Test
  void latestInGivesOneFireTimeForALongGap() throws Exception {
    CronSchedule c = CronSchedule.parse("*/5 * * * * ?");
    assertEquals(Instant.parse("2026-03-02T00:00:00Z"),
        c.latestIn(Instant.parse("2026-03-01T00:00:01Z"), Instant.parse("2026-03-02T00:00:04Z")));
    assertNull(c.latestIn(Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-03-01T00:00:04Z")));
    assertEquals(Instant.parse("2026-03-01T00:00:05Z"),
        c.latestIn(Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-03-01T00:00:05Z")),
        "the upper bound is included, the lower one is not");
  }

  @Test
  void badExpressionsSayWhy() {
    assertThrows(ParseException.class, () -> CronSchedule.parse("0 0 * * *"));
    assertThrows(ParseException.class, () -> CronSchedule.parse(""));
    assertThrows(ParseException.class, () -> CronSchedule.parse("0 0 25 * * ?"));
  }
}
