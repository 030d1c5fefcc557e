package io.beamconnectors.launcher.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.launcher.protocol.ConcurrentUpdateException;
import io.beamconnectors.launcher.protocol.ConnectorDocument;
import io.beamconnectors.launcher.protocol.ConnectorsProtocol;
import io.beamconnectors.launcher.service.CronSchedule;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.SourceConnector;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code launcher connector create|list|show|configure|schedule|delete}: connectors without Kibana. */
@Command(name = "connector", description = "Create, list, show, configure, schedule and delete connectors.",
    subcommands = {ConnectorCommand.Create.class, ConnectorCommand.ListConnectors.class, ConnectorCommand.Show.class,
        ConnectorCommand.Configure.class, ConnectorCommand.Schedule.class, ConnectorCommand.Delete.class},
    mixinStandardHelpOptions = true)
public final class ConnectorCommand {
  @ParentCommand
  LauncherCommand parent;

  static ConnectorDocument require(ConnectorsProtocol p, String id) throws Exception {
    ConnectorDocument c = p.connector(id).orElse(null);
    if (c == null || c.deleted()) {
      throw new CommandFailure(ExitCodes.NOT_FOUND, "connector '" + id + "' does not exist: `launcher connector list`"
          + " shows the connectors");
    }
    return c;
  }

  @Command(name = "create", description = "Create a connector (status created, or configured with --configuration).")
  static final class Create implements Callable<Integer> {
    @ParentCommand ConnectorCommand group;
    @Option(names = "--id", required = true, description = "Connector id (the document id).") String id;
    @Option(names = "--service-type", required = true, description = "Source type, e.g. postgresql.") String serviceType;
    @Option(names = "--index-name", required = true, description = "Content index to mirror into.") String indexName;
    @Option(names = "--name", description = "Display name (default: the id).") String name;
    @Option(names = "--configuration", description = "JSON file of field values.") Path configuration;

