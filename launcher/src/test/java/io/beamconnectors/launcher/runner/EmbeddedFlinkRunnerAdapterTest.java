package io.beamconnectors.launcher.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.launcher.config.LauncherConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code runner.flink.master: "[local]"} selects Flink inside the launcher: its runs die with it. */
class EmbeddedFlinkRunnerAdapterTest {

  @Test
  void anEmbeddedMasterRunsFlinkInTheLauncher() {
    LauncherConfig config = LauncherConfig.parse("runner:\n  type: flink\n  flink:\n    master: \"[local]\"\n"
        + "    parallelism: 2\n", Map.of(), "f");
    try (RunnerAdapter runner = Runners.create(config)) {
      EmbeddedFlinkRunnerAdapter embedded = assertInstanceOf(EmbeddedFlinkRunnerAdapter.class, runner);
      assertEquals("flink", runner.name());
      assertTrue(runner.runsInLauncherProcess(), "SIGTERM cancels and suspends its runs");
      assertTrue(runner.recover("job-1").isEmpty(), "nothing outlives the launcher");
      assertEquals(java.util.List.of("--runner=FlinkRunner", "--flinkMaster=[auto]", "--parallelism=2",
          "--jobName=bc-sync-job-1"), embedded.runnerArguments("Job_1"));
    }
    LauncherConfig session = LauncherConfig.parse("runner:\n  type: flink\n  flink:\n    master: 127.0.0.1:8081\n"
        + "    jar: /opt/bc/pipelines.jar\n", Map.of(), "f");
    try (RunnerAdapter runner = Runners.create(session)) {
      assertInstanceOf(FlinkRunnerAdapter.class, runner);
    }
  }
}
