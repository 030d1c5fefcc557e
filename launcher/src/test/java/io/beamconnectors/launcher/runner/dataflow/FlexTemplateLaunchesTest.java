package io.beamconnectors.launcher.runner.dataflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.client.json.gson.GsonFactory;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The launch body against the documented JSON of {@code projects.locations.flexTemplates.launch}
 * (LaunchFlexTemplateRequest, LaunchFlexTemplateParameter, FlexTemplateRuntimeEnvironment). Not
 * sent to Dataflow: no Google Cloud project is reachable here.
 */
class FlexTemplateLaunchesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Field names of LaunchFlexTemplateParameter in the REST reference. */
  private static final Set<String> LAUNCH_PARAMETER_FIELDS = Set.of("jobName", "containerSpec", "containerSpecGcsPath",
      "parameters", "launchOptions", "environment", "update", "transformNameMappings");
  /** Field names of FlexTemplateRuntimeEnvironment in the REST reference. */
  private static final Set<String> ENVIRONMENT_FIELDS = Set.of("numWorkers", "maxWorkers", "zone", "serviceAccountEmail",
      "tempLocation", "machineType", "additionalExperiments", "network", "subnetwork", "additionalUserLabels",
      "kmsKeyName", "ipConfiguration", "workerRegion", "workerZone", "enableStreamingEngine", "flexrsGoal",
      "stagingLocation", "sdkContainerImage", "diskSizeGb", "autoscalingAlgorithm", "dumpHeapOnOom",
      "saveHeapDumpsToGcsPath", "launcherMachineType", "enableLauncherVmSerialPortLogging", "streamingMode");

  private static JsonNode body(Object request) throws Exception {
    return JSON.readTree(GsonFactory.getDefaultInstance().toString(request));
  }

  @Test
  void fullRequestHasTheDocumentedShape() throws Exception {
    DataflowLaunchSettings settings = DataflowLaunchSettings.of("my-project-123", "europe-west1",
            "gs://bc-templates/flex/beam-connectors.json")
        .withServiceAccountEmail("bc-sync@my-project-123.iam.gserviceaccount.com")
        .withTempLocation("gs://bc-temp/tmp")
        .withStagingLocation("gs://bc-temp/staging")
        .withNumWorkers(1)
        .withMaxWorkers(8)
        .withMachineType("n2-standard-4")
        .withNetwork(null, "regions/europe-west1/subnetworks/bc")
        .withPrivateIpsOnly(true)
        .withLabel("app", "beam-connectors")
        .withExperiment("use_runner_v2");
    Map<String, String> params = new LinkedHashMap<>();
    params.put("serviceType", "postgresql");
    params.put("esIndex", "search-ünï, \"quoted\"");
    params.put("esPasswordSecret", "projects/my-project-123/secrets/es-password/versions/latest");

    JsonNode b = body(FlexTemplateLaunches.request(settings, "Wq3_Zo0BAbCdEfGh", params));

    assertEquals(Set.of("launchParameter"), names(b), "a launch body has only launchParameter (validateOnly unset)");
    JsonNode p = b.get("launchParameter");
    assertTrue(LAUNCH_PARAMETER_FIELDS.containsAll(names(p)), "undocumented field in " + names(p));
    assertEquals(DataflowJobName.forSyncJob("Wq3_Zo0BAbCdEfGh"), p.get("jobName").asText());
    assertEquals("gs://bc-templates/flex/beam-connectors.json", p.get("containerSpecGcsPath").asText());
    assertEquals("postgresql", p.get("parameters").get("serviceType").asText());
    assertEquals("search-ünï, \"quoted\"", p.get("parameters").get("esIndex").asText());
    assertEquals(3, p.get("parameters").size());
    JsonNode env = p.get("environment");
    assertTrue(ENVIRONMENT_FIELDS.containsAll(names(env)), "undocumented field in " + names(env));
    assertEquals("bc-sync@my-project-123.iam.gserviceaccount.com", env.get("serviceAccountEmail").asText());
    assertEquals("gs://bc-temp/tmp", env.get("tempLocation").asText());
    assertEquals("gs://bc-temp/staging", env.get("stagingLocation").asText());
    assertTrue(env.get("maxWorkers").isInt(), "maxWorkers is an integer in the API");
    assertEquals(8, env.get("maxWorkers").asInt());
    assertEquals(1, env.get("numWorkers").asInt());
    assertEquals("n2-standard-4", env.get("machineType").asText());
    assertFalse(env.has("network"));
    assertEquals("regions/europe-west1/subnetworks/bc", env.get("subnetwork").asText());
    assertEquals("WORKER_IP_PRIVATE", env.get("ipConfiguration").asText());
    assertEquals("beam-connectors", env.get("additionalUserLabels").get("app").asText());
    assertEquals("use_runner_v2", env.get("additionalExperiments").get(0).asText());
  }

  @Test
  void minimalRequestSendsNoEmptyEnvironmentOrParameters() throws Exception {
    DataflowLaunchSettings settings = DataflowLaunchSettings.of("my-project-123", "us-central1", "gs://bc-templates/spec.json");
    JsonNode p = body(FlexTemplateLaunches.request(settings, "job-1", Map.of())).get("launchParameter");
    assertEquals(Set.of("jobName", "containerSpecGcsPath"), names(p));
  }

  @Test
  void sameSyncJobGivesTheSameJobNameSoARetryIsRecognised() throws Exception {
    DataflowLaunchSettings settings = DataflowLaunchSettings.of("my-project-123", "us-central1", "gs://bc-templates/spec.json");
    String first = FlexTemplateLaunches.request(settings, "job-1", Map.of()).getLaunchParameter().getJobName();
    String retry = FlexTemplateLaunches.request(settings, "job-1", Map.of()).getLaunchParameter().getJobName();
    String other = FlexTemplateLaunches.request(settings, "JOB-1", Map.of()).getLaunchParameter().getJobName();
    assertEquals(first, retry);
    assertFalse(first.equals(other));
  }

  @Test
  void aSecretValueInASecretNamedParameterIsRefusedWithoutQuotingIt() {
    DataflowLaunchSettings settings = DataflowLaunchSettings.of("my-project-123", "us-central1", "gs://bc-templates/spec.json");
    for (String name : new String[] {"esPasswordSecret", "esApiKey", "bearerToken", "connectorConfigSecret",
        "gcpCredentials"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> FlexTemplateLaunches.request(settings, "job-1", Map.of(name, "hunter2-plain")));
      assertTrue(e.getMessage().contains(name), e.getMessage());
      assertFalse(e.getMessage().contains("hunter2"), "the value must not be quoted: " + e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FlexTemplateLaunches.request(settings, "job-1", Map.of("es-index", "x")));
    assertTrue(e.getMessage().contains("es-index"), e.getMessage());
  }

  @Test
  void settingsErrorsNameTheSetting() {
    assertMessage("runner.dataflow.project", () -> DataflowLaunchSettings.of("My_Project", "us-central1", "gs://bc-templates/s.json"));
    assertMessage("runner.dataflow.region", () -> DataflowLaunchSettings.of("my-project-123", "", "gs://bc-templates/s.json"));
    assertMessage("runner.dataflow.template_location",
        () -> DataflowLaunchSettings.of("my-project-123", "us-central1", "/local/spec.json"));
    DataflowLaunchSettings s = DataflowLaunchSettings.of("my-project-123", "us-central1", "gs://bc-templates/s.json");
    assertMessage("runner.dataflow.max_workers", () -> s.withMaxWorkers(0));
    assertMessage("runner.dataflow.num_workers", () -> s.withMaxWorkers(2).withNumWorkers(3));
    assertMessage("runner.dataflow.service_account", () -> s.withServiceAccountEmail("not-an-email"));
    assertMessage("runner.dataflow.temp_location", () -> s.withTempLocation("s3://x/y"));
    assertMessage("runner.dataflow.labels.app", () -> s.withLabel("app", "Upper Case"));
    assertEquals(s, DataflowLaunchSettings.of("my-project-123", "us-central1", "gs://bc-templates/s.json"));
    DataflowLaunchSettings changed = s.withMaxWorkers(3);
    assertEquals(null, s.maxWorkers(), "with* returns a copy");
    assertEquals(3, changed.maxWorkers());
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private static Set<String> names(JsonNode node) {
    Set<String> out = new TreeSet<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
      out.add(it.next());
    }
    return out;
  }
}