    @Override
    public Integer call() throws Exception {
      try (CommandContext ctx = group.parent.context()) {
        SourceConnector source;
        try {
          source = ctx.config().sourceRegistry().create(serviceType);
        } catch (ConfigurationException e) {
          throw new CommandFailure(ExitCodes.BAD_INPUT, "--service-type: " + e.getMessage());
        }
        ObjectNode conf = configuration == null ? null
            : Documents.mergeConfiguration(source, null, Documents.readValues(configuration));
        ConnectorsProtocol p = ctx.protocol();
        p.ensureIndices();
        ObjectNode doc = Documents.newConnector(id, name, serviceType, indexName, conf);
        try {
          p.createConnector(id, doc);
        } catch (ConcurrentUpdateException e) {
          throw new CommandFailure(ExitCodes.BAD_INPUT, "connector '" + id + "' already exists: pick another --id or"
              + " change it with `launcher connector configure`");
        }
        if (ctx.json()) {
          ctx.printJson(Map.of("id", id, "status", doc.path("status").asText()));
        } else {
          ctx.out().println("Created connector " + id + " (" + serviceType + " -> " + indexName + "), status "
              + doc.path("status").asText());
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "list", description = "One line per connector: id, type, index, status, last sync.")
  static final class ListConnectors implements Callable<Integer> {
    @ParentCommand ConnectorCommand group;

    @Override
    public Integer call() throws Exception {
      try (CommandContext ctx = group.parent.context()) {
        printList(ctx);
        return ExitCodes.OK;
      }
    }
  }

  static void printList(CommandContext ctx) throws Exception {
    List<ConnectorDocument> all = ctx.protocol().connectors(null);
    if (ctx.json()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (ConnectorDocument c : all) {
        if (c.deleted()) {
          continue;
        }
        Map<String, Object> row = new HashMap<>();
        for (String f : new String[] {"service_type", "index_name", "status", "error", "last_sync_status", "last_synced",
            "last_indexed_document_count", "last_deleted_document_count"}) {
          row.put(f, c.source().get(f));
        }
        row.put("id", c.id());
        rows.add(row);
      }
      ctx.printJson(rows);
      return;
    }
    for (ConnectorDocument c : all) {
      if (c.deleted()) {
        continue;
      }
      ctx.out().printf("%s  %s  %s  status=%s  last_sync=%s  last_synced=%s%s%n", c.id(), c.serviceType(), c.indexName(),
          c.text("status"), c.text("last_sync_status"), c.text("last_synced"),
          c.error() == null ? "" : "  error=" + c.error());
    }
  }

  @Command(name = "show", description = "The connector document (sensitive values masked).")
  static final class Show implements Callable<Integer> {
    @ParentCommand ConnectorCommand group;
    @Parameters(index = "0", description = "Connector id.") String id;

    @Override
    public Integer call() throws Exception {
      try (CommandContext ctx = group.parent.context()) {
        ConnectorDocument c = require(ctx.protocol(), id);
        ctx.printJson(Documents.masked(c.source(), "configuration"));
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "configure", description = "Set configuration values (status becomes configured).")
  static final class Configure implements Callable<Integer> {
    @ParentCommand ConnectorCommand group;
    @Parameters(index = "0", description = "Connector id.") String id;
    @Option(names = "--configuration", required = true, description = "JSON file of field values.") Path configuration;

    @Override
    public Integer call() throws Exception {
      try (CommandContext ctx = group.parent.context()) {
        ObjectNode values = Documents.readValues(configuration);
        for (int attempt = 0; attempt < 3; attempt++) {
          ConnectorDocument c = require(ctx.protocol(), id);
          SourceConnector source;
          try {
            source = ctx.config().sourceRegistry().create(c.serviceType());
          } catch (ConfigurationException e) {
            throw new CommandFailure(ExitCodes.BAD_INPUT, e.getMessage());
          }
          Map<String, Object> fields = new HashMap<>();
          fields.put("configuration", Documents.mergeConfiguration(source, c.configuration(), values));
          fields.put("status", "configured");
          fields.put("error", null);
          try {
            ctx.protocol().updateConnector(c, fields);
            if (ctx.json()) {
              ctx.printJson(Map.of("id", id, "status", "configured"));
            } else {
              ctx.out().println("Configured connector " + id + " (" + values.size() + " fields set); the launcher checks it next");
            }
            return ExitCodes.OK;
          } catch (ConcurrentUpdateException e) {
            // changed meanwhile: read again
          }
        }
        throw new CommandFailure(ExitCodes.ELASTICSEARCH, "connector '" + id + "' kept changing while it was"
            + " configured: try again");
      }
    }
  }

  @Command(name = "schedule", description = "Set the full-sync schedule (Quartz cron with seconds, UTC).")
  static final class Schedule implements Callable<Integer> {
    @ParentCommand ConnectorCommand group;
    @Parameters(index = "0", description = "Connector id.") String id;
    @Option(names = "--cron", description = "Quartz cron, e.g. \"0 0 * * * ?\" (hourly).") String cron;
    @Option(names = "--disable", description = "Turn the schedule off.") boolean disable;

    @Override
    public Integer call() throws Exception {
      if (!disable && cron == null) {
        throw new CommandFailure(ExitCodes.BAD_INPUT, "give --cron \"<quartz cron>\" or --disable");
      }
      if (cron != null) {
        try {
          CronSchedule.parse(cron);
        } catch (ParseException e) {
          throw new CommandFailure(ExitCodes.BAD_INPUT, "--cron '" + cron + "' is not a valid Quartz cron expression ("
              + e.getMessage() + "): six or seven fields, seconds first, e.g. \"0 0 * * * ?\"");
        }
      }
      try (CommandContext ctx = group.parent.context()) {
        ConnectorDocument c = require(ctx.protocol(), id);
        String interval = cron != null ? cron : c.schedule(io.beamconnectors.launcher.protocol.JobType.FULL).interval();
        if (interval == null || interval.isEmpty()) {
          interval = Documents.DEFAULT_CRON;
        }
        ObjectNode scheduling = c.source().path("scheduling").isObject()
            ? (ObjectNode) c.source().get("scheduling").deepCopy() : CommandContext.JSON.createObjectNode();
        scheduling.remove("enabled"); // the 8.8 single form becomes the 9.x per-type form
        scheduling.remove("interval");
        scheduling.putObject("full").put("enabled", !disable).put("interval", interval);
        for (String t : new String[] {"incremental", "access_control"}) {
          if (!scheduling.has(t)) {
            scheduling.putObject(t).put("enabled", false).put("interval", Documents.DEFAULT_CRON);
          }
        }
        ctx.protocol().updateConnector(id, Map.of("scheduling", scheduling));
        if (ctx.json()) {
          ctx.printJson(Map.of("id", id, "enabled", !disable, "interval", interval));
        } else {
          ctx.out().println("Connector " + id + ": full sync schedule " + (disable ? "disabled" : "'" + interval + "' (UTC)"));
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "delete", description = "Delete a connector (soft: deleted=true, as the _connector API does;"
      + " --hard removes the document).")
  static final class Delete implements Callable<Integer> {
    @ParentCommand ConnectorCommand group;
    @Parameters(index = "0", description = "Connector id.") String id;
    @Option(names = "--hard", description = "Remove the document (its id can be created again).") boolean hard;

    @Override
    public Integer call() throws Exception {
      try (CommandContext ctx = group.parent.context()) {
        if (hard) {
          if (!ctx.protocol().deleteConnectorDocument(id)) {
            throw new CommandFailure(ExitCodes.NOT_FOUND, "connector '" + id + "' does not exist");
          }
        } else {
          require(ctx.protocol(), id);
          ctx.protocol().updateConnector(id, Map.of("deleted", true));
        }
        if (ctx.json()) {
          ctx.printJson(Map.of("id", id, "deleted", true));
        } else {
          ctx.out().println("Deleted connector " + id + " (its content index is kept; its unfinished jobs become error)");
        }
        return ExitCodes.OK;
      }
    }
  }
}
