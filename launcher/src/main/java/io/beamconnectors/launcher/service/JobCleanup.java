package io.beamconnectors.launcher.service;

import io.beamconnectors.launcher.config.LauncherConfig;
import io.beamconnectors.launcher.protocol.ConnectorDocument;
import io.beamconnectors.launcher.protocol.ConnectorsProtocol;
import io.beamconnectors.launcher.protocol.DirectProtocol;
import io.beamconnectors.launcher.protocol.JobQuery;
import io.beamconnectors.launcher.protocol.JobStatus;
import io.beamconnectors.launcher.protocol.SyncJob;
import io.beamconnectors.launcher.runner.JobCounters;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code job_cleanup_interval}: jobs that are {@code in_progress} or {@code canceling} with
 * no heartbeat for {@code idle_job_threshold} (their launcher died) and unfinished jobs of deleted
 * connectors become {@code error} with a message that says why. Nothing is deleted.
 */
public final class JobCleanup {
  private static final Logger LOG = LoggerFactory.getLogger(JobCleanup.class);
  private static final Set<JobStatus> RUNNING = Set.of(JobStatus.IN_PROGRESS, JobStatus.CANCELING);
  private static final Set<JobStatus> UNFINISHED = Set.of(JobStatus.PENDING, JobStatus.IN_PROGRESS,
      JobStatus.CANCELING, JobStatus.SUSPENDED);

  private final LauncherConfig config;
  private final ConnectorsProtocol protocol;
  private final ServedConnectors served;
  private final JobMonitor monitor;

  public JobCleanup(LauncherConfig config, ConnectorsProtocol protocol, ServedConnectors served, JobMonitor monitor) {
    this.config = config;
    this.protocol = protocol;
    this.served = served;
    this.monitor = monitor;
  }

  public void round(Instant now) throws IOException {
    long idleSeconds = config.service().idleJobThreshold().toSeconds();
    Instant threshold = now.minus(config.service().idleJobThreshold());
    for (SyncJob job : protocol.jobs(JobQuery.withStatuses(RUNNING).forConnectors(served.ids()).seenBefore(threshold)
        .limit(1000))) {
      if (monitor.isRunning(job.id())) {
        continue;
      }
      String error = "The job has not reported for more than " + idleSeconds + " s: the launcher running it ("
          + (job.text("worker_hostname") == null ? "unknown worker" : job.text("worker_hostname"))
          + ") stopped or lost Elasticsearch; request a new sync to run it again";
      markError(job, error);
      ConnectorDocument c = protocol.connector(job.connectorId()).orElse(null);
      if (c != null && c.lastSyncStatus() == JobStatus.IN_PROGRESS) {
        monitor.syncDone(c.id(), JobStatus.ERROR, error, new JobCounters(job.counter("indexed_document_count"),
            job.counter("deleted_document_count"), 0), DirectProtocol.now());
      }
    }
    List<SyncJob> unfinished = protocol.jobs(JobQuery.withStatuses(UNFINISHED).limit(1000));
    Set<String> connectorIds = unfinished.stream().map(SyncJob::connectorId).filter(id -> id != null)
        .collect(Collectors.toCollection(LinkedHashSet::new));
    Set<String> alive = protocol.connectors(connectorIds).stream().filter(c -> !c.deleted())
        .map(ConnectorDocument::id).collect(Collectors.toSet());
    for (SyncJob job : unfinished) {
      if (job.connectorId() == null || alive.contains(job.connectorId()) || monitor.isRunning(job.id())) {
        continue;
      }
      markError(job, "Connector '" + job.connectorId() + "' was deleted: this " + job.status().wire()
          + " job will not run");
    }
  }

  private void markError(SyncJob job, String error) throws IOException {
    Map<String, Object> fields = new HashMap<>();
    fields.put("status", JobStatus.ERROR.wire());
    fields.put("error", error);
    fields.put("completed_at", DirectProtocol.now());
    try {
      protocol.updateJob(job, fields);
      LOG.warn("Job {} of connector {} marked error: {}", job.id(), job.connectorId(), error);
    } catch (io.beamconnectors.launcher.protocol.ConcurrentUpdateException e) {
      LOG.debug("Job {} changed while cleanup looked at it; next round", job.id());
    }
  }
}
