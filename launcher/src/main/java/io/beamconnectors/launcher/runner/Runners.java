package io.beamconnectors.launcher.runner;

import io.beamconnectors.launcher.config.LauncherConfig;
import io.beamconnectors.launcher.runner.dataflow.DataflowRunnerAdapter;

/** The runner adapter config.yml's {@code runner.type} names. */
public final class Runners {
  private Runners() {}

  public static RunnerAdapter create(LauncherConfig config) {
    return switch (config.runner().type()) {
      case "direct" -> new DirectRunnerAdapter(config);
      case "flink" -> config.runner().flink().embedded()
          ? new EmbeddedFlinkRunnerAdapter(config) : new FlinkRunnerAdapter(config);
      case "dataflow" -> DataflowRunnerAdapter.create(config);
      default -> throw new IllegalArgumentException("runner.type '" + config.runner().type() + "' is not available");
    };
  }
}
