package io.beamconnectors.launcher.service;

import io.beamconnectors.elasticsearch.ContentIndex;
import io.beamconnectors.launcher.config.LauncherConfig;
import io.beamconnectors.launcher.protocol.ConnectorDocument;
import io.beamconnectors.launcher.protocol.ConnectorStatus;
import io.beamconnectors.launcher.protocol.ConnectorsProtocol;
import io.beamconnectors.launcher.protocol.DirectProtocol;
import io.beamconnectors.launcher.protocol.JobStatus;
import io.beamconnectors.launcher.protocol.SyncJob;
import io.beamconnectors.launcher.runner.JobCounters;
import io.beamconnectors.launcher.runner.RunHandle;
import io.beamconnectors.launcher.runner.RunState;
import io.beamconnectors.launcher.runner.RunStatus;
import io.beamconnectors.launcher.runner.RunnerAdapter;
import io.beamconnectors.sources.Secrets;
import io.beamconnectors.metrics.SyncCounters;
import io.beamconnectors.sync.SyncSummary;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The jobs this launcher runs. Each tick: a run that ended gets its terminal job status, counters,
 * {@code total_document_count} and the connector's {@code last_*} fields; every
 * {@code job_reporting_interval} the job gets {@code last_seen} and live counters; every
 * {@code job_check_interval} the job and its connector are reloaded (a {@code canceling} job is
 * cancelled, a deleted connector or a job someone else ended stops the run). A failed write is
 * logged and retried on the next tick, never fatal to the job.
 */
public final class JobMonitor {
  private static final Logger LOG = LoggerFactory.getLogger(JobMonitor.class);

  private final LauncherConfig config;
  private final ConnectorsProtocol protocol;
  private final RunnerAdapter runner;
  private final List<String> launcherSecrets;
  private final Map<String, Running> running = new ConcurrentHashMap<>();

  /** One job this launcher runs. */
  private static final class Running {
    final RunHandle handle;
    final String connectorId;
    final String indexName;
    final List<String> secrets;
    Instant lastReport = Instant.now();
    Instant lastCheck = Instant.now();
    boolean cancelRequested;
    /** Set when someone else ended the job: the run is stopped and nothing is written. */
    boolean abandoned;
    String stopReason;

    Running(RunHandle handle, String connectorId, String indexName, List<String> secrets) {
      this.handle = handle;
      this.connectorId = connectorId;
      this.indexName = indexName;
      this.secrets = secrets;
    }
  }

  public JobMonitor(LauncherConfig config, ConnectorsProtocol protocol, RunnerAdapter runner) {
    this.config = config;
    this.protocol = protocol;
    this.runner = runner;
    this.launcherSecrets = config.secrets();
  }

  public void watch(RunHandle handle, SyncJob job) {
    running.put(handle.syncJobId(), new Running(handle, job.connectorId(), job.indexName(),
        JobSecrets.of(job.source().path("connector").path("configuration"), launcherSecrets)));
  }

  public int runningCount() {
    return running.size();
  }

  public boolean isRunning(String jobId) {
    return running.containsKey(jobId);
  }

