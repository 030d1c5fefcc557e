package io.beamconnectors.launcher.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.launcher.config.LauncherConfig;
import io.beamconnectors.launcher.runner.dataflow.DataflowRunnerAdapter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a pipeline is submitted with: references to the credentials, never their values. */
class PipelineArgumentsTest {
  private static final String KEY = "Q29ubmVjdG9yS2V5OnPDvGtyZXQ=";
  private static final String PASSWORD = "launcher-pw: #1";

  private static LauncherConfig config() {
    return LauncherConfig.parse("elasticsearch:\n  host: http://127.0.0.1:9\n  username: elastic\n  password: ${PW}\n"
        + "connectors:\n  - connector_id: 'pg ü'\n    service_type: postgresql\n    api_key: ${KEY}\n"
        + "  - connector_id: other\n    service_type: postgresql\n", Map.of("PW", PASSWORD, "KEY", KEY), "f");
  }

  @Test
  void theConnectorKeyIsNamedByItsVariableNeverGiven() {
    LauncherConfig c = config();
    assertEquals(KEY, c.connectorApiKey("pg ü"));
    assertNull(c.connectorApiKey("other"));
    assertNull(c.connectorApiKey("PG Ü"), "ids are exact");
    List<String> args = PipelineArguments.of("job-1", c.elasticsearch(), true);
    assertTrue(args.contains("--esContentApiKeyEnv=" + PipelineArguments.CONTENT_API_KEY_ENV), args.toString());
    assertTrue(args.contains("--esCredentialEnv=" + PipelineArguments.CREDENTIAL_ENV), args.toString());
    assertFalse(String.join(" ", args).contains(KEY));
    assertFalse(String.join(" ", args).contains(PASSWORD));
    assertFalse(PipelineArguments.of("job-1", c.elasticsearch(), false).toString().contains("esContentApiKeyEnv"));
  }

  @Test
  void connectorKeysAreSecretsToMask() {
    LauncherConfig c = config();
    assertTrue(c.secrets().contains(KEY));
    assertTrue(c.secrets().contains(PASSWORD));
    assertFalse(c.connectors().toString().contains(KEY));
  }

  @Test
  void dataflowRefusesAConnectorKeyWithTheReason() {
    LauncherConfig c = LauncherConfig.parse("runner:\n  type: dataflow\n  dataflow:\n    project: my-project-123\n"
        + "    region: europe-west1\n    template_location: gs://bc-bucket/t.json\n", Map.of(), "f");
    DataflowRunnerAdapter a = new DataflowRunnerAdapter(c.elasticsearch(), c.runner().dataflow(), new NoDataflow());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.submit("j", KEY));
    assertTrue(e.getMessage().contains("connectors[].api_key"), e.getMessage());
    assertFalse(e.getMessage().contains(KEY));
  }

  /** A Dataflow API that must not be called. */
  private static final class NoDataflow implements io.beamconnectors.launcher.runner.dataflow.DataflowApi {
    @Override
    public io.beamconnectors.launcher.runner.dataflow.DataflowJobs.Launched launch(String id, Map<String, String> p) {
      throw new AssertionError("no launch expected");
    }

    @Override
    public java.util.Optional<com.google.api.services.dataflow.model.Job> findByName(String n) {
      throw new AssertionError();
    }

    @Override
    public io.beamconnectors.launcher.runner.dataflow.DataflowJobStatus status(String id) {
      throw new AssertionError();
    }

    @Override
    public io.beamconnectors.launcher.runner.dataflow.DataflowCounters counters(String id) {
      throw new AssertionError();
    }

    @Override
    public void cancel(String id) {
      throw new AssertionError();
    }
  }
}
