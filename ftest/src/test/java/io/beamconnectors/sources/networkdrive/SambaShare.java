package io.beamconnectors.sources.networkdrive;

import io.beamconnectors.ftest.support.FixtureEnv;
import io.beamconnectors.sources.ConnectorConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** The Samba fixture's share, for the tests that open an {@link SmbSession} on it directly. */
final class SambaShare {
  private SambaShare() {}

  /** A network-drive configuration whose drive path is {@code folder} in the fixture's share. */
  static ConnectorConfiguration config(String folder) {
    Map<String, Object> c = new HashMap<>();
    c.put("username", FixtureEnv.require("BC_SMB_USER", "samba"));
    c.put("password", FixtureEnv.require("BC_SMB_PASSWORD", "samba"));
    c.put("server_ip", FixtureEnv.require("BC_SMB_HOST", "samba"));
    c.put("server_port", FixtureEnv.require("BC_SMB_PORT", "samba"));
    c.put("drive_path", FixtureEnv.require("BC_SMB_SHARE", "samba") + "/" + folder);
    return new NetworkDriveConnector().configuration(c);
  }

  /** Deletes {@code p} and everything under it; nothing happens when it does not exist. */
  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
