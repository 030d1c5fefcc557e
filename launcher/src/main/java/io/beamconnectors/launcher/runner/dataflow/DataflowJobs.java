package io.beamconnectors.launcher.runner.dataflow;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.dataflow.Dataflow;
import com.google.api.services.dataflow.model.Job;
import com.google.api.services.dataflow.model.JobMessage;
import com.google.api.services.dataflow.model.LaunchFlexTemplateRequest;
import com.google.api.services.dataflow.model.LaunchFlexTemplateResponse;
import com.google.api.services.dataflow.model.ListJobMessagesResponse;
import com.google.api.services.dataflow.model.ListJobsResponse;
import com.google.auth.http.HttpCredentialsAdapter;
import com.google.auth.oauth2.GoogleCredentials;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The launcher's calls to the Dataflow REST API (v1b3) for flex-template sync jobs: launch,
 * look a job up by name, state, counters and cancel. One instance per project and region.
 *
 * <p>A launch answered with 409 ALREADY_EXISTS means a job with this sync job's name is already
 * active (an earlier attempt got through before a timeout or a launcher restart): that job is
 * looked up by name and returned as {@link Launched#alreadyLaunched() already launched}.
 */
public final class DataflowJobs implements DataflowApi {
  private static final String CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
  private static final int MAX_LIST_PAGES = 50;

  private final Dataflow dataflow;
  private final DataflowLaunchSettings settings;

  /** The outcome of a launch: the Dataflow job id and whether an earlier attempt had started it. */
  public record Launched(String jobId, String jobName, boolean alreadyLaunched) {}

  public DataflowJobs(Dataflow dataflow, DataflowLaunchSettings settings) {
    if (dataflow == null || settings == null) {
      throw new IllegalArgumentException("a Dataflow client and launch settings are both required");
    }
    this.dataflow = dataflow;
    this.settings = settings;
  }

  /** A client with Application Default Credentials (a service account key, workload identity or gcloud login). */
  public static DataflowJobs withApplicationDefaultCredentials(DataflowLaunchSettings settings) throws IOException {
    GoogleCredentials credentials = GoogleCredentials.getApplicationDefault().createScoped(List.of(CLOUD_PLATFORM_SCOPE));
    return new DataflowJobs(client(new NetHttpTransport(), credentials), settings);
  }

  /** A Dataflow API client on the given transport (tests give a fake transport). */
  public static Dataflow client(HttpTransport transport, GoogleCredentials credentials) {
    return new Dataflow.Builder(transport, GsonFactory.getDefaultInstance(),
        credentials == null ? null : new HttpCredentialsAdapter(credentials))
        .setApplicationName("beam-connectors-launcher")
        .build();
  }

  public DataflowLaunchSettings settings() {
    return settings;
  }

  /** Launches the flex template for a sync job, or finds the job an earlier attempt launched. */
  @Override
  public Launched launch(String syncJobId, Map<String, String> parameters) throws IOException {
    LaunchFlexTemplateRequest request = FlexTemplateLaunches.request(settings, syncJobId, parameters);
    String jobName = request.getLaunchParameter().getJobName();
    try {
      LaunchFlexTemplateResponse response = dataflow.projects().locations().flexTemplates()
          .launch(settings.project(), settings.region(), request).execute();
      Job job = response.getJob();
      if (job == null || job.getId() == null) {
        throw new IOException("Dataflow accepted the launch of " + jobName + " but returned no job id");
      }
      return new Launched(job.getId(), jobName, false);
    } catch (GoogleJsonResponseException e) {
      if (!isAlreadyExists(e)) {
        throw e;
      }
      Job existing = findByName(jobName).orElseThrow(() -> new IOException("Dataflow says a job named " + jobName
          + " already exists, but no job of that name is listed in " + settings.project() + "/" + settings.region()));
      return new Launched(existing.getId(), jobName, true);
    }
  }

  /**
   * Whether a failed call was Dataflow's "a job with this name is already active": HTTP 409, with
   * status ALREADY_EXISTS when the error body says so (a 409 with another status, e.g. ABORTED,
   * is a different conflict).
   */
  public static boolean isAlreadyExists(GoogleJsonResponseException e) {
    if (e.getStatusCode() != 409) {
      return false;
    }
    GoogleJsonError details = e.getDetails();
    Object status = details == null ? null : details.get("status");
    return status == null || "ALREADY_EXISTS".equals(status);
  }

  /** The job of this name: an active one if any, else the newest. */
  @Override
  public Optional<Job> findByName(String jobName) throws IOException {
    Optional<Job> active = list(jobName, "ACTIVE");
    return active.isPresent() ? active : list(jobName, "ALL");
  }

  private Optional<Job> list(String jobName, String filter) throws IOException {
    List<Job> matches = new ArrayList<>();
    String pageToken = null;
    for (int page = 0; page < MAX_LIST_PAGES; page++) {
      Dataflow.Projects.Locations.Jobs.List call = dataflow.projects().locations().jobs()
          .list(settings.project(), settings.region()).setFilter(filter).setName(jobName);
      if (pageToken != null) {
        call.setPageToken(pageToken);
      }
      ListJobsResponse response = call.execute();
      if (response.getJobs() != null) {
        for (Job j : response.getJobs()) {
          if (jobName.equals(j.getName())) { // the name filter is not exact matching on every API version
            matches.add(j);
          }
        }
      }
      pageToken = response.getNextPageToken();
      if (pageToken == null || pageToken.isEmpty()) {
        break;
      }
    }
    // RFC 3339 times in UTC sort as strings.
    return matches.stream().max(Comparator.comparing(j -> j.getCreateTime() == null ? "" : j.getCreateTime()));
  }

  /** The job's state as a sync-job status; for a failed job its error messages are fetched for the reason. */
  @Override
  public DataflowJobStatus status(String jobId) throws IOException {
    Job job = dataflow.projects().locations().jobs().get(settings.project(), settings.region(), jobId)
        .setView("JOB_VIEW_SUMMARY").execute();
    List<JobMessage> errors = List.of();
    if ("JOB_STATE_FAILED".equals(job.getCurrentState())) {
      ListJobMessagesResponse messages = dataflow.projects().locations().jobs().messages()
          .list(settings.project(), settings.region(), jobId).setMinimumImportance("JOB_MESSAGE_ERROR").execute();
      if (messages.getJobMessages() != null) {
        errors = messages.getJobMessages();
      }
    }
    return DataflowJobStatus.of(job, errors);
  }

  /** The job's {@code sync} counters. */
  @Override
  public DataflowCounters counters(String jobId) throws IOException {
    return DataflowCounters.from(dataflow.projects().locations().jobs()
        .getMetrics(settings.project(), settings.region(), jobId).execute());
  }

  /** Asks Dataflow to cancel the job ({@code requestedState: JOB_STATE_CANCELLED}); the state follows later. */
  @Override
  public void cancel(String jobId) throws IOException {
    dataflow.projects().locations().jobs().update(settings.project(), settings.region(), jobId, cancelRequest()).execute();
  }

  /** The body of the cancel call: a Job with only the requested state. */
  public static Job cancelRequest() {
    return new Job().setRequestedState("JOB_STATE_CANCELLED");
  }
}
