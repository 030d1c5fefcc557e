package io.beamconnectors.launcher.runner.dataflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.dataflow.model.JobMetrics;
import org.junit.jupiter.api.Test;

/** {@code Jobs.GetMetrics} answers in the documented JobMetrics JSON (MetricUpdate, MetricStructuredName). */
class DataflowCountersTest {

  private static JobMetrics parse(String json) throws Exception {
    return GsonFactory.getDefaultInstance().fromString(json, JobMetrics.class);
  }

  private static String update(String origin, String name, String namespace, String step, boolean tentative, String scalar) {
    return "{\"name\":{\"origin\":\"" + origin + "\",\"name\":\"" + name + "\",\"context\":{\"namespace\":\"" + namespace
        + "\",\"step\":\"" + step + "\"" + (tentative ? ",\"tentative\":\"true\"" : "") + "}},"
        + "\"scalar\":" + scalar + ",\"updateTime\":\"2026-12-03T11:00:00.000Z\"}";
  }

  @Test
  void sumsTheSyncCountersOverStepsAndSeparatesAttemptedFromCommitted() throws Exception {
    String json = "{\"metricTime\":\"2026-12-03T11:00:00.000Z\",\"metrics\":["
        + update("user", "indexed_ok", "sync", "s12", true, "700") + ","
        + update("user", "indexed_ok", "sync", "s12", false, "650") + ","
        + update("user", "indexed_ok", "sync", "s14", true, "300") + ","
        + update("user", "indexed_ok", "sync", "s14", false, "300") + ","
        + update("user", "deleted_ok", "sync", "s20", false, "0") + ","
        + update("user", "deleted_ok", "sync", "s20", true, "2") + ","
        + update("user", "bytes_written", "sync", "s12", true, "5000000000") + ","
        + update("user", "bytes_written", "sync", "s12", false, "\"4999999999\"") + ","
        // Same name in another namespace, and a Dataflow system counter: both ignored.
        + update("user", "indexed_ok", "other", "s12", false, "99") + ","
        + "{\"name\":{\"origin\":\"dataflow/v1b3\",\"name\":\"ElementCount\",\"context\":{\"original_name\":\"x\"}},"
        + "\"scalar\":12345},"
        // A distribution of the sync namespace has no scalar: ignored.
        + "{\"name\":{\"origin\":\"user\",\"name\":\"latency\",\"context\":{\"namespace\":\"sync\",\"step\":\"s1\"}},"
        + "\"distribution\":{\"count\":3,\"sum\":12}}"
        + "]}";
    DataflowCounters c = DataflowCounters.from(parse(json));
    assertEquals(1000, c.indexed(false));
    assertEquals(950, c.indexed(true));
    assertEquals(2, c.deleted(false));
    assertEquals(0, c.deleted(true));
    assertEquals(5_000_000_000L, c.bytesWritten(false));
    assertEquals(4_999_999_999L, c.bytesWritten(true));
    java.util.Set<String> sync = java.util.Set.of("indexed_ok", "deleted_ok", "bytes_written");
    assertEquals(sync, c.attempted().keySet(), "only counters of namespace sync");
    assertEquals(sync, c.committed().keySet(), "only counters of namespace sync");
  }

  @Test
  void emptyOrEarlyAnswersGiveZeroes() throws Exception {
    DataflowCounters empty = DataflowCounters.from(parse("{}"));
    assertEquals(0, empty.indexed(false));
    assertEquals(0, empty.indexed(true));
    DataflowCounters committedOnly = DataflowCounters.from(parse("{\"metrics\":["
        + update("user", "indexed_ok", "sync", "s1", false, "5") + "]}"));
    assertEquals(5, committedOnly.indexed(false), "live value falls back to committed");
    DataflowCounters attemptedOnly = DataflowCounters.from(parse("{\"metrics\":["
        + update("user", "indexed_ok", "sync", "s1", true, "5") + "]}"));
    assertEquals(0, attemptedOnly.indexed(true), "a final value never counts uncommitted attempts");
  }
}
