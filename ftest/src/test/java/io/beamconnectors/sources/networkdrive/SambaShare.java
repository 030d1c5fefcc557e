package io.beamconnectors.sources.networkdrive;

import io.beamconnectors.ftest.support.FixtureEnv;
import io.beamconnectors.sources.ConnectorConfiguration;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import jcifs.CIFSContext;
import jcifs.SmbConstants;
import jcifs.config.PropertyConfiguration;
import jcifs.context.BaseContext;
import jcifs.smb.NtlmPasswordAuthenticator;
import jcifs.smb.SmbFile;

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

  /**
   * Opens {@code name} in {@code folder} of the share with no sharing, from a connection of its own,
   * and closes it again: it fails with a sharing violation while any other handle on the file is
   * open, so a test can tell that a read left no handle behind.
   */
  static void openAlone(String folder, String name) throws IOException {
    Properties p = new Properties();
    p.setProperty("jcifs.smb.client.minVersion", "SMB202");
    p.setProperty("jcifs.smb.client.dfs.disabled", "true");
    CIFSContext ctx = new BaseContext(new PropertyConfiguration(p)).withCredentials(new NtlmPasswordAuthenticator(
        null, FixtureEnv.require("BC_SMB_USER", "samba"), FixtureEnv.require("BC_SMB_PASSWORD", "samba")));
    String share = "smb://" + FixtureEnv.require("BC_SMB_HOST", "samba") + ":"
        + FixtureEnv.require("BC_SMB_PORT", "samba") + "/" + FixtureEnv.require("BC_SMB_SHARE", "samba") + "/";
    try (SmbFile root = new SmbFile(share, ctx);
        SmbFile file = new SmbFile(root, folder + "/" + name);
        InputStream in = file.openInputStream(SmbConstants.O_RDONLY, SmbConstants.FILE_READ_DATA, SmbConstants.FILE_NO_SHARE)) {
      in.read();
    } finally {
      ctx.close();
    }
  }
}
