package io.beamconnectors.sources.networkdrive;

import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.ConnectorConfiguration;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import jcifs.CIFSContext;
import jcifs.CIFSException;
import jcifs.Configuration;
import jcifs.SmbConstants;
import jcifs.SmbTreeHandle;
import jcifs.config.PropertyConfiguration;
import jcifs.context.BaseContext;
import jcifs.internal.smb2.ServerMessageBlock2Response;
import jcifs.internal.smb2.Smb2Constants;
import jcifs.internal.smb2.create.Smb2CloseRequest;
import jcifs.internal.smb2.create.Smb2CreateRequest;
import jcifs.internal.smb2.create.Smb2CreateResponse;
import jcifs.internal.smb2.info.Smb2QueryDirectoryResponse;
import jcifs.internal.smb2.io.Smb2ReadRequest;
import jcifs.internal.smb2.io.Smb2ReadResponse;
import jcifs.smb.NtStatus;
import jcifs.smb.NtlmPasswordAuthenticator;
import jcifs.smb.SmbException;
import jcifs.smb.SmbFile;
import jcifs.smb.SmbUnsupportedOperationException;
import jcifs.smb.TreeRequests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authenticated jcifs-ng context (SMB 2.0.2 to 3.1.1) addressing the configured share
 * directly as {@code smb://host:port/share/} (jcifs-ng cannot enumerate shares on a port other
 * than 445, and does not need to). Built once per DoFn instance, closed in its teardown. Timeouts
 * are bounded so a dead server fails the listing in seconds, not minutes. Every {@link SmbFile} it
 * creates is closed before the method that created it returns (or, for a read, when the stream is
 * closed), so no tree handle outlives its use.
 */
