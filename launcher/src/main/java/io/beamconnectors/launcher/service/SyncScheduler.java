package io.beamconnectors.launcher.service;

import io.beamconnectors.launcher.protocol.ConcurrentUpdateException;
import io.beamconnectors.launcher.protocol.ConnectorDocument;
import io.beamconnectors.launcher.protocol.ConnectorStatus;
import io.beamconnectors.launcher.protocol.ConnectorsProtocol;
import io.beamconnectors.launcher.protocol.JobQuery;
import io.beamconnectors.launcher.protocol.JobStatus;
import io.beamconnectors.launcher.protocol.JobType;
import io.beamconnectors.launcher.protocol.Schedule;
import io.beamconnectors.launcher.protocol.TriggerMethod;
import java.io.IOException;
import java.text.ParseException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Turns schedules (and the 8.8 {@code sync_now} flag) into pending jobs, once per {@code idling}.
 * Look-behind: the fire times between the previous wake-up (or the connector's
 * {@code last_sync_scheduled_at}, whichever is later) and now are due; only the latest of them
 * gets a job, so a fire time missed while no launcher ran is caught up once. The write of
 * {@code last_sync_scheduled_at} is optimistic ({@code if_seq_no}), so racing launchers create one
 * job per fire time; no job is created while a job of the same type is still pending.
 * Only full syncs are scheduled (the engine has no incremental or access-control sync).
 */
public final class SyncScheduler {
  private static final Logger LOG = LoggerFactory.getLogger(SyncScheduler.class);
  private static final int ATTEMPTS = 3;

  private final ConnectorsProtocol protocol;
  private final ServedConnectors served;
  private Instant previousWake;

  public SyncScheduler(ConnectorsProtocol protocol, ServedConnectors served) {
    this.protocol = protocol;
    this.served = served;
  }

  public void round(Instant now) throws IOException {
    for (ConnectorDocument c : served.list()) {
      MDC.put("connector_id", c.id());
      try {
        if (c.status() == null || c.status() == ConnectorStatus.CREATED || c.status() == ConnectorStatus.NEEDS_CONFIGURATION) {
          continue;
        }
        if (c.syncNow()) {
          onDemandLegacy(c);
        }
        schedule(c.id(), JobType.FULL, now);
      } catch (IOException | RuntimeException e) {
        LOG.warn("Scheduling connector {} failed: {}", c.id(), e.toString());
      } finally {
        MDC.remove("connector_id");
      }
    }
    previousWake = now;
  }

  /** 8.8's {@code sync_now: true}: reset it optimistically, then create one on-demand job. */
  private void onDemandLegacy(ConnectorDocument c) throws IOException {
    try {
      protocol.updateConnector(c, Map.of("sync_now", false));
    } catch (ConcurrentUpdateException e) {
      return; // another launcher took it, or the document changed: next round decides again
    }
    String id = protocol.createJob(c, JobType.FULL, TriggerMethod.ON_DEMAND);
    LOG.info("Connector {} asked for a sync with sync_now (8.8 form): created job {}", c.id(), id);
  }

  private void schedule(String connectorId, JobType type, Instant now) throws IOException {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Optional<ConnectorDocument> read = protocol.connector(connectorId);
      if (read.isEmpty() || read.get().deleted()) {
        return;
      }
      ConnectorDocument c = read.get();
      Schedule schedule = c.schedule(type);
      if (!schedule.enabled()) {
        return;
      }
      CronSchedule cron;
      try {
        cron = CronSchedule.parse(schedule.interval());
      } catch (ParseException e) {
        String message = "scheduling." + type.wire() + ".interval '" + schedule.interval()
            + "' is not a valid Quartz cron expression (" + e.getMessage() + "): fix it in Kibana or with"
            + " `launcher connector schedule " + c.id() + " --cron \"0 0 * * * ?\"`";
        if (!message.equals(c.error())) {
          Map<String, Object> fields = new HashMap<>();
          fields.put("status", ConnectorStatus.ERROR.wire());
          fields.put("error", message);
          protocol.updateConnector(c.id(), fields);
          LOG.warn("Connector {}: {}", c.id(), message);
        }
        return;
      }
      Instant lastScheduled = c.lastScheduledAt(type);
      Instant base = previousWake;
      if (lastScheduled != null && (base == null || lastScheduled.isAfter(base))) {
        base = lastScheduled;
      }
      if (base == null) {
        return; // first round and never scheduled: the first fire time counts from now
      }
      Instant fire = cron.latestIn(base, now);
      if (fire == null) {
        return;
      }
      try {
        protocol.updateConnector(c, Map.of(type.scheduledAtField(), fire.toString()));
      } catch (ConcurrentUpdateException e) {
        continue; // reload: another launcher may have scheduled this fire time
      }
      boolean pending = !protocol.jobs(JobQuery.withStatuses(Set.of(JobStatus.PENDING))
          .forConnectors(java.util.List.of(c.id())).ofTypes(Set.of(type)).limit(1)).isEmpty();
      if (pending) {
        LOG.info("Connector {}: schedule fired at {}, but a {} sync is still pending; no second one", c.id(), fire,
            type.wire());
        return;
      }
      String id = protocol.createJob(c, type, TriggerMethod.SCHEDULED);
      LOG.info("Connector {}: schedule fired at {}, created {} sync job {}", c.id(), fire, type.wire(), id);
      return;
    }
  }
}