  public void tick() {
    Instant now = Instant.now();
    for (Running r : new ArrayList<>(running.values())) {
      MDC.put("job_id", r.handle.syncJobId());
      MDC.put("connector_id", r.connectorId);
      try {
        RunStatus status = runner.status(r.handle);
        if (status.state().terminal()) {
          if (finish(r, status)) {
            running.remove(r.handle.syncJobId());
            runner.release(r.handle);
          }
          continue;
        }
        if (!now.isBefore(r.lastCheck.plus(config.service().jobCheckInterval()))) {
          r.lastCheck = now;
          checkJob(r);
        }
        if (!r.abandoned && !now.isBefore(r.lastReport.plus(config.service().jobReportingInterval()))) {
          r.lastReport = now;
          report(r);
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("Updating job {} failed (retried next time): {}", r.handle.syncJobId(), Secrets.describe(e, r.secrets));
      } finally {
        MDC.remove("job_id");
        MDC.remove("connector_id");
      }
    }
  }

  private void checkJob(Running r) throws IOException {
    Optional<SyncJob> job = protocol.job(r.handle.syncJobId());
    if (job.isEmpty()) {
      stop(r, true, "the job document was deleted");
      return;
    }
    JobStatus s = job.get().status();
    if (s == JobStatus.CANCELING && !r.cancelRequested) {
      LOG.info("Job {} was asked to cancel: cancelling the pipeline", r.handle.syncJobId());
      r.cancelRequested = true;
      runner.cancel(r.handle);
      return;
    }
    if (s != JobStatus.IN_PROGRESS && s != JobStatus.CANCELING) {
      stop(r, true, "the job is " + (s == null ? "without status" : s.wire()) + " (someone else ended it)");
      return;
    }
    Optional<ConnectorDocument> connector = protocol.connector(r.connectorId);
    if (connector.isEmpty() || connector.get().deleted()) {
      stop(r, false, "connector '" + r.connectorId + "' was deleted while the job ran");
    }
  }

  private void stop(Running r, boolean abandon, String reason) {
    if (r.stopReason != null) {
      return;
    }
    LOG.warn("Stopping job {}: {}", r.handle.syncJobId(), reason);
    r.abandoned = abandon;
    r.stopReason = reason;
    runner.cancel(r.handle);
  }

  private void report(Running r) throws IOException {
    JobCounters counters = runner.counters(r.handle);
    Map<String, Object> fields = new LinkedHashMap<>(counters.fields());
    fields.put("last_seen", DirectProtocol.now());
    protocol.updateJob(r.handle.syncJobId(), fields);
  }

  /** Writes the end of a job; false if the write failed (tried again next tick). */
  private boolean finish(Running r, RunStatus status) {
    if (r.abandoned) {
      LOG.info("Job {} stopped: {}", r.handle.syncJobId(), r.stopReason);
      return true;
    }
    SyncSummary summary = status.summary();
    JobCounters counters = summary != null ? JobCounters.of(summary) : runner.counters(r.handle);
    boolean clean = summary == null || summary.clean();
    JobStatus jobStatus;
    String error = null;
    if (r.stopReason != null) {
      jobStatus = JobStatus.ERROR;
      error = r.stopReason;
    } else if (status.state() == RunState.CANCELLED && !r.cancelRequested) {
      jobStatus = JobStatus.ERROR;
      error = "the pipeline was cancelled outside the launcher (runner " + runner.name() + ")";
    } else {
      jobStatus = status.state().jobStatus(clean);
      if (status.state() == RunState.DONE && !clean) {
        error = notClean(summary);
      } else if (jobStatus == JobStatus.ERROR) {
        error = status.error() == null ? "the pipeline failed on runner " + runner.name() : status.error();
      }
    }
    if (error != null) {
      error = Secrets.redact(error, r.secrets);
    }
    String now = DirectProtocol.now();
    Map<String, Object> fields = new LinkedHashMap<>(counters.fields());
    fields.put("status", jobStatus.wire());
    fields.put("error", error);
    fields.put("completed_at", now);
    fields.put("last_seen", now);
    if (jobStatus == JobStatus.CANCELED) {
      fields.put("canceled_at", now);
    }
    if (summary != null && summary.indexDocumentCount() >= 0) {
      fields.put("total_document_count", summary.indexDocumentCount());
    } else if (jobStatus == JobStatus.COMPLETED && r.indexName != null) {
      // A run re-attached after a launcher restart has no summary here: count the index itself.
      try (ContentIndex index = new ContentIndex(config.elasticsearch().connection().withIndex(r.indexName))) {
        index.refresh();
        fields.put("total_document_count", index.count());
      } catch (IOException | RuntimeException e) {
        LOG.warn("Counting index {} failed: {}", r.indexName, e.toString());
      }
    }
    if (summary != null) {
      Map<String, Object> sync = new LinkedHashMap<>();
      sync.put("clean", summary.clean());
      sync.put("counters", summary.counters());
      sync.put("issues", summary.issues());
      sync.put("elapsed_ms", summary.elapsedMillis());
      fields.put("metadata", Map.of("sync", sync));
    }
    try {
      if (!protocol.updateJob(r.handle.syncJobId(), fields)) {
        LOG.warn("Job {} document is gone; its end ({}) is not recorded", r.handle.syncJobId(), jobStatus.wire());
      }
      syncDone(r.connectorId, jobStatus, error, counters, now);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Recording the end of job {} failed (retried next time): {}", r.handle.syncJobId(),
          Secrets.describe(e, r.secrets));
      return false;
    }
    if (jobStatus == JobStatus.COMPLETED) {
      LOG.info("Job {} completed: {} indexed, {} deleted, {} documents in the index", r.handle.syncJobId(),
          counters.indexed(), counters.deleted(), summary == null ? "?" : summary.indexDocumentCount());
    } else {
      LOG.info("Job {} ended {}{}", r.handle.syncJobId(), jobStatus.wire(), error == null ? "" : ": " + error);
    }
    return true;
  }

