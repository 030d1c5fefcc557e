package io.beamconnectors.launcher.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void readsTheNinePerTypeForm() throws Exception {
    ObjectNode doc = (ObjectNode) JSON.readTree("{\"scheduling\": {\"full\": {\"enabled\": true, \"interval\": \"0 * * * * ?\"},"
        + " \"incremental\": {\"enabled\": false, \"interval\": \"0 0 0 * * ?\"}}, \"last_sync_scheduled_at\":"
        + " \"2026-03-01T10:00:00.000Z\", \"last_sync_status\": \"in_progress\"}");
    ConnectorDocument c = new ConnectorDocument("c", 1, 1, doc);
    assertEquals(new Schedule(true, "0 * * * * ?"), c.schedule(JobType.FULL));
    assertFalse(c.schedule(JobType.INCREMENTAL).enabled());
    assertFalse(c.schedule(JobType.ACCESS_CONTROL).enabled());
    assertEquals(java.time.Instant.parse("2026-03-01T10:00:00Z"), c.lastScheduledAt(JobType.FULL));
    assertEquals(JobStatus.IN_PROGRESS, c.lastSyncStatus());
  }

  @Test
  void readsTheEightEightSingleFormAsFullAndSyncNow() throws Exception {
    ObjectNode doc = (ObjectNode) JSON.readTree("{\"scheduling\": {\"enabled\": true, \"interval\": \"0 0 * * * ?\"},"
        + " \"sync_now\": true}");
    ConnectorDocument c = new ConnectorDocument("c", 1, 1, doc);
    assertEquals(new Schedule(true, "0 0 * * * ?"), c.schedule(JobType.FULL));
    assertFalse(c.schedule(JobType.INCREMENTAL).enabled());
    assertTrue(c.syncNow());
  }

  @Test
  void jobsWithoutTypeAreFullSyncs() {
    assertEquals(JobType.FULL, JobType.fromWire(null));
    assertEquals(JobType.ACCESS_CONTROL, JobType.fromWire("access_control"));
  }
}
