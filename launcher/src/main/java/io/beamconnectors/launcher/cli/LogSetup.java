package io.beamconnectors.launcher.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the Logback configuration before the first logger exists: plain text by default, ECS JSON
 * with {@code --filebeat}; the level from {@code --log-level}/{@code --debug}, else INFO for the
 * service and WARN for the management commands (their output is on stdout).
 */
public final class LogSetup {
  private LogSetup() {}

  public static void beforeLogging(String[] args) {
    List<String> a = Arrays.asList(args);
    String config = a.contains("--filebeat") ? "io/beamconnectors/launcher/logback-ecs.xml"
        : "io/beamconnectors/launcher/logback-plain.xml";
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", config);
    }
    String level = explicitLevel(args);
    if (level == null) {
      level = a.stream().anyMatch(s -> s.equals("--action") || s.startsWith("--action=")) ? "INFO" : "WARN";
    }
    System.setProperty("BC_LOG_LEVEL", level);
  }

  /** The level given on the command line, or null. */
  public static String explicitLevel(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--debug")) {
        return "DEBUG";
      }
      if (args[i].equals("--log-level") && i + 1 < args.length) {
        return args[i + 1].toUpperCase();
      }
      if (args[i].startsWith("--log-level=")) {
        return args[i].substring("--log-level=".length()).toUpperCase();
      }
    }
    return null;
  }

  /** Applies config.yml's service.log_level when the command line named none. */
  public static void applyConfiguredLevel(String level) {
    if (level == null || level.isBlank()) {
      return;
    }
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
      ctx.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level, Level.INFO));
    }
  }
}
