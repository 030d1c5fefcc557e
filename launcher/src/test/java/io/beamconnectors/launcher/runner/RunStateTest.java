package io.beamconnectors.launcher.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.launcher.config.LauncherConfig;
import io.beamconnectors.launcher.protocol.JobStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunStateTest {

  @Test
  void explicitMappingToJobStatuses() {
    assertEquals(JobStatus.IN_PROGRESS, RunState.STARTING.jobStatus(true));
    assertEquals(JobStatus.IN_PROGRESS, RunState.RUNNING.jobStatus(true));
    assertEquals(JobStatus.COMPLETED, RunState.DONE.jobStatus(true));
    assertEquals(JobStatus.ERROR, RunState.DONE.jobStatus(false), "a sync that was not clean is an error");
    assertEquals(JobStatus.ERROR, RunState.FAILED.jobStatus(true));
    assertEquals(JobStatus.ERROR, RunState.LOST.jobStatus(true));
    assertEquals(JobStatus.CANCELED, RunState.CANCELLED.jobStatus(true));
  }

  @Test
  void flinkStates() {
    for (String s : List.of("CREATED", "INITIALIZING", "RUNNING", "RESTARTING", "FAILING", "CANCELLING", "RECONCILING")) {
      assertEquals(RunState.RUNNING, FlinkRunnerAdapter.map(s), s);
    }
    assertEquals(RunState.DONE, FlinkRunnerAdapter.map("FINISHED"));
    assertEquals(RunState.CANCELLED, FlinkRunnerAdapter.map("CANCELED"));
    assertEquals(RunState.FAILED, FlinkRunnerAdapter.map("FAILED"));
    assertEquals(RunState.LOST, FlinkRunnerAdapter.map("SUSPENDED"));
    assertEquals("bc-sync-ajbo6ibx4xplt0cerg--", FlinkRunnerAdapter.jobName("AjbO6IBx4xPlT0CErG_/"));
    assertEquals(38, FlinkRunnerAdapter.varint(java.util.Base64.getDecoder().decode("Jg==")));
    assertEquals(300, FlinkRunnerAdapter.varint(new byte[] {(byte) 0xAC, 0x02}));
    assertEquals(0, FlinkRunnerAdapter.varint(new byte[] {0}));
  }

  @Test
  void submittedArgumentsCarryAReferenceNotTheSecret() {
    LauncherConfig c = LauncherConfig.parse("elasticsearch:\n  host: https://es:9200\n  username: elastic\n"
        + "  password: Very-Secret-1\n  ca_certs: /ca.pem\n", Map.of(), "f");
    List<String> args = PipelineArguments.of("job-1", c.elasticsearch());
    assertTrue(args.contains("--syncJobId=job-1"));
    assertTrue(args.contains("--esCredentialEnv=" + PipelineArguments.CREDENTIAL_ENV));
    assertTrue(args.contains("--esUsername=elastic"));
    assertFalse(String.join(" ", args).contains("Very-Secret-1"));
  }
}
