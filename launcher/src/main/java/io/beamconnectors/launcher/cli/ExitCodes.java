package io.beamconnectors.launcher.cli;

/** The launcher's exit codes (documented in docs/launcher.md). */
public final class ExitCodes {
  public static final int OK = 0;
  /** {@code sync --wait}: the job ended {@code error} or {@code canceled}. */
  public static final int SYNC_FAILED = 1;
  /** Bad usage, bad config.yml, bad configuration file or cron expression. */
  public static final int BAD_INPUT = 2;
  /** Elasticsearch unreachable, credentials rejected or a privilege missing. */
  public static final int ELASTICSEARCH = 3;
  /** The connector or job does not exist. */
  public static final int NOT_FOUND = 4;
  /** {@code sync --wait --timeout}: the job did not end in time (it keeps running). */
  public static final int TIMEOUT = 5;

  private ExitCodes() {}
}
