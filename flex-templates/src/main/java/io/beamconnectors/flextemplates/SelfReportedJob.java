package io.beamconnectors.flextemplates;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamconnectors.launcher.protocol.ConcurrentUpdateException;
import io.beamconnectors.launcher.protocol.ConnectorDocument;
import io.beamconnectors.launcher.protocol.ConnectorStatus;
import io.beamconnectors.launcher.protocol.ConnectorsProtocol;
import io.beamconnectors.launcher.protocol.DirectProtocol;
import io.beamconnectors.launcher.protocol.JobQuery;
import io.beamconnectors.launcher.protocol.JobStatus;
import io.beamconnectors.launcher.protocol.JobType;
import io.beamconnectors.launcher.protocol.SyncJob;
import io.beamconnectors.launcher.protocol.TriggerMethod;
import io.beamconnectors.launcher.runner.JobCounters;
import io.beamconnectors.metrics.SyncCounters;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sync.SyncSummary;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The sync-job document of a run that reports itself (a scheduled run without a launcher): the run
 * creates a {@code scheduled} {@code full} job of its connector, claims it the way the launcher does
 * (the connector document's {@code last_sync_status=in_progress} written with
 * {@code if_seq_no}/{@code if_primary_term} is the lock, then the job goes {@code in_progress}),
 * heartbeats it, and finishes it with the counters and the connector's {@code last_*} fields, so the
 * run shows in Kibana like a launcher run. A run whose connector already runs a job records its own
 * job as {@code error} naming the running job, leaves the connector alone and throws
 * {@link OverlappingRunException}.
 */
public final class SelfReportedJob {
  private static final int LOCK_ATTEMPTS = 3;

  private final ConnectorsProtocol protocol;
  private final String connectorId;
  private final SyncJob job;

  private SelfReportedJob(ConnectorsProtocol protocol, String connectorId, SyncJob job) {
    this.protocol = protocol;
    this.connectorId = connectorId;
    this.job = job;
  }

