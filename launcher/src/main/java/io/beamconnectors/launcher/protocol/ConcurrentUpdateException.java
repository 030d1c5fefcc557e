package io.beamconnectors.launcher.protocol;

/**
 * An update with {@code if_seq_no}/{@code if_primary_term} lost the race (HTTP 409): someone else
 * changed the document since it was read. Reload and decide again.
 */
public final class ConcurrentUpdateException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConcurrentUpdateException(String message) {
    super(message);
  }
}
