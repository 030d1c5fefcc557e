package io.beamconnectors.launcher.protocol;

/**
 * Elasticsearch could not be reached or refused the request (wrong credentials, missing privilege):
 * an expected failure whose message names the cause and the fix, shown as one line.
 */
public final class ElasticsearchAccessException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ElasticsearchAccessException(String message, Throwable cause) {
    super(message, cause);
  }
}
