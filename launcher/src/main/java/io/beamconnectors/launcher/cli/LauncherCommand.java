package io.beamconnectors.launcher.cli;

import io.beamconnectors.launcher.config.LauncherConfig;
import io.beamconnectors.launcher.protocol.ConnectorsProtocol;
import io.beamconnectors.launcher.protocol.ElasticsearchAccessException;
import io.beamconnectors.launcher.runner.RunnerAdapter;
import io.beamconnectors.launcher.runner.Runners;
import io.beamconnectors.launcher.service.LauncherService;
import io.beamconnectors.sources.ConfigurationException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root command: the service ({@code --action}) and the management subcommands. */
@Command(name = "launcher", mixinStandardHelpOptions = true, version = "beam-connectors launcher 0.1.0",
    description = "Runs the connector protocol service (--action poll) and manages connectors and sync jobs.",
    subcommands = {ConnectorCommand.class, SyncCommand.class, JobCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:sync --wait: the job ended error or canceled",
        "2:bad usage, config.yml or input file", "3:Elasticsearch unreachable or refused the request",
        "4:connector or job not found", "5:sync --wait --timeout reached", "6:unexpected failure"})
public final class LauncherCommand implements Callable<Integer> {
  public static final int UNEXPECTED = 6;

  enum Action { poll, schedule, execute, cleanup, list }

  @Option(names = {"-c", "--config"}, scope = ScopeType.INHERIT, defaultValue = "${env:BC_LAUNCHER_CONFIG:-config.yml}",
      description = "config.yml (default: $BC_LAUNCHER_CONFIG or ./config.yml).")
  Path config;

  @Option(names = "--action", description = "poll (every loop, until SIGTERM), schedule, execute, cleanup (one loop),"
      + " list (connectors and their status).")
  Action action;

  @Option(names = "--json", scope = ScopeType.INHERIT, description = "Machine-readable output.")
  boolean json;

  @Option(names = "--filebeat", scope = ScopeType.INHERIT, description = "Logs as ECS JSON lines (for Filebeat).")
  boolean filebeat;

  @Option(names = "--log-level", scope = ScopeType.INHERIT, description = "DEBUG, INFO, WARN or ERROR.")
  String logLevel;

  @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Same as --log-level DEBUG.")
  boolean debug;

  CommandContext context() {
    return new CommandContext(config, json, System.out);
  }

  @Override
  public Integer call() throws Exception {
    if (action == null) {
      new CommandLine(this).usage(System.err);
      return ExitCodes.BAD_INPUT;
    }
    if (action == Action.list) {
      try (CommandContext ctx = context()) {
        ConnectorCommand.printList(ctx);
      }
      return ExitCodes.OK;
    }
    LauncherConfig cfg = LauncherConfig.load(config, System.getenv());
    if (logLevel == null && !debug) {
      LogSetup.applyConfiguredLevel(cfg.service().logLevel());
    }
    Set<LauncherService.Loop> loops = switch (action) {
      case schedule -> EnumSet.of(LauncherService.Loop.SCHEDULE);
      case execute -> EnumSet.of(LauncherService.Loop.EXECUTE);
      case cleanup -> EnumSet.of(LauncherService.Loop.CLEANUP);
      default -> LauncherService.all();
    };
    ConnectorsProtocol protocol = CommandContext.open(cfg);
    RunnerAdapter runner = Runners.create(cfg);
    LauncherService service = new LauncherService(cfg, protocol, runner);
    Thread hook = new Thread(service::stop, "launcher-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      service.run(loops);
    } finally {
      service.stop();
      protocol.close();
    }
    return ExitCodes.OK;
  }

  /**
   * The parser. Elasticsearch's generated ids are base64url, and some start with '-'
   * ({@code -2M5PqIBhNWcMj9L-Xcd}): an argument that names no option is therefore a positional one (the
   * id), and short options neither cluster nor take an attached value. picocli still reads an argument
   * that starts with a short option's letter ({@code -c...}, {@code -h...}, {@code -V...}) as that
   * option; for those the error ends with a line saying to put {@code --} before the id.
   */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new LauncherCommand());
    cl.setUnmatchedOptionsArePositionalParams(true);
    cl.setPosixClusteredShortOptionsAllowed(false);
    CommandLine.IParameterExceptionHandler usageError = cl.getParameterExceptionHandler();
    cl.setParameterExceptionHandler((ex, args) -> {
      int exit = usageError.handleParseException(ex, args);
      String dashed = dashedArgument(ex.getCommandLine().getCommandSpec(), args);
      if (dashed != null) {
        ex.getCommandLine().getErr().println("An id that starts with '-' goes after `--`, as in `launcher job show -- "
            + dashed + "`.");
      }
      return exit;
    });
    return cl;
  }

  /** The first argument before {@code --} that starts with one '-' and is none of the command's options. */
  static String dashedArgument(CommandLine.Model.CommandSpec spec, String[] args) {
    for (String arg : args) {
      if (arg.equals("--")) {
        return null;
      }
      if (arg.length() > 1 && arg.charAt(0) == '-' && arg.charAt(1) != '-') {
        int eq = arg.indexOf('=');
        if (spec.findOption(eq > 0 ? arg.substring(0, eq) : arg) == null) {
          return arg;
        }
      }
    }
    return null;
  }

  /** How an id is written on a command line: after {@code --} when it starts with '-'. */
  static String idArgument(String id) {
    return id.startsWith("-") ? "-- " + id : id;
  }

  /** Runs the command line; returns the exit code. */
  public static int execute(String[] args) {
    LogSetup.beforeLogging(args);
    Logger log = LoggerFactory.getLogger(LauncherCommand.class);
    CommandLine cl = commandLine();
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      Throwable cause = e;
      if (cause instanceof CommandFailure f) {
        System.err.println(f.getMessage());
        return f.exitCode();
      }
      if (cause instanceof ConfigurationException) {
        System.err.println(cause.getMessage());
        return ExitCodes.BAD_INPUT;
      }
      if (cause instanceof ElasticsearchAccessException) {
        System.err.println(cause.getMessage());
        log.debug("Elasticsearch access failed", cause);
        return ExitCodes.ELASTICSEARCH;
      }
      System.err.println("launcher failed: " + cause + " (run with --debug for the stack trace)");
      log.debug("launcher failed", cause);
      return UNEXPECTED;
    });
    return cl.execute(args);
  }
}
