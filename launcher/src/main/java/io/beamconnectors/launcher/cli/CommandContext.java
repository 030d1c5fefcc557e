package io.beamconnectors.launcher.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.beamconnectors.launcher.config.LauncherConfig;
import io.beamconnectors.launcher.protocol.ConnectorsProtocol;
import io.beamconnectors.launcher.protocol.ProtocolBackends;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/** What every command shares: the loaded config, the protocol (opened on first use), the output. */
public final class CommandContext implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path configFile;
  private final boolean json;
  private final PrintStream out;
  private LauncherConfig config;
  private ConnectorsProtocol protocol;

  public CommandContext(Path configFile, boolean json, PrintStream out) {
    this.configFile = configFile;
    this.json = json;
    this.out = out;
  }

  public LauncherConfig config() throws IOException {
    if (config == null) {
      config = LauncherConfig.load(configFile, System.getenv());
    }
    return config;
  }

  /** The protocol backend of config.yml (opened once; {@code auto} probes the cluster). */
  public ConnectorsProtocol protocol() throws IOException {
    if (protocol == null) {
      protocol = open(config());
    }
    return protocol;
  }

  public static ConnectorsProtocol open(LauncherConfig config) throws IOException {
    return ProtocolBackends.open(config.elasticsearch().protocol(), config.elasticsearch().connection());
  }

  public boolean json() {
    return json;
  }

  public PrintStream out() {
    return out;
  }

  public void printJson(Object value) throws IOException {
    out.println(JSON.writeValueAsString(value));
  }

  @Override
  public void close() throws IOException {
    if (protocol != null) {
      protocol.close();
    }
  }
}
