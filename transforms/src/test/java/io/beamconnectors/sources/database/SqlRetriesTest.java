package io.beamconnectors.sources.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.sources.ConnectorConfiguration;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.testing.CoderProperties;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

class SqlRetriesTest {
  /** A fake dialect: only isTransient matters here (SQL state 08xxx is transient). */
  private static final DatabaseDialect FAKE = new DatabaseDialect() {
    @Override public String jdbcUrl(ConnectorConfiguration c) { return ""; }
    @Override public Properties connectionProperties(ConnectorConfiguration c) { return new Properties(); }
    @Override public List<String> schemas(Connection c, ConnectorConfiguration config) { return List.of(); }
    @Override public List<ListedTable> tables(Connection c, ConnectorConfiguration config, String s) { return List.of(); }
    @Override public List<String> primaryKey(Connection c, TableRef t) { return List.of(); }
    @Override public String selectAll(ListedTable t) { return ""; }
    @Override public ColumnValue value(ResultSet r, int i, String t) { return ColumnValue.sqlNull(); }
    @Override public boolean isTransient(SQLException e) { return e.getSQLState() != null && e.getSQLState().startsWith("08"); }
  };

  @Test
  void transientFailuresAreRetriedAtMostRetryCountTimesWithCappedGrowingWaits() {
    List<Long> waits = new ArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    SqlRetries retries = SqlRetries.of(FAKE, 10).withBackoff(Duration.standardSeconds(2), waits::add);
    SQLException e = assertThrows(SQLException.class, () -> retries.run(() -> {
      calls.incrementAndGet();
      throw new SQLException("connection reset", "08006");
    }));
    assertEquals("08006", e.getSQLState());
    assertEquals(11, calls.get(), "1 attempt + 10 retries");
    assertEquals(10, waits.size());
    assertTrue(waits.get(0) >= 1000 && waits.get(0) <= 3000, waits.toString());
    assertTrue(waits.stream().allMatch(w -> w <= SqlRetries.MAX_BACKOFF.getMillis() * 3 / 2), "capped (plus jitter): " + waits);
  }

  @Test
  void permanentFailuresAndSuccessAfterRetryAreNotRetriedFurther() throws Exception {
    List<Long> waits = new ArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    SqlRetries retries = SqlRetries.of(FAKE, 3).withBackoff(Duration.millis(1), waits::add);
    assertThrows(SQLException.class, () -> retries.run(() -> {
      calls.incrementAndGet();
      throw new SQLException("permission denied", "42501");
    }));
    assertEquals(1, calls.get());
    calls.set(0);
    assertEquals("ok", retries.run(() -> {
      if (calls.incrementAndGet() < 3) {
        throw new SQLException("server restarting", "08001");
      }
      return "ok";
    }));
    assertEquals(3, calls.get());
    calls.set(0);
    assertThrows(SQLException.class, () -> retries.run(() -> {
      calls.incrementAndGet();
      throw new SqlRetries.NotRetriedException(new SQLException("lost mid-stream", "08006"));
    }));
    assertEquals(1, calls.get());
  }

  @Test
  void listedTableCoderRoundTrips() throws Exception {
    Coder<ListedTable> coder = ListedTable.Coder.of();
    CoderProperties.coderDecodeEncodeEqual(coder, new ListedTable(new TableRef("s_1", "t é"), "r", List.of("a", "B")));
    CoderProperties.coderDecodeEncodeEqual(coder, new ListedTable(new TableRef("", ""), "p", List.of()));
    CoderProperties.coderDeterministic(coder, new ListedTable(new TableRef("s", "t"), "r", List.of("id")),
        new ListedTable(new TableRef("s", "t"), "r", List.of("id")));
  }
}
