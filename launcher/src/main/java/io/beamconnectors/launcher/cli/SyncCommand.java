package io.beamconnectors.launcher.cli;

import io.beamconnectors.launcher.protocol.ConnectorDocument;
import io.beamconnectors.launcher.protocol.JobStatus;
import io.beamconnectors.launcher.protocol.JobType;
import io.beamconnectors.launcher.protocol.SyncJob;
import io.beamconnectors.launcher.protocol.TriggerMethod;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code launcher sync ID [--wait] [--timeout S]}: creates a pending on-demand full sync job (a
 * running launcher picks it up); with {@code --wait}, follows it and exits 0 only if it completed.
 */
@Command(name = "sync", description = "Request a full sync of a connector (a pending job a launcher runs).",
    mixinStandardHelpOptions = true)
public final class SyncCommand implements Callable<Integer> {
  @ParentCommand LauncherCommand parent;
  @Parameters(index = "0", description = "Connector id.") String id;
  @Option(names = "--wait", description = "Wait for the job to end; exit 0 if completed, 1 if error or canceled.") boolean wait;
  @Option(names = "--timeout", description = "Seconds to wait at most (default: no limit); exit 5 when reached.")
  long timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    try (CommandContext ctx = parent.context()) {
      ConnectorDocument c = ConnectorCommand.require(ctx.protocol(), id);
      if (c.indexName() == null || c.indexName().isEmpty() || c.serviceType() == null || c.serviceType().isEmpty()) {
        throw new CommandFailure(ExitCodes.BAD_INPUT, "connector '" + id + "' has no index_name or service_type: set"
            + " them before requesting a sync");
      }
      String jobId = ctx.protocol().createJob(c, JobType.FULL, TriggerMethod.ON_DEMAND);
      if (!wait) {
        if (ctx.json()) {
          ctx.printJson(Map.of("job_id", jobId, "status", "pending"));
        } else {
          ctx.out().println("Created sync job " + jobId + " for connector " + id + " (pending; a running launcher starts it)");
        }
        return ExitCodes.OK;
      }
      if (!ctx.json()) {
        ctx.out().println("Created sync job " + jobId + " for connector " + id + "; waiting for it to end");
      }
      long deadline = timeoutSeconds > 0 ? System.currentTimeMillis() + timeoutSeconds * 1000 : Long.MAX_VALUE;
      SyncJob job;
      while (true) {
        job = ctx.protocol().job(jobId).orElseThrow(() -> new CommandFailure(ExitCodes.NOT_FOUND,
            "sync job '" + jobId + "' disappeared while waiting for it"));
        if (job.status() != null && job.status().terminal()) {
          break;
        }
        if (System.currentTimeMillis() > deadline) {
          print(ctx, job);
          throw new CommandFailure(ExitCodes.TIMEOUT, "sync job " + jobId + " is still " + job.text("status") + " after "
              + timeoutSeconds + " s (it keeps going: `launcher job show " + LauncherCommand.idArgument(jobId) + "`); is a launcher running"
              + " (`launcher --action poll`)?");
        }
        Thread.sleep(500);
      }
      print(ctx, job);
      return job.status() == JobStatus.COMPLETED ? ExitCodes.OK : ExitCodes.SYNC_FAILED;
    }
  }

  static void print(CommandContext ctx, SyncJob job) throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("job_id", job.id());
    m.put("connector_id", job.connectorId());
    m.put("status", job.text("status"));
    m.put("indexed_document_count", job.counter("indexed_document_count"));
    m.put("deleted_document_count", job.counter("deleted_document_count"));
    m.put("indexed_document_volume", job.counter("indexed_document_volume"));
    m.put("total_document_count", job.source().path("total_document_count").isNumber()
        ? job.counter("total_document_count") : null);
    m.put("error", job.error());
    if (ctx.json()) {
      ctx.printJson(m);
    } else {
      m.forEach((k, v) -> ctx.out().printf("  %-24s %s%n", k, v));
    }
  }
}
