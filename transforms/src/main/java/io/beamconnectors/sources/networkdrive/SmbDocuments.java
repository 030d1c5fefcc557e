package io.beamconnectors.sources.networkdrive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.sources.ContentRef;
import io.beamconnectors.sources.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/** Builds the reference's network drive documents (protocol reference 3.1) from listed entries. */
final class SmbDocuments {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

  private SmbDocuments() {}

  /**
   * Python's {@code datetime.isoformat()} of an aware UTC datetime: microseconds only when not
   * zero, offset {@code +00:00}, e.g. {@code 2023-05-01T12:00:00.123000+00:00}.
   */
  static String isoformat(long epochMillis) {
    Instant i = Instant.ofEpochMilli(epochMillis);
    LocalDateTime t = LocalDateTime.ofInstant(i, ZoneOffset.UTC);
    StringBuilder sb = new StringBuilder(SECONDS.format(t));
    int micros = t.getNano() / 1000;
    if (micros != 0) {
      sb.append('.').append(String.format("%06d", micros));
    }
    return sb.append("+00:00").toString();
  }

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

  static SourceRecord record(SmbPaths paths, String server, long fileId, String pathInShare, String name,
      boolean directory, long size, long createdMillis, long modifiedMillis) {
    String id = id(fileId, paths.share(), pathInShare);
    ObjectNode doc = JSON.createObjectNode();
    doc.put("path", paths.uncPath(server, pathInShare));
    doc.put("title", name);
    doc.put("type", directory ? "folder" : "file");
    doc.put("size", size);
    doc.put("created_at", isoformat(createdMillis));
    SourceRecord r = SourceRecord.of(id, isoformat(modifiedMillis), paths.recordScope(pathInShare), doc.toString());
    return directory ? r : r.withContent(new ContentRef(pathInShare, name, size));
  }
}
