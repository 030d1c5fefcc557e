package io.beamconnectors.launcher;

import io.beamconnectors.launcher.cli.LauncherCommand;

/**
 * {@code launcher/bin/launcher}: the service ({@code --action poll}) and the Kibana-less CLI.
 * Logging is chosen before anything logs: plain text, or ECS JSON with {@code --filebeat}.
 */
public final class Launcher {
  private Launcher() {}

  public static void main(String[] args) {
    System.exit(LauncherCommand.execute(args));
  }
}
