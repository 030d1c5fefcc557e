package io.beamconnectors.launcher.runner.dataflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The HTTP calls {@link DataflowJobs} makes, checked against the REST reference (method, path,
 * query, body), with {@link FakeDataflowApi} answering in the documented JSON. A FAKE: Dataflow
 * is not reachable here, so how the real service answers is not tested.
 */
class DataflowJobsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE = "https://dataflow.googleapis.com/v1b3/projects/my-project-123/locations/europe-west1/";
  private static final DataflowLaunchSettings SETTINGS =
      DataflowLaunchSettings.of("my-project-123", "europe-west1", "gs://bc-templates/spec.json").withMaxWorkers(4);

  private static DataflowJobs jobs(FakeDataflowApi api) {
    return new DataflowJobs(DataflowJobs.client(api, null), SETTINGS);
  }

  @Test
  void launchPostsTheRequestAndReturnsTheJobId() throws Exception {
    FakeDataflowApi api = new FakeDataflowApi().answer(200,
        "{\"job\":{\"id\":\"2026-12-03_03_04_05-111\",\"projectId\":\"my-project-123\",\"name\":\"n\"}}");
    DataflowJobs.Launched launched = jobs(api).launch("sync-ÄB", Map.of("serviceType", "postgresql"));
    assertEquals("2026-12-03_03_04_05-111", launched.jobId());
    assertFalse(launched.alreadyLaunched());
    assertEquals(1, api.requests.size());
    FakeDataflowApi.Recorded r = api.requests.get(0);
    assertEquals("POST", r.method());
    assertEquals(BASE + "flexTemplates:launch", r.url());
    JsonNode body = JSON.readTree(r.body());
    assertEquals(DataflowJobName.forSyncJob("sync-ÄB"), body.at("/launchParameter/jobName").asText());
    assertEquals("gs://bc-templates/spec.json", body.at("/launchParameter/containerSpecGcsPath").asText());
    assertEquals("postgresql", body.at("/launchParameter/parameters/serviceType").asText());
    assertEquals(4, body.at("/launchParameter/environment/maxWorkers").asInt());
  }

  @Test
  void conflictAlreadyExistsMeansAlreadyLaunchedAndFindsTheJobByName() throws Exception {
    String name = DataflowJobName.forSyncJob("job-7");
    FakeDataflowApi api = new FakeDataflowApi()
        .answer(409, "{\"error\":{\"code\":409,\"message\":\"(9f1c): There is already an active job named " + name
            + ". If you want to submit a second job, try again by setting a different name.\","
            + "\"status\":\"ALREADY_EXISTS\"}}")
        .answer(200, "{\"jobs\":[{\"id\":\"other\",\"name\":\"" + name + "-x\",\"currentState\":\"JOB_STATE_RUNNING\"},"
            + "{\"id\":\"2026-12-03_03_04_05-222\",\"name\":\"" + name + "\",\"currentState\":\"JOB_STATE_RUNNING\","
            + "\"createTime\":\"2026-12-03T03:04:05Z\"}]}");
    DataflowJobs.Launched launched = jobs(api).launch("job-7", Map.of());
    assertTrue(launched.alreadyLaunched());
    assertEquals("2026-12-03_03_04_05-222", launched.jobId(), "the exact-name match, not the prefix twin");
    FakeDataflowApi.Recorded list = api.requests.get(1);
    assertEquals("GET", list.method());
    assertTrue(list.url().startsWith(BASE + "jobs?"), list.url());
    assertTrue(list.url().contains("filter=ACTIVE"), list.url());
    assertTrue(list.url().contains("name=" + name), list.url());
  }

  @Test
  void alreadyExistsForAJobThatJustEndedFindsTheNewestOfThatName() throws Exception {
    String name = DataflowJobName.forSyncJob("job-8");
    FakeDataflowApi api = new FakeDataflowApi()
        .answer(409, "{\"error\":{\"code\":409,\"message\":\"already\",\"status\":\"ALREADY_EXISTS\"}}")
        .answer(200, "{}")
        .answer(200, "{\"jobs\":[{\"id\":\"old\",\"name\":\"" + name + "\",\"createTime\":\"2026-12-01T00:00:00Z\"},"
            + "{\"id\":\"new\",\"name\":\"" + name + "\",\"createTime\":\"2026-12-03T00:00:00Z\"}],"
            + "\"nextPageToken\":\"p2\"}")
        .answer(200, "{\"jobs\":[{\"id\":\"older\",\"name\":\"" + name + "\",\"createTime\":\"2026-11-01T00:00:00Z\"}]}");
    assertEquals("new", jobs(api).launch("job-8", Map.of()).jobId());
    assertTrue(api.requests.get(2).url().contains("filter=ALL"), api.requests.get(2).url());
    assertTrue(api.requests.get(3).url().contains("pageToken=p2"), api.requests.get(3).url());
  }

  @Test
  void otherConflictsAndErrorsAreNotSwallowed() {
    FakeDataflowApi aborted = new FakeDataflowApi()
        .answer(409, "{\"error\":{\"code\":409,\"message\":\"concurrent change\",\"status\":\"ABORTED\"}}");
    GoogleJsonResponseException e = assertThrows(GoogleJsonResponseException.class,
        () -> jobs(aborted).launch("job-9", Map.of()));
    assertEquals(409, e.getStatusCode());
    assertEquals(1, aborted.requests.size(), "no lookup for a non-ALREADY_EXISTS conflict");

    FakeDataflowApi denied = new FakeDataflowApi().answer(403,
        "{\"error\":{\"code\":403,\"message\":\"Permission 'dataflow.jobs.create' denied\",\"status\":\"PERMISSION_DENIED\"}}");
    assertEquals(403, assertThrows(GoogleJsonResponseException.class,
        () -> jobs(denied).launch("job-9", Map.of())).getStatusCode());
  }

  @Test
  void statusOfAFailedJobFetchesItsErrorMessages() throws Exception {
    FakeDataflowApi api = new FakeDataflowApi()
        .answer(200, "{\"id\":\"j1\",\"name\":\"bc-sync-a\",\"currentState\":\"JOB_STATE_FAILED\"}")
        .answer(200, "{\"jobMessages\":[{\"id\":\"m1\",\"time\":\"2026-12-03T01:00:00Z\","
            + "\"messageText\":\"Elasticsearch refused the bulk request: 401\",\"messageImportance\":\"JOB_MESSAGE_ERROR\"}]}");
    DataflowJobStatus s = jobs(api).status("j1");
    assertEquals(DataflowJobStatus.ERROR, s.status());
    assertEquals("Dataflow job bc-sync-a (j1) failed: Elasticsearch refused the bulk request: 401", s.error());
    assertEquals(BASE + "jobs/j1?view=JOB_VIEW_SUMMARY", api.requests.get(0).url());
    assertEquals(BASE + "jobs/j1/messages?minimumImportance=JOB_MESSAGE_ERROR", api.requests.get(1).url());
  }

  @Test
  void statusOfARunningJobIsOneCall() throws Exception {
    FakeDataflowApi api = new FakeDataflowApi().answer(200, "{\"id\":\"j2\",\"currentState\":\"JOB_STATE_RUNNING\"}");
    assertEquals(DataflowJobStatus.IN_PROGRESS, jobs(api).status("j2").status());
    assertEquals(1, api.requests.size());
  }

  @Test
  void cancelRequestsTheCancelledStateWithAnUpdate() throws Exception {
    FakeDataflowApi api = new FakeDataflowApi().answer(200, "{\"id\":\"j3\",\"requestedState\":\"JOB_STATE_CANCELLED\"}");
    jobs(api).cancel("j3");
    FakeDataflowApi.Recorded r = api.requests.get(0);
    assertEquals("PUT", r.method());
    assertEquals(BASE + "jobs/j3", r.url());
    assertEquals(JSON.readTree("{\"requestedState\":\"JOB_STATE_CANCELLED\"}"), JSON.readTree(r.body()));
  }

  @Test
  void countersComeFromGetMetrics() throws Exception {
    FakeDataflowApi api = new FakeDataflowApi().answer(200, "{\"metrics\":[{\"name\":{\"origin\":\"user\","
        + "\"name\":\"indexed_ok\",\"context\":{\"namespace\":\"sync\",\"step\":\"s3\",\"tentative\":\"true\"}},"
        + "\"scalar\":42}]}");
    assertEquals(42, jobs(api).counters("j4").indexed(false));
    assertEquals("GET", api.requests.get(0).method());
    assertEquals(BASE + "jobs/j4/metrics", api.requests.get(0).url());
  }
}
