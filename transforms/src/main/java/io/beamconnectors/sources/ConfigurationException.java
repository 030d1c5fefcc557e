package io.beamconnectors.sources;

import java.util.List;

/**
 * A connector configuration that cannot be used. The message lists every problem, each naming the
 * field and how to fix it, and never contains a sensitive value.
 */
public class ConfigurationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public ConfigurationException(List<String> problems) {
    this("Invalid connector configuration: " + String.join("; ", problems), problems);
  }

  /** A message as given, for subclasses that say more than the problems. */
  protected ConfigurationException(String message, List<String> problems) {
    super(message);
    this.problems = List.copyOf(problems);
  }

  /**
   * A setting outside the connector's configuration that cannot work (e.g. the Elasticsearch
   * credential of the content index): handled like a configuration problem (exit code 2, the job's
   * error), its message as given, without the "Invalid connector configuration" prefix.
   */
  public static ConfigurationException ofSetting(String problem) {
    return new ConfigurationException(problem, List.of(problem));
  }

  public ConfigurationException(String problem) {
    this(List.of(problem));
  }

  public List<String> problems() {
    return problems;
  }
}
