package io.beamconnectors.sources.database;

import java.io.IOException;
import java.sql.SQLException;
import org.apache.beam.sdk.util.BackOff;
import org.apache.beam.sdk.util.BackOffUtils;
import org.apache.beam.sdk.util.FluentBackoff;
import org.apache.beam.sdk.util.Sleeper;
import org.joda.time.Duration;

/**
 * Bounded retries of transient database failures with Beam's {@link FluentBackoff} (exponential,
 * jittered by up to 50%, starting at about 2 s as the reference's {@code 2**attempt}, the base wait capped at 60 s), the
 * way Beam's own IOs retry. A failure the dialect does not call transient, or a
 * {@link NotRetriedException}, is thrown at once.
 */
final class SqlRetries {
  static final Duration INITIAL_BACKOFF = Duration.standardSeconds(2);
  static final Duration MAX_BACKOFF = Duration.standardSeconds(60);

  private final DatabaseDialect dialect;
  private final int retries;
  private final Duration initialBackoff;
  private final Sleeper sleeper;

  private SqlRetries(DatabaseDialect dialect, int retries, Duration initialBackoff, Sleeper sleeper) {
    if (retries < 0) {
      throw new IllegalArgumentException("retries must be 0 or more: got " + retries);
    }
    this.dialect = dialect;
    this.retries = retries;
    this.initialBackoff = initialBackoff;
    this.sleeper = sleeper;
  }

  static SqlRetries of(DatabaseDialect dialect, int retries) {
    return new SqlRetries(dialect, retries, INITIAL_BACKOFF, Sleeper.DEFAULT);
  }

  /** For tests: another first wait and a sleeper that records instead of sleeping. */
  SqlRetries withBackoff(Duration initial, Sleeper testSleeper) {
    return new SqlRetries(dialect, retries, initial, testSleeper);
  }

  <T> T run(SqlAction<T> action) throws SQLException {
    BackOff backoff = FluentBackoff.DEFAULT
        .withMaxRetries(retries)
        .withInitialBackoff(initialBackoff)
        .withMaxBackoff(MAX_BACKOFF)
        .backoff();
    while (true) {
      try {
        return action.run();
      } catch (SQLException e) {
        if (e instanceof NotRetriedException || !dialect.isTransient(e)) {
          throw e;
        }
        boolean again;
        try {
          again = BackOffUtils.next(sleeper, backoff);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        } catch (IOException io) {
          throw e;
        }
        if (!again) {
          throw e;
        }
      }
    }
  }

  @FunctionalInterface
  interface SqlAction<T> {
    T run() throws SQLException;
  }

  /** Wraps a failure that must not be retried (rows were already emitted, or the table changed). */
  static final class NotRetriedException extends SQLException {
    private static final long serialVersionUID = 1L;

    NotRetriedException(SQLException cause) {
      super(cause.getMessage(), cause.getSQLState(), cause);
    }

    NotRetriedException(String message) {
      super(message);
    }
  }
}
