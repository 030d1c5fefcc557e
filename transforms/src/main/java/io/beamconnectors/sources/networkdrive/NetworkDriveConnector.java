package io.beamconnectors.sources.networkdrive;

import io.beamconnectors.sources.ConfigurableField;
import io.beamconnectors.sources.ConfigurableField.Type;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.ConfigurationSpec;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.ContentFetcher;
import io.beamconnectors.sources.Secrets;
import io.beamconnectors.sources.SourceConnector;
import io.beamconnectors.sources.SourceListing;
import java.util.ArrayList;
import java.util.List;

/**
 * Network drive ({@code network_drive}): one SMB2/SMB3 share (or a folder inside it) walked
 * recursively with jcifs-ng. Every file and folder becomes a document; files get their bytes
 * fetched when new or changed. Fields and defaults follow the reference (protocol reference 3.1);
 * see docs/connectors/network_drive.md for the deliberate differences.
 */
public final class NetworkDriveConnector implements SourceConnector {
  private static final long serialVersionUID = 1L;

  public static final String USERNAME = "username";
  public static final String PASSWORD = "password";
  public static final String SERVER_IP = "server_ip";
  public static final String SERVER_PORT = "server_port";
  public static final String DRIVE_PATH = "drive_path";

  private static final ConfigurationSpec SPEC = ConfigurationSpec.of(
      ConfigurableField.of(USERNAME, Type.STR).withLabel("Username").withDefault("admin").withOrder(1),
      ConfigurableField.of(PASSWORD, Type.STR).withLabel("Password").withDefault("abc@123").asSensitive()
          .withOrder(2),
      ConfigurableField.of(SERVER_IP, Type.STR).withLabel("SMB IP").withDefault("127.0.0.1").withOrder(3),
      ConfigurableField.of(SERVER_PORT, Type.INT).withLabel("SMB port").withDefault(445L).withOrder(4)
          .withBounds(0L, 65536L),
      ConfigurableField.of(DRIVE_PATH, Type.STR).withLabel("SMB path").withDefault("Folder1").withOrder(5)
          .withTooltip("share name, optionally followed by folders inside it, with forward slashes: Folder1/sub"));

  @Override
  public String serviceType() {
    return "network_drive";
  }

  @Override
  public ConfigurationSpec configurationSpec() {
    return SPEC;
  }

  @Override
  public void validate(ConnectorConfiguration config) {
    config.validate();
    List<String> problems = new ArrayList<>();
    String host = config.getString(SERVER_IP);
    if (host == null || host.isBlank() || host.chars().anyMatch(c -> c == '/' || c == '\\' || Character.isWhitespace(c))) {
      problems.add("'SMB IP' (server_ip) must be a host name or IP address without slashes or spaces: got '"
          + host + "'");
    }
    String drive = config.getString(DRIVE_PATH);
    if (drive != null && drive.indexOf('\\') >= 0) {
      problems.add("'SMB path' (drive_path) must use forward slashes (Folder1/sub), not backslashes: got '"
          + drive + "'");
    } else if (SmbPaths.of(drive == null ? "" : drive).share().isEmpty()) {
      problems.add("'SMB path' (drive_path) must name a share, optionally followed by folders (Folder1/sub): got '"
          + drive + "'");
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
  }

  @Override
  public void ping(ConnectorConfiguration config) throws Exception {
    try (SmbSession session = SmbSession.open(config)) {
      session.ping();
    } catch (Exception e) {
      throw new java.io.IOException("cannot reach the network drive " + SmbSession.describeTarget(config) + ": "
          + Secrets.describe(e, Secrets.of(config)));
    }
  }

  /**
   * The share and the folder named by {@code drive_path} must exist (and the folder be a folder):
   * a typo must fail before the sync, not look like an emptied share whose documents are deleted.
   */
  @Override
  public void checkConfiguredParts(ConnectorConfiguration config) throws Exception {
    try (SmbSession session = SmbSession.open(config)) {
      session.checkConfiguredFolder();
    } catch (ConfigurationException e) {
      throw e;
    } catch (Exception e) {
      throw new java.io.IOException("cannot check drive_path on the network drive " + SmbSession.describeTarget(config)
          + ": " + Secrets.describe(e, Secrets.of(config)));
    }
  }

  @Override
  public SourceListing listing(ConnectorConfiguration config) {
    return new NetworkDriveListing(config);
  }

  @Override
  public ContentFetcher contentFetcher(ConnectorConfiguration config) {
    return new NetworkDriveFetcher(config);
  }

  /** SMB file ids survive a move between folders: while any folder failed, nothing is deleted. */
  @Override
  public boolean idsSurviveMoves() {
    return true;
  }
}
