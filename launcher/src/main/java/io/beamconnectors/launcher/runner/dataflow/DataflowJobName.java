package io.beamconnectors.launcher.runner.dataflow;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The Dataflow job name of a sync job. Dataflow allows one active job per name and region and
 * answers a second launch with 409 ALREADY_EXISTS, so a name derived only from the sync-job id
 * makes a retried launch safe: the retry finds the job the first attempt started.
 *
 * <p>Job names must match {@code [a-z]([-a-z0-9]{0,1022}[a-z0-9])?}; sync-job ids are arbitrary
 * Elasticsearch ids (upper case, {@code _}, unicode). The name is {@code bc-sync-}, a readable
 * lower-cased part of the id, and 12 hex digits of the id's SHA-256, so ids that differ only in
 * case or in characters the readable part drops still get different names.
 */
public final class DataflowJobName {
  /** Dataflow's rule for job names. */
  public static final String PATTERN = "[a-z]([-a-z0-9]{0,1022}[a-z0-9])?";
  static final String PREFIX = "bc-sync-";
  private static final int READABLE_MAX = 40;
  private static final int HASH_HEX_DIGITS = 12;

  private DataflowJobName() {}

  /** The job name for a sync job; the same id always gives the same name. */
  public static String forSyncJob(String syncJobId) {
    if (syncJobId == null || syncJobId.isEmpty()) {
      throw new IllegalArgumentException("sync-job id must not be empty: the Dataflow job name is derived from it");
    }
    String readable = syncJobId.toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9]+", "-")
        .replaceAll("^-+|-+$", "");
    if (readable.length() > READABLE_MAX) {
      readable = readable.substring(0, READABLE_MAX).replaceAll("-+$", "");
    }
    String hash = sha256Hex(syncJobId).substring(0, HASH_HEX_DIGITS);
    return PREFIX + (readable.isEmpty() ? "" : readable + "-") + hash;
  }

  private static String sha256Hex(String s) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