  /** Another job of the connector is {@code in_progress}: this run recorded an error job and did nothing. */
  public static final class OverlappingRunException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OverlappingRunException(String message) {
      super(message);
    }
  }

  /** The id of this run's sync-job document. */
  public String jobId() {
    return job.id();
  }

  /** The job as claimed: its connector snapshot holds service type, index and configuration. */
  public SyncJob job() {
    return job;
  }

  /**
   * Locks the connector, creates this run's job and claims it. {@code workerHostname} goes into
   * the job's {@code worker_hostname}.
   */
  public static SelfReportedJob claim(ConnectorsProtocol protocol, String connectorId, String workerHostname)
      throws IOException {
    if (connectorId == null || connectorId.isBlank()) {
      throw new ConfigurationException("--selfReportConnectorId is empty: pass the id of a connector document");
    }
    for (int attempt = 1; attempt <= LOCK_ATTEMPTS; attempt++) {
      ConnectorDocument connector = protocol.connector(connectorId)
          .filter(c -> !c.deleted())
          .orElseThrow(() -> new ConfigurationException("--selfReportConnectorId names connector '" + connectorId
              + "', which does not exist in " + DirectProtocol.CONNECTORS + ": create it in Kibana or with"
              + " `launcher connector create`, or correct the id"));
      if (connector.lastSyncStatus() == JobStatus.IN_PROGRESS) {
        throw overlapping(protocol, connector);
      }
      try {
        protocol.updateConnector(connector, connector.syncLockFields());
      } catch (ConcurrentUpdateException e) {
        continue; // someone else wrote the connector: read it again, it may now be running a job
      }
      String id = protocol.createJob(connector, JobType.FULL, TriggerMethod.SCHEDULED);
      SyncJob pending = protocol.job(id).orElseThrow(() -> new IOException("sync job " + id + " vanished after it was created"));
      String now = DirectProtocol.now();
      Map<String, Object> claim = new HashMap<>(JobCounters.ZERO.fields());
      claim.put("status", JobStatus.IN_PROGRESS.wire());
      claim.put("started_at", now);
      claim.put("last_seen", now);
      claim.put("worker_hostname", workerHostname);
      claim.put("error", null);
      try {
        protocol.updateJob(pending, claim);
      } catch (ConcurrentUpdateException e) {
        // Only a launcher could have touched our fresh pending job, and it cannot hold the lock we hold.
        releaseAfterLostClaim(protocol, connector, id);
        throw new IOException("sync job " + id + " changed while this run claimed it; nothing was synced", null);
      }
      return new SelfReportedJob(protocol, connectorId, protocol.job(id).orElse(pending));
    }
    throw new IOException("the connector document '" + connectorId + "' kept changing while this run tried to lock it ("
        + LOCK_ATTEMPTS + " attempts); nothing was synced", null);
  }

  /** Records this run as an error job naming the running one; the connector (and its running job) stay as they are. */
  private static OverlappingRunException overlapping(ConnectorsProtocol protocol, ConnectorDocument connector)
      throws IOException {
    List<SyncJob> running = protocol.jobs(JobQuery.withStatuses(Set.of(JobStatus.IN_PROGRESS, JobStatus.CANCELING))
        .forConnectors(List.of(connector.id())).limit(1).sortedNewestFirst());
    String other = running.isEmpty() ? "a job this run could not find" : "job " + running.get(0).id();
    String id = protocol.createJob(connector, JobType.FULL, TriggerMethod.SCHEDULED);
    String message = String.format(Locale.ROOT, "Another sync of connector %s is in progress (%s): this scheduled"
        + " run did nothing; it runs again at its next schedule", connector.id(), other);
    String now = DirectProtocol.now();
    Map<String, Object> fields = new HashMap<>();
    fields.put("status", JobStatus.ERROR.wire());
    fields.put("error", message);
    fields.put("started_at", now);
    fields.put("completed_at", now);
    fields.put("last_seen", now);
    protocol.updateJob(id, fields);
    return new OverlappingRunException(message + " (sync job " + id + ")");
  }

  private static void releaseAfterLostClaim(ConnectorsProtocol protocol, ConnectorDocument before, String jobId)
      throws IOException {
    Map<String, Object> fields = new HashMap<>();
    fields.put("last_sync_status", before.text("last_sync_status"));
    fields.put("last_sync_error", before.text("last_sync_error"));
    fields.put("status", before.text("status"));
    fields.put("error", before.text("error"));
    protocol.updateConnector(before.id(), fields);
  }

  /** The connector snapshot's configuration in the {@code {"field": {"value": ...}}} form. */
  public JsonNode configuration() {
    return job.source().path("connector").path("configuration");
  }

  /** Tells Kibana (and a launcher's stale-job cleanup) that the run is alive. */
  public void heartbeat() throws IOException {
    protocol.updateJob(job.id(), Map.of("last_seen", DirectProtocol.now()));
  }

  /**
   * The end of a run whose pipeline finished: {@code completed} when the sync was clean, otherwise
   * {@code error} with what was not clean; counters and the connector's {@code last_*} fields.
   */
  public void finish(SyncSummary summary) throws IOException {
    JobCounters counters = JobCounters.of(summary);
    String error = summary.clean() ? null : String.format(Locale.ROOT, "The sync finished but was not clean: %d listing"
        + " failures, %d skipped parts, %d failed writes, %d deletes held back%s", summary.get(SyncCounters.LISTING_FAILURES),
        summary.get(SyncCounters.SKIPPED_PARTS), summary.get(SyncCounters.FAILED), summary.get(SyncCounters.DELETES_BLOCKED),
        summary.issues().isEmpty() ? "" : " (" + String.join("; ", summary.issues()) + ")");
    end(error == null ? JobStatus.COMPLETED : JobStatus.ERROR, error, counters, summary);
  }

  /** The end of a run that failed before or while its pipeline ran; {@code error} must hold no secret. */
  public void fail(String error) throws IOException {
    end(JobStatus.ERROR, error, JobCounters.ZERO, null);
  }

  private void end(JobStatus status, String error, JobCounters counters, SyncSummary summary) throws IOException {
    String now = DirectProtocol.now();
    Map<String, Object> fields = new LinkedHashMap<>(counters.fields());
    fields.put("status", status.wire());
    fields.put("error", error);
    fields.put("completed_at", now);
    fields.put("last_seen", now);
    if (summary != null) {
      if (summary.indexDocumentCount() >= 0) {
        fields.put("total_document_count", summary.indexDocumentCount());
      }
      Map<String, Object> sync = new LinkedHashMap<>(); // the launcher's metadata.sync shape
      sync.put("clean", summary.clean());
      sync.put("counters", summary.counters());
      sync.put("issues", summary.issues());
      sync.put("elapsed_ms", summary.elapsedMillis());
      fields.put("metadata", Map.of("sync", sync));
    }
    protocol.updateJob(job.id(), fields);
    Optional<ConnectorDocument> connector = protocol.connector(connectorId);
    if (connector.isEmpty()) {
      return;
    }
    Map<String, Object> c = new HashMap<>();
    c.put("last_sync_status", status.wire());
    c.put("last_sync_error", error);
    c.put("last_synced", now);
    c.put("last_indexed_document_count", counters.indexed());
    c.put("last_deleted_document_count", counters.deleted());
    if (status == JobStatus.ERROR) {
      c.put("status", ConnectorStatus.ERROR.wire());
      c.put("error", error);
    } else if (connector.get().status() == ConnectorStatus.CONNECTED || connector.get().status() == ConnectorStatus.ERROR) {
      c.put("status", ConnectorStatus.CONNECTED.wire());
      c.put("error", null);
    }
    protocol.updateConnector(connectorId, c);
  }
}
