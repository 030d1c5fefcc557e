package io.beamconnectors.sources.networkdrive;

import io.beamconnectors.sources.ConnectorConfiguration;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import jcifs.CIFSContext;
import jcifs.CIFSException;
import jcifs.SmbConstants;
import jcifs.config.PropertyConfiguration;
import jcifs.context.BaseContext;
import jcifs.smb.NtlmPasswordAuthenticator;
import jcifs.smb.SmbException;
import jcifs.smb.SmbFile;

/**
 * One authenticated jcifs-ng context (SMB 2.0.2 to 3.1.1) addressing the configured share
 * directly as {@code smb://host:port/share/} (jcifs-ng cannot enumerate shares on a port other
 * than 445, and does not need to). Built once per DoFn instance, closed in its teardown. Timeouts
 * are bounded so a dead server fails the listing in seconds, not minutes.
 */
final class SmbSession implements AutoCloseable {
  static final int CONNECT_TIMEOUT_MS = 10_000;
  static final int RESPONSE_TIMEOUT_MS = 30_000;

  private final CIFSContext context;
  private final SmbPaths paths;
  private final String server;
  private final SmbFile shareRoot;

  /** One listed entry, read from the directory listing (no extra round trip). */
  record Entry(SmbFile file, String pathInShare, String name, boolean directory, long size, long createdMillis,
      long modifiedMillis) {}

  private SmbSession(CIFSContext context, SmbPaths paths, String server, SmbFile shareRoot) {
    this.context = context;
    this.paths = paths;
    this.server = server;
    this.shareRoot = shareRoot;
  }

  static SmbSession open(ConnectorConfiguration config) throws IOException {
    Properties p = new Properties();
    p.setProperty("jcifs.smb.client.minVersion", "SMB202");
    p.setProperty("jcifs.smb.client.maxVersion", "SMB311");
    p.setProperty("jcifs.smb.client.connTimeout", Integer.toString(CONNECT_TIMEOUT_MS));
    p.setProperty("jcifs.smb.client.responseTimeout", Integer.toString(RESPONSE_TIMEOUT_MS));
    p.setProperty("jcifs.smb.client.soTimeout", Integer.toString(RESPONSE_TIMEOUT_MS + 5_000));
    p.setProperty("jcifs.smb.client.sessionTimeout", Integer.toString(RESPONSE_TIMEOUT_MS + 5_000));
    p.setProperty("jcifs.resolveOrder", "DNS");
    p.setProperty("jcifs.smb.client.dfs.disabled", "true");
    // Keep the attributes read by a directory listing for the whole walk (no re-query per entry).
    p.setProperty("jcifs.smb.client.attrExpirationPeriod", "3600000");
    CIFSContext base = new BaseContext(new PropertyConfiguration(p));
    CIFSContext ctx = base.withCredentials(new NtlmPasswordAuthenticator(
        null, config.getString(NetworkDriveConnector.USERNAME), config.getString(NetworkDriveConnector.PASSWORD)));
    SmbPaths paths = SmbPaths.of(config.getString(NetworkDriveConnector.DRIVE_PATH));
    String server = config.getString(NetworkDriveConnector.SERVER_IP).trim();
    String host = server.indexOf(':') >= 0 && !server.startsWith("[") ? "[" + server + "]" : server;
    int port = config.getInt(NetworkDriveConnector.SERVER_PORT);
    try {
      SmbFile root = new SmbFile("smb://" + host + ":" + port + "/" + paths.share() + "/", ctx);
      return new SmbSession(ctx, paths, server, root);
    } catch (java.net.MalformedURLException e) {
      close(ctx);
      throw new IOException("server_ip/drive_path do not form a valid SMB address: " + e.getMessage(), e);
    }
  }

  static String describeTarget(ConnectorConfiguration config) {
    return "//" + config.getString(NetworkDriveConnector.SERVER_IP) + ":"
        + config.getString(NetworkDriveConnector.SERVER_PORT) + "/" + config.getString(NetworkDriveConnector.DRIVE_PATH)
        + " as user '" + config.getString(NetworkDriveConnector.USERNAME) + "'";
  }

  SmbPaths paths() {
    return paths;
  }

  String server() {
    return server;
  }

  /** A file or directory of the share by its path inside the share. */
  SmbFile resolve(String pathInShare, boolean directory) throws IOException {
    if (pathInShare.isEmpty()) {
      return shareRoot;
    }
    return new SmbFile(shareRoot, directory ? pathInShare + "/" : pathInShare);
  }

  /** Authenticates and checks the configured folder exists and is a directory. */
  void checkRoot() throws IOException {
    SmbFile base = resolve(paths.base(), true);
    if (!base.exists()) {
      throw new IOException("the folder '" + paths.base() + "' does not exist in share '" + paths.share()
          + "': check drive_path");
    }
    if (!base.isDirectory()) {
      throw new IOException("'" + paths.base() + "' in share '" + paths.share() + "' is not a folder: check drive_path");
    }
  }

  /** Lists one directory (one SMB QUERY_DIRECTORY exchange, paged by the library). */
  List<Entry> list(String dirInShare) throws IOException {
    SmbFile dir = resolve(dirInShare, true);
    SmbFile[] children = dir.listFiles();
    List<Entry> out = new ArrayList<>(children.length);
    for (SmbFile f : children) {
      boolean isDir = (f.getAttributes() & SmbConstants.ATTR_DIRECTORY) != 0;
      String name = f.getName();
      if (name.endsWith("/")) {
        name = name.substring(0, name.length() - 1);
      }
      out.add(new Entry(f, SmbPaths.child(dirInShare, name), name, isDir, isDir ? 0L : f.length(),
          f.createTime(), f.lastModified()));
    }
    return out;
  }

  /**
   * The entry's 64-bit SMB file id (FileInternalInformation.IndexNumber; one compounded
   * create/query/close exchange), or 0 when the server does not provide one.
   */
  static long fileId(SmbFile file) throws CIFSException {
    return file.fileIndex();
  }

  InputStream read(String pathInShare) throws IOException {
    return resolve(pathInShare, false).getInputStream();
  }

  static boolean isNotFound(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof SmbException se) {
        int s = se.getNtStatus();
        if (s == 0xC0000034 || s == 0xC000003A || s == 0xC0000033 || s == 0xC000000F) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public void close() {
    close(context);
  }

  private static void close(CIFSContext ctx) {
    try {
      ctx.close();
    } catch (CIFSException ignored) {
      // closing the connections of a context that failed is best effort
    }
  }
}