final class SmbSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SmbSession.class);
  static final int CONNECT_TIMEOUT_MS = 10_000;
  static final int RESPONSE_TIMEOUT_MS = 30_000;

  private final CIFSContext context;
  private final SmbPaths paths;
  private final String server;
  private final SmbFile shareRoot;
  /** False once the server refused a listing with file ids: each entry's id is then queried on its own. */
  private boolean idsFromListing = true;
  /** The reply buffer of {@link #readWhole}: one per session, as a session serves one download at a time. */
  private byte[] wholeFileBuffer;
  private long filesReadWhole;

  /**
   * One listed entry: what the directory listing said about it, and its file id (from the listing,
   * or from one extra exchange when the server cannot list ids) or the error that query gave
   * ({@code idError}, then {@code fileId} is 0).
   */
  record Entry(String pathInShare, String name, boolean directory, long size, long modifiedMillis, long fileId,
      Exception idError) {

    static Entry listed(String pathInShare, String name, boolean directory, long size, long modifiedMillis,
        long fileId) {
      return new Entry(pathInShare, name, directory, size, modifiedMillis, fileId, null);
    }

    static Entry withoutId(String pathInShare, String name, boolean directory, Exception idError) {
      return new Entry(pathInShare, name, directory, 0, 0, 0, idError);
    }
  }

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

  /** A new handle on a file or directory of the share by its path inside the share; the caller closes it. */
  private SmbFile resolve(String pathInShare, boolean directory) throws IOException {
    if (pathInShare.isEmpty()) {
      return new SmbFile(shareRoot.getURL(), context); // jcifs-ng rejects an empty relative name
    }
    return new SmbFile(shareRoot, directory ? pathInShare + "/" : pathInShare);
  }

  /**
   * Authenticates and connects to the share. A share that does not exist passes (the session was
   * authenticated before the tree connect failed): {@link #checkConfiguredFolder} reports it as a
   * configuration error naming {@code drive_path}.
   */
  void ping() throws IOException {
    try (SmbFile root = resolve("", true)) {
      root.fileIndex();
    } catch (SmbException e) {
      if (e.getNtStatus() != NtStatus.NT_STATUS_BAD_NETWORK_NAME) {
        throw e;
      }
    }
  }

  /**
   * Checks the configured share and folder exist and the folder is a folder; throws
   * {@link ConfigurationException} naming {@code drive_path} when not. Other failures (server,
   * network) are rethrown as they are.
   */
  void checkConfiguredFolder() throws IOException {
    String where = paths.base().isEmpty() ? "share '" + paths.share() + "'"
        : "folder '" + paths.base() + "' in share '" + paths.share() + "'";
    String notAFolder = "'SMB path' (drive_path): the " + where + " is a file, not a folder: name a share or a "
        + "folder inside it";
    try (SmbFile base = resolve(paths.base(), true)) {
      base.fileIndex();
      if (!base.isDirectory()) { // a share root has no attributes of its own: jcifs-ng answers true
        throw new ConfigurationException(notAFolder);
      }
    } catch (SmbException e) {
      int s = e.getNtStatus();
      if (s == NtStatus.NT_STATUS_NOT_A_DIRECTORY) {
        throw new ConfigurationException(notAFolder);
      }
      if (s == NtStatus.NT_STATUS_BAD_NETWORK_NAME) {
        throw new ConfigurationException("'SMB path' (drive_path): the share '" + paths.share()
            + "' does not exist on the server: check the share name (the first segment of drive_path)");
      }
      if (isNotFound(e) || s == NtStatus.NT_STATUS_OBJECT_NAME_INVALID) {
        throw new ConfigurationException("'SMB path' (drive_path): the " + where + " does not exist: check drive_path");
      }
      if (s == NtStatus.NT_STATUS_ACCESS_DENIED || s == NtStatus.NT_STATUS_NETWORK_ACCESS_DENIED) {
        throw new ConfigurationException("'SMB path' (drive_path): the " + where + " cannot be opened by this user "
            + "(access denied): grant the user read access or change drive_path");
      }
      throw e;
    }
  }

  /**
   * The file ids of the folders from the share root down to {@code dirInShare}, both included (one
   * exchange per folder).
   */
  FolderChain chainTo(String dirInShare) throws IOException {
    FolderChain chain = FolderChain.empty();
    String prefix = "";
    List<String> segments = new ArrayList<>();
    segments.add("");
    segments.addAll(SmbPaths.segments(dirInShare));
    for (String segment : segments) {
      prefix = segment.isEmpty() ? prefix : SmbPaths.child(prefix, segment);
      try (SmbFile dir = resolve(prefix, true)) {
        chain = chain.child(dir.fileIndex());
      }
    }
    return chain;
  }

  /**
   * Lists one directory with the file id of each entry. Throws when the directory itself cannot be
   * listed; an entry whose id cannot be read (only when ids are queried per entry) is returned with
   * the error.
   *
   * <p>The listing asks for FileIdBothDirectoryInformation, which carries each entry's file id:
   * one CREATE + QUERY_DIRECTORY exchange, one more QUERY_DIRECTORY per further page of entries and
   * a CLOSE. A server that refuses that class (STATUS_INVALID_INFO_CLASS or STATUS_NOT_SUPPORTED)
   * is listed the way jcifs-ng lists, with one file-id query per entry, for the rest of the session.
   */
  List<Entry> list(String dirInShare) throws IOException {
    if (idsFromListing) {
      try {
        return listWithIds(dirInShare);
      } catch (SmbUnsupportedOperationException e) {
        refuseListingIds(e);
      } catch (SmbException e) {
        if (e.getNtStatus() != NtStatus.NT_STATUS_INVALID_INFO_CLASS) {
          throw e;
        }
        refuseListingIds(e);
      }
    }
    return listThenQueryIds(dirInShare);
  }

  /** Lists every folder of this session with one id query per entry from now on (tests call it too). */
  void queryIdsPerEntry() {
    idsFromListing = false;
  }

  private void refuseListingIds(SmbException e) {
    idsFromListing = false;
    LOG.info("The SMB server does not list file ids with the entries of a folder ({}): reading each entry's id "
        + "with a request of its own", e.getMessage());
  }

  private List<Entry> listWithIds(String dirInShare) throws IOException {
    try (SmbFile dir = resolve(dirInShare, true); SmbTreeHandle tree = dir.getTreeHandle()) {
      Configuration cfg = tree.getConfig();
      Smb2CreateRequest open = new Smb2CreateRequest(cfg, dir.getLocator().getUNCPath());
      open.setCreateOptions(Smb2CreateRequest.FILE_DIRECTORY_FILE);
      open.setDesiredAccess(SmbConstants.FILE_READ_DATA | SmbConstants.FILE_READ_ATTRIBUTES);
      FileIdDirectoryQuery first = new FileIdDirectoryQuery(cfg);
      open.chain(first);
      Smb2CreateResponse opened;
      try {
        opened = TreeRequests.send(tree, open);
      } catch (SmbException e) {
        Smb2CreateResponse created = open.getResponse();
        if (succeeded(created)) {
          try {
            TreeRequests.send(tree, new Smb2CloseRequest(cfg, created.getFileId()));
          } catch (CIFSException closing) {
            e.addSuppressed(closing);
          }
        }
        Smb2QueryDirectoryResponse firstPage = first.getResponse();
        if (firstPage != null && firstPage.isReceived() && firstPage.getStatus() == NtStatus.NT_STATUS_NO_SUCH_FILE) {
          return List.of(); // no entry at all, not even "." and ".."
        }
        throw e;
      }
      byte[] handle = opened.getFileId();
      List<Entry> out = new ArrayList<>();
      IOException failure = null;
      try {
        List<FileIdBothDirectoryInformation> page = entries(first.getResponse());
        while (page != null) {
          for (FileIdBothDirectoryInformation e : page) {
            if (!e.selfOrParent()) {
              String path = SmbPaths.child(dirInShare, e.name());
              out.add(Entry.listed(path, e.name(), e.directory(), e.directory() ? 0L : e.size(), e.lastWriteMillis(),
                  e.fileId()));
            }
          }
          page = nextPage(tree, cfg, handle);
        }
      } catch (IOException e) {
        failure = e;
      } finally {
        try {
          TreeRequests.send(tree, new Smb2CloseRequest(cfg, handle));
        } catch (CIFSException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
      return out;
    }
  }

  /** The next page of the folder open as {@code handle}, or null at the end of the listing. */
  private static List<FileIdBothDirectoryInformation> nextPage(SmbTreeHandle tree, Configuration cfg, byte[] handle)
      throws IOException {
    try {
      return entries(TreeRequests.send(tree, new FileIdDirectoryQuery(cfg, handle)));
    } catch (SmbException e) {
      if (e.getNtStatus() == NtStatus.NT_STATUS_NO_MORE_FILES) {
        return null;
      }
      throw e;
    }
  }

  /**
   * A page's entries, or null when it says the listing ended (STATUS_NO_MORE_FILES, which jcifs-ng
   * passes on without throwing). A page of success with no entry is an error, not an end: taking
   * it for the end could leave entries unlisted, and their documents deleted.
   */
  private static List<FileIdBothDirectoryInformation> entries(Smb2QueryDirectoryResponse page) throws IOException {
    if (page.getStatus() == NtStatus.NT_STATUS_NO_MORE_FILES) {
      return null;
    }
    List<FileIdBothDirectoryInformation> entries = ((FileIdDirectoryQuery.Response) page).entries();
    if (entries.isEmpty()) {
      throw new IOException("the server answered a page of a directory listing with no entry and no "
          + "end-of-listing status (STATUS_NO_MORE_FILES)");
    }
    return entries;
  }

  /**
   * Lists one directory the way jcifs-ng does (no file ids) and reads the file id of each entry
   * with a request of its own.
   */
  private List<Entry> listThenQueryIds(String dirInShare) throws IOException {
    try (SmbFile dir = resolve(dirInShare, true)) {
      SmbFile[] children = dir.listFiles();
      List<Entry> out = new ArrayList<>(children.length);
      try {
        for (SmbFile f : children) {
          out.add(entry(dirInShare, f));
        }
      } finally {
        for (SmbFile f : children) {
          f.close();
        }
      }
      return out;
    }
  }

  private static Entry entry(String dirInShare, SmbFile f) throws IOException {
    boolean isDir = (f.getAttributes() & SmbConstants.ATTR_DIRECTORY) != 0;
    String name = f.getName();
    if (name.endsWith("/")) {
      name = name.substring(0, name.length() - 1);
    }
    String path = SmbPaths.child(dirInShare, name);
    long size = isDir ? 0L : f.length();
    long modified = f.lastModified();
    long id;
    try {
      id = fileId(f);
    } catch (IOException | RuntimeException e) {
      return Entry.withoutId(path, name, isDir, e);
    }
    return Entry.listed(path, name, isDir, size, modified, id);
  }

  /**
   * The entry's 64-bit SMB file id (FileInternalInformation.IndexNumber; one compounded
   * create/query/close exchange), or 0 when the server does not provide one.
   */
  private static long fileId(SmbFile file) throws CIFSException {
    return file.fileIndex();
  }

  /**
   * Files listed under this size are read with one exchange: CREATE, READ and CLOSE compounded
   * (related operations on the handle the CREATE opens), as Windows clients read small files,
   * instead of three exchanges. On the bench's tree of 10,000 one-line files this took a third
   * off Samba's and the sync's CPU. Under 64 KiB, so the READ needs one credit.
   */
  static final int READ_WHOLE_BELOW = 60 * 1024;

  /**
   * Reads a file listed at {@code listedSize} bytes, for {@link NetworkDriveFetcher}: a small file
   * in one exchange ({@link #READ_WHOLE_BELOW}), any other, or a small one that the single exchange
   * could not read whole (it grew since it was listed, it is empty now, the server refused the
   * compound), by {@link #read}, whose answer (its data, or its error) is the file's.
   */
  InputStream read(String pathInShare, long listedSize) throws IOException {
    if (listedSize > 0 && listedSize < READ_WHOLE_BELOW) {
      byte[] whole = readWhole(pathInShare);
      if (whole != null) {
        return new ByteArrayInputStream(whole);
      }
    }
    return read(pathInShare);
  }

  /** How many files {@link #read(String, long)} read in one exchange (tests read it). */
  long filesReadWhole() {
    return filesReadWhole;
  }

  /** The file's bytes from one compounded CREATE/READ/CLOSE, or null when that did not read it whole. */
  private byte[] readWhole(String pathInShare) {
    if (wholeFileBuffer == null) {
      // One byte more than a file read this way can hold: a full buffer means the file grew.
      wholeFileBuffer = new byte[READ_WHOLE_BELOW + 1];
    }
    try (SmbFile file = resolve(pathInShare, false); SmbTreeHandle tree = file.getTreeHandle()) {
      Configuration cfg = tree.getConfig();
      Smb2CreateRequest open = new Smb2CreateRequest(cfg, file.getLocator().getUNCPath());
      open.setDesiredAccess(SmbConstants.FILE_READ_DATA | SmbConstants.FILE_READ_ATTRIBUTES);
      Smb2ReadRequest readAll = new Smb2ReadRequest(cfg, Smb2Constants.UNSPECIFIED_FILEID, wholeFileBuffer, 0);
      readAll.setOffset(0);
      readAll.setReadLength(wholeFileBuffer.length);
      Smb2CloseRequest close = new Smb2CloseRequest(cfg, Smb2Constants.UNSPECIFIED_FILEID);
      open.chain(readAll);
      readAll.chain(close);
      try {
        TreeRequests.send(tree, open);
      } finally {
        closeIfLeftOpen(tree, cfg, open, close);
      }
      Smb2ReadResponse answer = readAll.getResponse();
      // Only an answered READ that succeeded and left room in the buffer holds the whole file.
      if (!succeeded(answer) || answer.getDataLength() >= wholeFileBuffer.length) {
        return null;
      }
      int n = answer.getDataLength();
      filesReadWhole++;
      return Arrays.copyOf(wholeFileBuffer, n);
    } catch (IOException | RuntimeException e) {
      // Read again the usual way, which gives the file or its own error.
      LOG.debug("Reading '{}' in one exchange did not work, reading it again with several: {}", pathInShare, e.toString());
      return null;
    }
  }

  /**
   * Closes the handle a compound's CREATE opened when the compound's own CLOSE did not. MS-SMB2
   * 3.3.5.2.7.2 says a server SHOULD fail a related request whose previous one failed, so a READ
   * refused at the end of an emptied file can take its CLOSE down with it, leaving the handle open
   * and, with it, a share mode that stops the file's owner from deleting or renaming the file until
   * the sync ends. Samba runs the CLOSE anyway (SmbFileReadFtest sees no handle left open).
   */
  private static void closeIfLeftOpen(SmbTreeHandle tree, Configuration cfg, Smb2CreateRequest open,
      Smb2CloseRequest close) {
    Smb2CreateResponse created = open.getResponse();
    if (!succeeded(created) || succeeded(close.getResponse())) {
      return;
    }
    try {
      TreeRequests.send(tree, new Smb2CloseRequest(cfg, created.getFileId()));
    } catch (CIFSException e) {
      LOG.debug("Closing a handle the compound read left open failed: {}", e.toString());
    }
  }

  private static boolean succeeded(ServerMessageBlock2Response response) {
    return response != null && response.isReceived() && response.getStatus() == NtStatus.NT_STATUS_OK;
  }

  /** Opens a file for reading; closing the stream closes the file handle too. */
  InputStream read(String pathInShare) throws IOException {
    SmbFile file = resolve(pathInShare, false);
    InputStream in;
    try {
      in = file.getInputStream();
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
    return new FilterInputStream(in) {
      @Override
      public void close() throws IOException {
        try {
          super.close();
        } finally {
          file.close();
        }
      }
    };
  }

  /**
   * True when {@code t} (or a cause) says the path does not exist: the entry was removed after it
   * was listed. STATUS_OBJECT_NAME_INVALID is not one of these: a name the server listed but will
   * not open is a failure, not a vanish.
   */
  static boolean isNotFound(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof SmbException se) {
        int s = se.getNtStatus();
        if (s == NtStatus.NT_STATUS_OBJECT_NAME_NOT_FOUND || s == NtStatus.NT_STATUS_OBJECT_PATH_NOT_FOUND
            || s == NtStatus.NT_STATUS_NO_SUCH_FILE) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public void close() {
    shareRoot.close();
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