  static String notClean(SyncSummary s) {
    return String.format("The sync finished but was not clean: %d listing failures, %d skipped parts, %d failed"
        + " writes, %d deletes held back%s; see metadata.sync in this job document",
        s.get(SyncCounters.LISTING_FAILURES), s.get(SyncCounters.SKIPPED_PARTS), s.get(SyncCounters.FAILED),
        s.get(SyncCounters.DELETES_BLOCKED), s.issues().isEmpty() ? "" : " (" + String.join("; ", s.issues()) + ")");
  }

  /** The connector's view of the job's end (the reference's sync_done). */
  void syncDone(String connectorId, JobStatus jobStatus, String error, JobCounters counters, String now)
      throws IOException {
    Optional<ConnectorDocument> c = protocol.connector(connectorId);
    if (c.isEmpty()) {
      return;
    }
    Map<String, Object> fields = new HashMap<>();
    fields.put("last_sync_status", jobStatus.wire());
    fields.put("last_sync_error", error);
    fields.put("last_synced", now);
    if (jobStatus.terminal()) {
      fields.put("last_indexed_document_count", counters.indexed());
      fields.put("last_deleted_document_count", counters.deleted());
    }
    if (jobStatus == JobStatus.ERROR) {
      fields.put("status", ConnectorStatus.ERROR.wire());
      fields.put("error", error);
    } else if (c.get().status() == ConnectorStatus.CONNECTED || c.get().status() == ConnectorStatus.ERROR) {
      fields.put("status", ConnectorStatus.CONNECTED.wire());
      fields.put("error", null);
    }
    protocol.updateConnector(connectorId, fields);
  }

  /**
   * Launcher shutdown: runs that die with the launcher are cancelled and their jobs written
   * {@code suspended} (the next launcher runs them again); runs on a cluster keep going and are
   * re-attached by the next launcher.
   */
  public void suspendAll() {
    for (Running r : new ArrayList<>(running.values())) {
      MDC.put("job_id", r.handle.syncJobId());
      MDC.put("connector_id", r.connectorId);
      try {
        if (!runner.runsInLauncherProcess()) {
          LOG.info("Job {} keeps running on {}; the next launcher re-attaches to it", r.handle.syncJobId(), runner.name());
          continue;
        }
        JobCounters counters = runner.counters(r.handle);
        runner.cancel(r.handle);
        Map<String, Object> fields = new LinkedHashMap<>(counters.fields());
        String now = DirectProtocol.now();
        fields.put("status", JobStatus.SUSPENDED.wire());
        fields.put("last_seen", now);
        protocol.updateJob(r.handle.syncJobId(), fields);
        protocol.updateConnector(r.connectorId, Map.of("last_sync_status", JobStatus.SUSPENDED.wire(), "last_synced", now));
        LOG.info("Job {} suspended: the launcher is stopping; the next launcher runs it again", r.handle.syncJobId());
      } catch (IOException | RuntimeException e) {
        LOG.warn("Suspending job {} failed: {}", r.handle.syncJobId(), Secrets.describe(e, r.secrets));
      } finally {
        MDC.remove("job_id");
        MDC.remove("connector_id");
      }
    }
    running.clear();
  }
}
