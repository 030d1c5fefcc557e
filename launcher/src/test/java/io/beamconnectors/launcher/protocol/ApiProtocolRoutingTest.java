package io.beamconnectors.launcher.protocol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.launcher.runner.JobCounters;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which job writes the api backend sends to {@code _stats}: the monitor's progress reports only;
 * ends of jobs, claims and anything with a status stay direct writes (the API has no call for
 * them). The calls themselves run against a real {@code _connector} API in ConnectorApiFtest.
 */
class ApiProtocolRoutingTest {

  @Test
  void theMonitorsProgressReportGoesToStats() {
    Map<String, Object> report = new LinkedHashMap<>(new JobCounters(12, 3, 5 << 20).fields());
    report.put("last_seen", "2026-12-03T15:00:00.000Z");
    assertTrue(ApiProtocol.isStats(report));
    assertTrue(ApiProtocol.isStats(new JobCounters(0, 0, 0).fields()), "zero counters are still a report");
  }

  @Test
  void endsClaimsAndPartialCountersStayDirect() {
    Map<String, Object> end = new HashMap<>(new JobCounters(1, 2, 3).fields());
    end.put("status", "completed");
    end.put("completed_at", "2026-12-03T15:00:00.000Z");
    assertFalse(ApiProtocol.isStats(end));
    assertFalse(ApiProtocol.isStats(Map.of("indexed_document_count", 1L, "last_seen", "x")),
        "_stats needs all three counters");
    Map<String, Object> withMetadata = new HashMap<>(new JobCounters(1, 2, 3).fields());
    withMetadata.put("metadata", Map.of("sync", Map.of()));
    assertFalse(ApiProtocol.isStats(withMetadata));
    Map<String, Object> notNumbers = new HashMap<>();
    notNumbers.put("indexed_document_count", "1");
    notNumbers.put("indexed_document_volume", 0);
    notNumbers.put("deleted_document_count", 0);
    assertFalse(ApiProtocol.isStats(notNumbers));
  }
}
