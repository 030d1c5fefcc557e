package io.beamconnectors.launcher.service;

import io.beamconnectors.launcher.config.LauncherConfig;
import io.beamconnectors.launcher.protocol.ConcurrentUpdateException;
import io.beamconnectors.launcher.protocol.ConnectorDocument;
import io.beamconnectors.launcher.protocol.ConnectorsProtocol;
import io.beamconnectors.launcher.protocol.DirectProtocol;
import io.beamconnectors.launcher.protocol.JobQuery;
import io.beamconnectors.launcher.protocol.JobStatus;
import io.beamconnectors.launcher.protocol.JobType;
import io.beamconnectors.launcher.protocol.SyncJob;
import io.beamconnectors.launcher.runner.JobCounters;
import io.beamconnectors.launcher.runner.RunHandle;
import io.beamconnectors.launcher.runner.RunnerAdapter;
import io.beamconnectors.sources.Secrets;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Starts pending (and suspended) jobs, oldest first, while the pool has room; a full pool leaves
 * jobs pending. Claiming takes the connector document as a lock: an update of
 * {@code last_sync_status=in_progress} with {@code if_seq_no}/{@code if_primary_term} (retried on
 * conflict, abandoned if another launcher holds it), then the job's own update from
 * {@code pending}/{@code suspended} to {@code in_progress}, also conditional. Two launchers racing
 * on one job therefore start one run.
 */
public final class JobExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(JobExecutor.class);
  private static final int ATTEMPTS = 3;

  private final LauncherConfig config;
  private final ConnectorsProtocol protocol;
  private final ServedConnectors served;
  private final RunnerAdapter runner;
  private final JobMonitor monitor;

  public JobExecutor(LauncherConfig config, ConnectorsProtocol protocol, ServedConnectors served,
      RunnerAdapter runner, JobMonitor monitor) {
    this.config = config;
    this.protocol = protocol;
    this.served = served;
    this.runner = runner;
    this.monitor = monitor;
  }

  /** At start: re-attach to runs an earlier launcher left on a runner that outlives it. */
  public void recover() throws IOException {
    List<String> ids = served.ids();
    for (SyncJob job : protocol.jobs(JobQuery.withStatuses(Set.of(JobStatus.IN_PROGRESS, JobStatus.CANCELING))
        .forConnectors(ids))) {
      Optional<RunHandle> handle = runner.recover(job.id());
      if (handle.isPresent()) {
        monitor.watch(handle.get(), job);
        LOG.info("Re-attached to job {} running on {} as {}", job.id(), runner.name(), handle.get().runnerJobId());
      }
    }
  }

  public void round() throws IOException {
    int free = config.service().maxConcurrentContentSyncs() - monitor.runningCount();
    if (free <= 0) {
      return;
    }
    List<String> ids = served.ids();
    List<SyncJob> jobs = protocol.jobs(JobQuery.withStatuses(Set.of(JobStatus.PENDING, JobStatus.SUSPENDED))
        .forConnectors(ids).ofTypes(Set.of(JobType.FULL)));
    for (SyncJob job : jobs) {
      if (free <= 0) {
        break;
      }
      if (monitor.isRunning(job.id())) {
        continue;
      }
      MDC.put("job_id", job.id());
      MDC.put("connector_id", job.connectorId());
      try {
        if (start(job)) {
          free--;
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("Starting job {} failed: {}", job.id(), e.toString());
      } finally {
        MDC.remove("job_id");
        MDC.remove("connector_id");
      }
    }
  }

  private boolean start(SyncJob pending) throws IOException {
    ConnectorDocument locked = lockConnector(pending.connectorId());
    if (locked == null) {
      return false;
    }
    Optional<SyncJob> current = protocol.job(pending.id());
    boolean claimed = false;
    SyncJob job = null;
    if (current.isPresent() && (current.get().status() == JobStatus.PENDING || current.get().status() == JobStatus.SUSPENDED)) {
      job = current.get();
      String now = DirectProtocol.now();
      Map<String, Object> claim = new HashMap<>(JobCounters.ZERO.fields());
      claim.put("status", JobStatus.IN_PROGRESS.wire());
      claim.put("started_at", now);
      claim.put("last_seen", now);
      claim.put("worker_hostname", config.service().workerHostname());
      claim.put("error", null);
      try {
        protocol.updateJob(job, claim);
        claimed = true;
      } catch (ConcurrentUpdateException e) {
        LOG.debug("Job {} changed while it was claimed", pending.id());
      }
    }
    if (!claimed) {
      release(locked);
      return false;
    }
    boolean resumed = job.status() == JobStatus.SUSPENDED;
    LOG.info("Claimed job {} of connector {}{} (worker {})", job.id(), job.connectorId(),
        resumed ? ", resuming it after a suspension" : "", config.service().workerHostname());
    RunHandle handle;
    try {
      handle = runner.submit(job.id(), config.connectorApiKey(job.connectorId()));
    } catch (Exception e) {
      String error = "Submitting the job to the " + runner.name() + " runner failed: "
          + Secrets.describe(e, JobSecrets.of(job.source().path("connector").path("configuration"),
              config.secrets()));
      Map<String, Object> fields = new HashMap<>();
      fields.put("status", JobStatus.ERROR.wire());
      fields.put("error", error);
      fields.put("completed_at", DirectProtocol.now());
      protocol.updateJob(job.id(), fields);
      monitor.syncDone(job.connectorId(), JobStatus.ERROR, error, JobCounters.ZERO, DirectProtocol.now());
      LOG.warn("Job {}: {}", job.id(), error);
      return false;
    }
    monitor.watch(handle, job);
    return true;
  }

  /** The connector lock (the reference's sync_starts); null if it is held or the connector is gone. */
  private ConnectorDocument lockConnector(String connectorId) throws IOException {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Optional<ConnectorDocument> read = protocol.connector(connectorId);
      if (read.isEmpty() || read.get().deleted()) {
        return null;
      }
      ConnectorDocument c = read.get();
      if (c.lastSyncStatus() == JobStatus.IN_PROGRESS) {
        LOG.debug("Connector {} already runs a job", connectorId);
        return null;
      }
      try {
        protocol.updateConnector(c, c.syncLockFields());
        return c;
      } catch (ConcurrentUpdateException e) {
        LOG.debug("Connector {} changed while it was locked (attempt {})", connectorId, attempt);
      }
    }
    return null;
  }

  /** Gives the connector lock back after a claim that did not happen. */
  private void release(ConnectorDocument before) throws IOException {
    Map<String, Object> fields = new HashMap<>();
    fields.put("last_sync_status", before.text("last_sync_status"));
    fields.put("last_sync_error", before.text("last_sync_error"));
    fields.put("status", before.text("status"));
    fields.put("error", before.text("error"));
    protocol.updateConnector(before.id(), fields);
  }
}
