package io.beamconnectors.launcher.cli;

import io.beamconnectors.launcher.protocol.ConcurrentUpdateException;
import io.beamconnectors.launcher.protocol.DirectProtocol;
import io.beamconnectors.launcher.protocol.JobQuery;
import io.beamconnectors.launcher.protocol.JobStatus;
import io.beamconnectors.launcher.protocol.SyncJob;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code launcher job list|show|cancel}. */
@Command(name = "job", description = "List, show and cancel sync jobs.",
    subcommands = {JobCommand.ListJobs.class, JobCommand.Show.class, JobCommand.Cancel.class},
    mixinStandardHelpOptions = true)
public final class JobCommand {
  @ParentCommand LauncherCommand parent;

  static SyncJob require(CommandContext ctx, String id) throws Exception {
    return ctx.protocol().job(id).orElseThrow(() -> new CommandFailure(ExitCodes.NOT_FOUND,
        "sync job '" + id + "' does not exist: `launcher job list` shows the jobs"));
  }

  @Command(name = "list", description = "Jobs, newest first (at most 100).")
  static final class ListJobs implements Callable<Integer> {
    @ParentCommand JobCommand group;
    @Option(names = "--connector", description = "Only this connector's jobs.") String connector;

    @Override
    public Integer call() throws Exception {
      try (CommandContext ctx = group.parent.context()) {
        JobQuery q = JobQuery.withStatuses(Set.of()).sortedNewestFirst();
        if (connector != null) {
          q = q.forConnectors(List.of(connector));
        }
        List<SyncJob> jobs = ctx.protocol().jobs(q);
        if (ctx.json()) {
          List<Map<String, Object>> rows = new ArrayList<>();
          for (SyncJob j : jobs) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", j.id());
            row.put("connector_id", j.connectorId());
            for (String f : new String[] {"job_type", "trigger_method", "status", "created_at", "completed_at",
                "indexed_document_count", "deleted_document_count", "error"}) {
              row.put(f, j.source().get(f));
            }
            rows.add(row);
          }
          ctx.printJson(rows);
        } else {
          for (SyncJob j : jobs) {
            ctx.out().printf("%s  %s  %s/%s  %s  created=%s  indexed=%d deleted=%d%s%n", j.id(), j.connectorId(),
                j.text("job_type"), j.triggerMethod(), j.text("status"), j.text("created_at"),
                j.counter("indexed_document_count"), j.counter("deleted_document_count"),
                j.error() == null ? "" : "  error=" + j.error());
          }
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "show", description = "The job document (sensitive configuration values masked).")
  static final class Show implements Callable<Integer> {
    @ParentCommand JobCommand group;
    @Parameters(index = "0", description = "Sync job id.") String id;

    @Override
    public Integer call() throws Exception {
      try (CommandContext ctx = group.parent.context()) {
        ctx.printJson(Documents.masked(require(ctx, id).source(), "connector", "configuration"));
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "cancel", description = "Cancel a job: a pending or suspended one at once, a running one through"
      + " its launcher (canceling, then canceled).")
  static final class Cancel implements Callable<Integer> {
    private static final int CANCEL_ATTEMPTS = 20;
    @ParentCommand JobCommand group;
    @Parameters(index = "0", description = "Sync job id.") String id;

    @Override
    public Integer call() throws Exception {
      try (CommandContext ctx = group.parent.context()) {
        // A running job's launcher writes its heartbeat every job_reporting_interval: retry the
        // conditional update on a fresh read until it lands (a slow machine can lose a few rounds).
        for (int attempt = 0; attempt < CANCEL_ATTEMPTS; attempt++) {
          SyncJob job = require(ctx, id);
          JobStatus s = job.status();
          String now = DirectProtocol.now();
          Map<String, Object> fields = new HashMap<>();
          fields.put("cancelation_requested_at", now);
          if (s == JobStatus.PENDING || s == JobStatus.SUSPENDED) {
            fields.put("status", JobStatus.CANCELED.wire());
            fields.put("canceled_at", now);
            fields.put("completed_at", now);
          } else if (s == JobStatus.IN_PROGRESS) {
            fields.put("status", JobStatus.CANCELING.wire());
          } else if (s == JobStatus.CANCELING) {
            ctx.out().println(ctx.json() ? "{\"id\":\"" + id + "\",\"status\":\"canceling\"}" : "Job " + id + " is already canceling");
            return ExitCodes.OK;
          } else {
            throw new CommandFailure(ExitCodes.BAD_INPUT, "sync job '" + id + "' is " + job.text("status")
                + " and cannot be canceled");
          }
          try {
            ctx.protocol().updateJob(job, fields);
            if (ctx.json()) {
              ctx.printJson(Map.of("id", id, "status", fields.get("status")));
            } else {
              ctx.out().println("Job " + id + " is " + fields.get("status"));
            }
            return ExitCodes.OK;
          } catch (ConcurrentUpdateException e) {
            // the launcher changed it meanwhile: read again
          }
        }
        throw new CommandFailure(ExitCodes.ELASTICSEARCH, "sync job '" + id + "' kept changing: try again");
      }
    }
  }
}
