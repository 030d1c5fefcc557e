package io.beamconnectors.sources.networkdrive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.sources.ContentRef;
import io.beamconnectors.sources.IsoTimes;
import io.beamconnectors.sources.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Builds the network drive documents (protocol reference 3.1) from listed entries. The fields are
 * only values that change when the entry changes (path, name, type, size): the creation time is
 * left out because Samba derives it from the oldest of the file's times when the file system has no
 * birth time, so merely reading a file can move it (see docs/connectors/network_drive.md).
 */
final class SmbDocuments {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SmbDocuments() {}

  /**
   * The document id: the SMB file id as an unsigned decimal, as the reference; when the server
   * gives none (0), {@code path-} and the SHA-256 of the path inside the share instead.
   */
  static String id(long fileId, String share, String pathInShare) {
    if (fileId != 0) {
      return Long.toUnsignedString(fileId);
    }
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest((share + "/" + pathInShare).getBytes(StandardCharsets.UTF_8));
      return "path-" + HexFormat.of().formatHex(h);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The change token: the last-write time (UTC, milliseconds, as SMB gives it through jcifs-ng) and
   * the size in bytes, e.g. {@code 2023-05-01T12:00:00.123000+00:00;22}. The size makes an
   * overwrite within the same millisecond-truncated time visible when the length changed.
   */
  static String token(long modifiedMillis, long size) {
    return IsoTimes.isoformatMillis(modifiedMillis) + ";" + size;
  }

  static SourceRecord record(SmbPaths paths, String server, SmbSession.Entry entry) {
    return record(paths, server, entry.fileId(), entry.pathInShare(), entry.name(), entry.directory(), entry.size(),
        entry.modifiedMillis());
  }

  static SourceRecord record(SmbPaths paths, String server, long fileId, String pathInShare, String name,
      boolean directory, long size, long modifiedMillis) {
    String id = id(fileId, paths.share(), pathInShare);
    ObjectNode doc = JSON.createObjectNode();
    doc.put("path", paths.uncPath(server, pathInShare));
    doc.put("title", name);
    doc.put("type", directory ? "folder" : "file");
    doc.put("size", size);
    SourceRecord r = SourceRecord.of(id, token(modifiedMillis, size), paths.recordScope(pathInShare), doc.toString())
        .withTimestamp(IsoTimes.isoformatMillis(modifiedMillis));
    return directory ? r : r.withContent(new ContentRef(pathInShare, name, size));
  }
}
