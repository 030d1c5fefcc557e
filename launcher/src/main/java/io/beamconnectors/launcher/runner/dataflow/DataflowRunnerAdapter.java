package io.beamconnectors.launcher.runner.dataflow;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.services.dataflow.model.Job;
import io.beamconnectors.launcher.config.LauncherConfig;
import io.beamconnectors.launcher.runner.JobCounters;
import io.beamconnectors.launcher.runner.RunHandle;
import io.beamconnectors.launcher.runner.RunState;
import io.beamconnectors.launcher.runner.RunStatus;
import io.beamconnectors.launcher.runner.RunnerAdapter;
import io.beamconnectors.sources.ConfigurationException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code dataflow} runner: each sync job is a launch of the flex template
 * ({@code runner.dataflow.template_location}) named after the sync-job id
 * ({@link DataflowJobName}), so a retried launch is answered 409 ALREADY_EXISTS and taken as
 * "already launched". The template gets the sync-job id, the Elasticsearch endpoint and user, and
 * the Secret Manager name of the credential ({@code esPasswordSecret} or {@code esApiKeySecret}),
 * never a secret.
 *
 * <p>State mapping (Dataflow's job states through {@link DataflowJobStatus}):
 * PENDING, QUEUED, STOPPED: STARTING; RUNNING, CANCELLING, DRAINING, RESOURCE_CLEANING_UP and
 * unknown states: RUNNING; DONE: DONE if the job's committed counters show a clean sync, else
 * FAILED with the numbers; FAILED, UPDATED: FAILED with Dataflow's message; CANCELLED, DRAINED:
 * CANCELLED; a job Dataflow no longer knows (404): LOST. Jobs outlive the launcher:
 * {@link #recover} finds a sync job's Dataflow job by name after a restart, running or already
 * finished (its end is then recorded by the new launcher).
 */
public final class DataflowRunnerAdapter implements RunnerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(DataflowRunnerAdapter.class);
  /** Launch attempts when Dataflow does not answer or answers 5xx; a retry of a launch that got through is a 409. */
  static final int LAUNCH_ATTEMPTS = 3;
  private static final Set<String> NOT_STARTED = Set.of("JOB_STATE_PENDING", "JOB_STATE_QUEUED", "JOB_STATE_STOPPED");

  private final LauncherConfig.Elasticsearch es;
  private final String credentialSecret;
  private final DataflowApi api;
  private final Map<String, Run> runs = new ConcurrentHashMap<>();

  /** What the launcher knows of one Dataflow job between calls. */
  private static final class Run {
    volatile boolean cancelRequested;
    volatile boolean cancelSent;
    volatile RunStatus finalStatus;
    volatile JobCounters lastCounters = JobCounters.ZERO;
    volatile JobCounters finalCounters;
  }

  /** The adapter over the given API; the launcher's own factory is {@link #create}. */
  public DataflowRunnerAdapter(LauncherConfig.Elasticsearch es, LauncherConfig.Dataflow dataflow, DataflowApi api) {
    if (es == null || dataflow == null || api == null) {
      throw new IllegalArgumentException("the dataflow runner needs the Elasticsearch settings, runner.dataflow and a"
          + " Dataflow API client");
    }
    this.es = es;
    this.credentialSecret = dataflow.esCredentialSecret();
    this.api = api;
  }

  /** The adapter of a launcher: the Dataflow REST API with Application Default Credentials. */
  public static DataflowRunnerAdapter create(LauncherConfig config) {
    LauncherConfig.Dataflow dataflow = config.runner().dataflow();
    if (dataflow == null) {
      throw ConfigurationException.ofSetting("runner.type is dataflow but runner.dataflow is missing: set project, region"
          + " and template_location (launcher/config.yml.example)");
    }
    try {
      return new DataflowRunnerAdapter(config.elasticsearch(), dataflow,
          DataflowJobs.withApplicationDefaultCredentials(dataflow.launch()));
    } catch (IOException e) {
      throw ConfigurationException.ofSetting("no Google Cloud credentials for the Dataflow API (" + e.getMessage()
          + "): set GOOGLE_APPLICATION_CREDENTIALS to a service account key file, or run where workload identity"
          + " or `gcloud auth application-default login` provides them");
    }
  }

  @Override
  public String name() {
    return "dataflow";
  }

  @Override
  public boolean runsInLauncherProcess() {
    return false;
  }

  /**
   * The template parameters of a sync job: references only, no secret (Dataflow shows parameters to
   * job viewers). The template takes service type, index and configuration from the job document.
   */
  public Map<String, String> parameters(String syncJobId) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("syncJobId", syncJobId);
    p.put("esUrl", String.join(",", es.hosts()));
    boolean apiKey = es.apiKey() != null && !es.apiKey().isEmpty();
    if (!apiKey && es.username() != null && !es.username().isEmpty()) {
      p.put("esUsername", es.username());
    }
    if (credentialSecret != null) {
      p.put(apiKey ? "esApiKeySecret" : "esPasswordSecret", credentialSecret);
    }
    if (es.caCerts() != null && !es.caCerts().isEmpty()) {
      p.put("esCaCertificate", es.caCerts());
    }
    return p;
  }

  @Override
  public RunHandle submit(String syncJobId, String contentApiKey) throws IOException {
    if (contentApiKey != null) {
      throw new IllegalArgumentException("connectors[].api_key cannot be handed to a Dataflow job (a pipeline there reads"
          + " secrets from Secret Manager only): remove api_key for this connector, or use the direct or flink runner");
    }
    Map<String, String> parameters = parameters(syncJobId);
    LOG.info("Launching sync job {} on Dataflow as {} with parameters {}", syncJobId,
        DataflowJobName.forSyncJob(syncJobId), parameters);
    DataflowJobs.Launched launched = null;
    for (int attempt = 1; launched == null; attempt++) {
      try {
        launched = api.launch(syncJobId, parameters);
      } catch (GoogleJsonResponseException e) {
        if (e.getStatusCode() < 500 || attempt >= LAUNCH_ATTEMPTS) {
          throw e;
        }
        LOG.warn("Dataflow answered the launch of sync job {} with HTTP {} (attempt {} of {}): trying again",
            syncJobId, e.getStatusCode(), attempt, LAUNCH_ATTEMPTS);
      } catch (IOException e) {
        if (attempt >= LAUNCH_ATTEMPTS) {
          throw e;
        }
        LOG.warn("The launch of sync job {} got no answer (attempt {} of {}: {}): trying again", syncJobId, attempt,
            LAUNCH_ATTEMPTS, e.toString());
      }
    }
    if (launched.alreadyLaunched()) {
      LOG.info("Sync job {} was already launched as Dataflow job {}: watching that one", syncJobId, launched.jobId());
    } else {
      LOG.info("Sync job {} launched as Dataflow job {}", syncJobId, launched.jobId());
    }
    runs.put(syncJobId, new Run());
    return new RunHandle(syncJobId, launched.jobId());
  }

  @Override
  public RunStatus status(RunHandle handle) {
    Run run = runs.computeIfAbsent(handle.syncJobId(), k -> new Run());
    if (run.finalStatus != null) {
      return run.finalStatus;
    }
    if (run.cancelRequested && !run.cancelSent) {
      sendCancel(handle, run); // an earlier request failed: try again
    }
    DataflowJobStatus s;
    try {
      s = api.status(handle.runnerJobId());
    } catch (GoogleJsonResponseException e) {
      if (e.getStatusCode() == 404) {
        run.finalStatus = new RunStatus(RunState.LOST, "Dataflow job " + handle.runnerJobId() + " no longer exists in "
            + "the project and region of runner.dataflow", null);
        return run.finalStatus;
      }
      LOG.debug("Dataflow job {} state not readable", handle.runnerJobId(), e);
      return RunStatus.of(RunState.RUNNING); // unknown for now; asked again next tick
    } catch (IOException e) {
      LOG.debug("Dataflow job {} state not readable", handle.runnerJobId(), e);
      return RunStatus.of(RunState.RUNNING);
    }
    RunStatus mapped = map(s);
    if (mapped.state() == RunState.DONE) {
      DataflowCounters c;
      try {
        c = api.counters(handle.runnerJobId());
      } catch (IOException e) {
        LOG.debug("Counters of the finished Dataflow job {} not readable yet", handle.runnerJobId(), e);
        return RunStatus.of(RunState.RUNNING); // the end is recorded once its counters are read
      }
      run.finalCounters = new JobCounters(c.indexed(true), c.deleted(true), c.bytesWritten(true));
      mapped = cleanOrNot(c);
    }
    if (mapped.state().terminal()) {
      run.finalStatus = mapped;
    }
    return mapped;
  }

  /** Dataflow's state as a run state; DONE still needs the counters' verdict ({@link #cleanOrNot}). */
  static RunStatus map(DataflowJobStatus s) {
    return switch (s.status()) {
      case DataflowJobStatus.COMPLETED -> RunStatus.of(RunState.DONE);
      case DataflowJobStatus.ERROR -> new RunStatus(RunState.FAILED, s.error(), null);
      case DataflowJobStatus.CANCELED -> RunStatus.of(RunState.CANCELLED);
      case DataflowJobStatus.CANCELING -> RunStatus.of(RunState.RUNNING);
      default -> RunStatus.of(NOT_STARTED.contains(s.dataflowState()) ? RunState.STARTING : RunState.RUNNING);
    };
  }

  /** A finished job is clean unless its committed counters show listing failures or failed writes. */
  static RunStatus cleanOrNot(DataflowCounters c) {
    long listingFailures = c.value("listing_failures", true);
    long failed = c.value("failed", true);
    if (listingFailures > 0 || failed > 0) {
      return new RunStatus(RunState.FAILED, String.format("The sync finished but was not clean: %d listing failures,"
          + " %d skipped parts, %d failed writes, %d deletes held back; see the Dataflow job's logs", listingFailures,
          c.value("skipped_parts", true), failed, c.value("deletes_blocked", true)), null);
    }
    return RunStatus.of(RunState.DONE);
  }

  @Override
  public JobCounters counters(RunHandle handle) {
    Run run = runs.computeIfAbsent(handle.syncJobId(), k -> new Run());
    if (run.finalCounters != null) {
      return run.finalCounters;
    }
    try {
      DataflowCounters c = api.counters(handle.runnerJobId());
      run.lastCounters = new JobCounters(c.indexed(false), c.deleted(false), c.bytesWritten(false));
    } catch (IOException e) {
      // The last values read stay: a heartbeat must not set the job's counters back to zero.
      LOG.debug("Counters of Dataflow job {} not readable", handle.runnerJobId(), e);
    }
    return run.lastCounters;
  }

  @Override
  public void cancel(RunHandle handle) {
    Run run = runs.computeIfAbsent(handle.syncJobId(), k -> new Run());
    run.cancelRequested = true;
    sendCancel(handle, run);
  }

  private void sendCancel(RunHandle handle, Run run) {
    try {
      api.cancel(handle.runnerJobId());
      run.cancelSent = true;
      LOG.info("Asked Dataflow to cancel job {} (sync job {})", handle.runnerJobId(), handle.syncJobId());
    } catch (IOException e) {
      LOG.warn("Cancelling Dataflow job {} failed (tried again at the next check): {}", handle.runnerJobId(),
          e.getMessage());
    }
  }

  @Override
  public void release(RunHandle handle) {
    runs.remove(handle.syncJobId());
  }

  /**
   * The Dataflow job of a sync job an earlier launcher started, found by its name: running, or
   * finished while no launcher watched it (the monitor then records its end at once).
   */
  @Override
  public Optional<RunHandle> recover(String syncJobId) {
    String name = DataflowJobName.forSyncJob(syncJobId);
    try {
      Optional<Job> job = api.findByName(name);
      if (job.isPresent() && job.get().getId() != null) {
        runs.put(syncJobId, new Run());
        return Optional.of(new RunHandle(syncJobId, job.get().getId()));
      }
    } catch (IOException e) {
      LOG.warn("Looking for Dataflow job {} failed: {}", name, e.getMessage());
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    runs.clear(); // the Dataflow client holds no connection to close; the jobs keep running
  }
}
