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
    super("Invalid connector configuration: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public ConfigurationException(String problem) {
    this(List.of(problem));
  }

  public List<String> problems() {
    return problems;
  }
}
