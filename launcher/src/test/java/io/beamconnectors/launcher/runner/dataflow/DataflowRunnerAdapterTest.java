package io.beamconnectors.launcher.runner.dataflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.services.dataflow.model.Job;
import io.beamconnectors.launcher.config.LauncherConfig;
import io.beamconnectors.launcher.protocol.JobStatus;
import io.beamconnectors.launcher.runner.JobCounters;
import io.beamconnectors.launcher.runner.RunHandle;
import io.beamconnectors.launcher.runner.RunState;
import io.beamconnectors.launcher.runner.RunStatus;
import io.beamconnectors.sources.ConfigurationException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The {@code dataflow} runner adapter over {@link DataflowJobs} and a FAKE Dataflow REST API
 * ({@link FakeDataflowApi}, scripted in the API's documented JSON): Dataflow is not reachable from
 * here, so what the real service answers is not tested. Each adapter method, the launch retry key
 * and the state mapping are.
 */
class DataflowRunnerAdapterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE = "https://dataflow.googleapis.com/v1b3/projects/my-project-123/locations/europe-west1/";
  private static final String PASSWORD = "es-Pa55 wörd,\"x";
  private static final String SECRET_NAME = "projects/my-project-123/secrets/bc-es/versions/3";
  private static final String RUNNING = "{\"id\":\"df-1\",\"name\":\"n\",\"currentState\":\"JOB_STATE_RUNNING\"}";

  private static LauncherConfig config(String extraEs) {
    return LauncherConfig.parse("elasticsearch:\n  host: https://es.example.com:9243\n" + extraEs
        + "runner:\n  type: dataflow\n  dataflow:\n    project: my-project-123\n    region: europe-west1\n"
        + "    template_location: gs://bc-templates/spec.json\n    es_credential_secret: " + SECRET_NAME + "\n"
        + "    max_workers: 4\n    labels: {team: search}\n", Map.of("PW", PASSWORD), "config.yml");
  }

  private static DataflowRunnerAdapter adapter(FakeDataflowApi api) {
    return adapter(api, config("  username: bc_sync\n  password: ${PW}\n"));
  }

  private static DataflowRunnerAdapter adapter(FakeDataflowApi api, LauncherConfig c) {
    DataflowJobs jobs = new DataflowJobs(DataflowJobs.client(api, null), c.runner().dataflow().launch());
    return new DataflowRunnerAdapter(c.elasticsearch(), c.runner().dataflow(), jobs);
  }

  private static String metrics(String... counters) {
    StringBuilder b = new StringBuilder("{\"metrics\":[");
    for (int i = 0; i < counters.length; i += 3) {
      if (i > 0) {
        b.append(',');
      }
      b.append("{\"name\":{\"origin\":\"user\",\"name\":\"").append(counters[i]).append("\",\"context\":{")
          .append("\"namespace\":\"sync\",\"step\":\"s1\"").append("true".equals(counters[i + 1]) ? ",\"tentative\":\"true\"" : "")
          .append("}},\"scalar\":").append(counters[i + 2]).append('}');
    }
    return b.append("]}").toString();
  }

  @Test
  void submitLaunchesTheTemplateWithReferencesOnly() throws Exception {
    FakeDataflowApi api = new FakeDataflowApi().answer(200, "{\"job\":{\"id\":\"df-1\"}}");
    RunHandle h = adapter(api).submit("Job_ÄB 1");
    assertEquals(new RunHandle("Job_ÄB 1", "df-1"), h);
    assertEquals(1, api.requests.size());
    FakeDataflowApi.Recorded r = api.requests.get(0);
    assertEquals("POST", r.method());
    assertEquals(BASE + "flexTemplates:launch", r.url());
    JsonNode launch = JSON.readTree(r.body()).path("launchParameter");
    assertEquals(DataflowJobName.forSyncJob("Job_ÄB 1"), launch.path("jobName").asText());
    assertEquals("gs://bc-templates/spec.json", launch.path("containerSpecGcsPath").asText());
    JsonNode p = launch.path("parameters");
    assertEquals("Job_ÄB 1", p.path("syncJobId").asText());
    assertEquals("https://es.example.com:9243", p.path("esUrl").asText());
    assertEquals("bc_sync", p.path("esUsername").asText());
    assertEquals(SECRET_NAME, p.path("esPasswordSecret").asText());
    assertTrue(p.path("esApiKeySecret").isMissingNode());
    assertEquals(4, launch.path("environment").path("maxWorkers").asInt());
    assertEquals("search", launch.path("environment").path("additionalUserLabels").path("team").asText());
    assertFalse(r.body().contains("Pa55"), "the Elasticsearch password is never a launch parameter");
  }

  @Test
  void anApiKeyGoesOutAsItsSecretNameWithoutAUser() throws Exception {
    FakeDataflowApi api = new FakeDataflowApi().answer(200, "{\"job\":{\"id\":\"df-2\"}}");
    adapter(api, config("  api_key: ${PW}\n")).submit("j");
    JsonNode p = JSON.readTree(api.requests.get(0).body()).path("launchParameter").path("parameters");
    assertEquals(SECRET_NAME, p.path("esApiKeySecret").asText());
    assertTrue(p.path("esUsername").isMissingNode());
    assertTrue(p.path("esPasswordSecret").isMissingNode());
    assertFalse(api.requests.get(0).body().contains("Pa55"));
  }

  @Test
  void alreadyLaunchedIsLookedUpByNameAndWatched() throws Exception {
    String name = DataflowJobName.forSyncJob("job-7");
    FakeDataflowApi api = new FakeDataflowApi()
        .answer(409, "{\"error\":{\"code\":409,\"message\":\"There is already an active job named " + name
            + "\",\"status\":\"ALREADY_EXISTS\"}}")
        .answer(200, "{\"jobs\":[{\"id\":\"df-earlier\",\"name\":\"" + name + "\",\"currentState\":\"JOB_STATE_RUNNING\"}]}");
    assertEquals("df-earlier", adapter(api).submit("job-7").runnerJobId());
  }

  @Test
  void aLaunchWithoutAnAnswerIsRetriedAndTheRetryFindsTheFirstJob() throws Exception {
    String name = DataflowJobName.forSyncJob("job-8");
    FakeDataflowApi api = new FakeDataflowApi()
        .answer(503, "{\"error\":{\"code\":503,\"message\":\"backend unavailable\",\"status\":\"UNAVAILABLE\"}}")
        .answer(409, "{\"error\":{\"code\":409,\"message\":\"exists\",\"status\":\"ALREADY_EXISTS\"}}")
        .answer(200, "{\"jobs\":[{\"id\":\"df-first\",\"name\":\"" + name + "\"}]}");
    assertEquals("df-first", adapter(api).submit("job-8").runnerJobId());
    assertEquals(3, api.requests.size());
    assertEquals(api.requests.get(0).body(), api.requests.get(1).body(), "the retry is the same request (same name)");
  }

  @Test
  void aRefusedLaunchIsNotRetried() {
    FakeDataflowApi api = new FakeDataflowApi().answer(403,
        "{\"error\":{\"code\":403,\"message\":\"Permission 'dataflow.jobs.create' denied\",\"status\":\"PERMISSION_DENIED\"}}");
    assertEquals(403, assertThrows(GoogleJsonResponseException.class, () -> adapter(api).submit("j")).getStatusCode());
    assertEquals(1, api.requests.size());
  }

  @Test
  void stateMappingOfEveryDataflowState() {
    Map<String, RunState> expected = new java.util.LinkedHashMap<>();
    expected.put("JOB_STATE_PENDING", RunState.STARTING);
    expected.put("JOB_STATE_QUEUED", RunState.STARTING);
    expected.put("JOB_STATE_STOPPED", RunState.STARTING);
    expected.put("JOB_STATE_RUNNING", RunState.RUNNING);
    expected.put("JOB_STATE_RESOURCE_CLEANING_UP", RunState.RUNNING);
    expected.put("JOB_STATE_CANCELLING", RunState.RUNNING);
    expected.put("JOB_STATE_DRAINING", RunState.RUNNING);
    expected.put("JOB_STATE_PAUSED", RunState.RUNNING);
    expected.put("JOB_STATE_SOMETHING_NEW", RunState.RUNNING);
    expected.put("JOB_STATE_DONE", RunState.DONE);
    expected.put("JOB_STATE_FAILED", RunState.FAILED);
    expected.put("JOB_STATE_UPDATED", RunState.FAILED);
    expected.put("JOB_STATE_CANCELLED", RunState.CANCELLED);
    expected.put("JOB_STATE_DRAINED", RunState.CANCELLED);
    expected.forEach((state, run) -> {
      DataflowJobStatus s = DataflowJobStatus.of(new Job().setId("x").setCurrentState(state), List.of());
      assertEquals(run, DataflowRunnerAdapter.map(s).state(), state);
    });
    // And on to the job document's status.
    assertEquals(JobStatus.IN_PROGRESS, RunState.STARTING.jobStatus(true));
    assertEquals(JobStatus.COMPLETED, RunState.DONE.jobStatus(true));
    assertEquals(JobStatus.ERROR, RunState.FAILED.jobStatus(true));
    assertEquals(JobStatus.CANCELED, RunState.CANCELLED.jobStatus(true));
    assertEquals(JobStatus.ERROR, RunState.LOST.jobStatus(true));
  }

  @Test
  void statusWhileRunningThenDoneWithCommittedCounters() throws Exception {
    FakeDataflowApi api = new FakeDataflowApi()
        .answer(200, "{\"job\":{\"id\":\"df-1\"}}")
        .answer(200, "{\"id\":\"df-1\",\"currentState\":\"JOB_STATE_QUEUED\"}")
        .answer(200, RUNNING)
        .answer(200, metrics("indexed_ok", "true", "7", "indexed_ok", "false", "5"))
        .answer(200, "{\"id\":\"df-1\",\"currentState\":\"JOB_STATE_DONE\"}")
        .answer(200, metrics("indexed_ok", "true", "12", "indexed_ok", "false", "10", "deleted_ok", "false", "2",
            "bytes_written", "false", "3145728", "listing_failures", "false", "0"));
    DataflowRunnerAdapter a = adapter(api);
    RunHandle h = a.submit("j1");
    assertEquals(RunState.STARTING, a.status(h).state());
    assertEquals(RunState.RUNNING, a.status(h).state());
    assertEquals(new JobCounters(7, 0, 0), a.counters(h), "while running: the attempted values");
    RunStatus done = a.status(h);
    assertEquals(RunState.DONE, done.state());
    assertNull(done.error());
    assertEquals(new JobCounters(10, 2, 3145728), a.counters(h), "at the end: the committed values");
    assertEquals(3, a.counters(h).volumeMiB());
    int calls = api.requests.size();
    assertSame(done, a.status(h), "a final state is not asked again");
    assertEquals(calls, api.requests.size());
    assertEquals(BASE + "jobs/df-1?view=JOB_VIEW_SUMMARY", api.requests.get(1).url());
    assertEquals(BASE + "jobs/df-1/metrics", api.requests.get(3).url());
  }

  @Test
  void doneButNotCleanIsFailedWithTheNumbers() throws Exception {
    FakeDataflowApi api = new FakeDataflowApi()
        .answer(200, "{\"job\":{\"id\":\"df-1\"}}")
        .answer(200, "{\"id\":\"df-1\",\"currentState\":\"JOB_STATE_DONE\"}")
        .answer(200, metrics("indexed_ok", "false", "10", "listing_failures", "false", "2", "failed", "false", "1",
            "deletes_blocked", "false", "4", "listing_failures", "true", "9"));
    DataflowRunnerAdapter a = adapter(api);
    RunStatus s = a.status(a.submit("j1"));
    assertEquals(RunState.FAILED, s.state());
    assertTrue(s.error().contains("2 listing failures") && s.error().contains("1 failed writes")
        && s.error().contains("4 deletes held back"), s.error());
  }

  @Test
  void failedCarriesDataflowsMessageAndUnknownJobIsLost() throws Exception {
    FakeDataflowApi api = new FakeDataflowApi()
        .answer(200, "{\"job\":{\"id\":\"df-1\"}}")
        .answer(200, "{\"id\":\"df-1\",\"name\":\"bc-sync-j1\",\"currentState\":\"JOB_STATE_FAILED\"}")
        .answer(200, "{\"jobMessages\":[{\"messageText\":\"Workers could not reach Elasticsearch\","
            + "\"messageImportance\":\"JOB_MESSAGE_ERROR\"}]}")
        .answer(200, "{\"job\":{\"id\":\"df-2\"}}")
        .answer(500, "{\"error\":{\"code\":500,\"message\":\"internal\",\"status\":\"INTERNAL\"}}")
        .answer(404, "{\"error\":{\"code\":404,\"message\":\"not found\",\"status\":\"NOT_FOUND\"}}");
    DataflowRunnerAdapter a = adapter(api);
    RunStatus failed = a.status(a.submit("j1"));
    assertEquals(RunState.FAILED, failed.state());
    assertEquals("Dataflow job bc-sync-j1 (df-1) failed: Workers could not reach Elasticsearch", failed.error());
    RunHandle second = a.submit("j2");
    assertEquals(RunState.RUNNING, a.status(second).state(), "a 500 is not an answer: asked again later");
    RunStatus lost = a.status(second);
    assertEquals(RunState.LOST, lost.state());
    assertTrue(lost.error().contains("df-2"), lost.error());
  }

  @Test
  void countersKeepTheLastValuesWhenDataflowDoesNotAnswer() throws Exception {
    FakeDataflowApi api = new FakeDataflowApi()
        .answer(200, "{\"job\":{\"id\":\"df-1\"}}")
        .answer(200, metrics("indexed_ok", "true", "30", "deleted_ok", "true", "1"))
        .answer(503, "{\"error\":{\"code\":503,\"message\":\"unavailable\",\"status\":\"UNAVAILABLE\"}}");
    DataflowRunnerAdapter a = adapter(api);
    RunHandle h = a.submit("j1");
    assertEquals(new JobCounters(30, 1, 0), a.counters(h));
    assertEquals(new JobCounters(30, 1, 0), a.counters(h), "not set back to zero");
  }

  @Test
  void cancelRequestsCancelledAndAFailedRequestIsSentAgain() throws Exception {
    FakeDataflowApi api = new FakeDataflowApi()
        .answer(200, "{\"job\":{\"id\":\"df-1\"}}")
        .answer(503, "{\"error\":{\"code\":503,\"message\":\"unavailable\",\"status\":\"UNAVAILABLE\"}}")
        .answer(200, "{\"id\":\"df-1\",\"requestedState\":\"JOB_STATE_CANCELLED\"}")
        .answer(200, "{\"id\":\"df-1\",\"currentState\":\"JOB_STATE_CANCELLING\",\"requestedState\":\"JOB_STATE_CANCELLED\"}")
        .answer(200, "{\"id\":\"df-1\",\"currentState\":\"JOB_STATE_CANCELLED\"}");
    DataflowRunnerAdapter a = adapter(api);
    RunHandle h = a.submit("j1");
    a.cancel(h);
    assertEquals(RunState.RUNNING, a.status(h).state(), "cancelling");
    assertEquals(RunState.CANCELLED, a.status(h).state());
    for (int i : new int[] {1, 2}) {
      FakeDataflowApi.Recorded r = api.requests.get(i);
      assertEquals("PUT", r.method());
      assertEquals(BASE + "jobs/df-1", r.url());
      assertEquals(JSON.readTree("{\"requestedState\":\"JOB_STATE_CANCELLED\"}"), JSON.readTree(r.body()));
    }
    assertEquals(5, api.requests.size(), "no third cancel once one got through");
  }

  @Test
  void recoverFindsTheJobOfTheSyncJobByName() throws Exception {
    String name = DataflowJobName.forSyncJob("job-r");
    FakeDataflowApi api = new FakeDataflowApi()
        .answer(200, "{\"jobs\":[{\"id\":\"df-r\",\"name\":\"" + name + "\",\"currentState\":\"JOB_STATE_RUNNING\"}]}")
        .answer(200, "{\"id\":\"df-r\",\"currentState\":\"JOB_STATE_RUNNING\"}")
        // A sync job with no Dataflow job: neither an active nor any job of that name.
        .answer(200, "{}")
        .answer(200, "{\"jobs\":[{\"id\":\"other\",\"name\":\"" + name + "-x\"}]}");
    DataflowRunnerAdapter a = adapter(api);
    Optional<RunHandle> h = a.recover("job-r");
    assertEquals(Optional.of(new RunHandle("job-r", "df-r")), h);
    assertTrue(api.requests.get(0).url().contains("name=" + name), api.requests.get(0).url());
    assertEquals(RunState.RUNNING, a.status(h.get()).state());
    assertEquals(Optional.empty(), a.recover("job-none"));
    assertFalse(a.runsInLauncherProcess(), "Dataflow jobs outlive the launcher: SIGTERM does not suspend them");
  }

  @Test
  void recoverAlsoFindsAJobThatFinishedWhileNoLauncherWatched() throws Exception {
    String name = DataflowJobName.forSyncJob("job-f");
    FakeDataflowApi api = new FakeDataflowApi()
        .answer(200, "{}")
        .answer(200, "{\"jobs\":[{\"id\":\"df-f\",\"name\":\"" + name + "\",\"currentState\":\"JOB_STATE_DONE\"}]}")
        .answer(200, "{\"id\":\"df-f\",\"currentState\":\"JOB_STATE_DONE\"}")
        .answer(200, metrics("indexed_ok", "false", "40"));
    DataflowRunnerAdapter a = adapter(api);
    RunHandle h = a.recover("job-f").orElseThrow();
    assertEquals(RunState.DONE, a.status(h).state());
    assertEquals(40, a.counters(h).indexed());
  }

  @Test
  void configurationNamesTheKeyAndNeverQuotesASecret() {
    String base = "elasticsearch:\n  username: u\n  password: pw\nrunner:\n  type: dataflow\n  dataflow:\n";
    String ok = "    project: my-project-123\n    region: europe-west1\n    template_location: gs://bc-bucket/t.json\n";
    assertTrue(assertThrows(ConfigurationException.class, () -> LauncherConfig.parse(base + ok, Map.of(), "f"))
        .getMessage().contains("runner.dataflow.es_credential_secret is missing"));
    ConfigurationException quoted = assertThrows(ConfigurationException.class,
        () -> LauncherConfig.parse(base + ok + "    es_credential_secret: hunter2-the-password\n", Map.of(), "f"));
    assertTrue(quoted.getMessage().contains("es_credential_secret"), quoted.getMessage());
    assertFalse(quoted.getMessage().contains("hunter2"), quoted.getMessage());
    assertTrue(assertThrows(ConfigurationException.class, () -> LauncherConfig.parse(base
        + "    project: X\n    region: europe-west1\n    template_location: gs://bc-bucket/t.json\n", Map.of(), "f"))
        .getMessage().contains("runner.dataflow.project"));
    assertTrue(assertThrows(ConfigurationException.class, () -> LauncherConfig.parse(base + ok
        + "    es_credential_secret: " + SECRET_NAME + "\n    regoin: x\n", Map.of(), "f"))
        .getMessage().contains("runner.dataflow.regoin"));
    assertTrue(assertThrows(ConfigurationException.class, () -> LauncherConfig.parse(base + ok
        + "    es_credential_secret: " + SECRET_NAME + "\n    max_workers: 2.5\n", Map.of(), "f"))
        .getMessage().contains("max_workers"));
    // A typo in a true/false key is refused, not read as false (workers with public IPs).
    assertTrue(assertThrows(ConfigurationException.class, () -> LauncherConfig.parse(base + ok
        + "    es_credential_secret: " + SECRET_NAME + "\n    private_ips_only: ture\n", Map.of(), "f"))
        .getMessage().contains("runner.dataflow.private_ips_only is 'ture': set true or false"));
    // Without any Elasticsearch credential no secret name is needed.
    LauncherConfig c = LauncherConfig.parse("runner:\n  type: dataflow\n  dataflow:\n" + ok, Map.of(), "f");
    assertNull(c.runner().dataflow().esCredentialSecret());
    assertEquals("europe-west1", c.runner().dataflow().launch().region());
  }
}
