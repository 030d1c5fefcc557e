package io.beamconnectors.sources.s3;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.sources.ContentRef;
import io.beamconnectors.sources.ObjectLocation;
import io.beamconnectors.sources.Scope;
import io.beamconnectors.sources.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Pure functions that turn one listed S3 object into a {@link SourceRecord}: the reference's id
 * (md5 of "bucket/key"), its fields, its change token (Python's {@code isoformat()} of the last
 * modification time) and its scope (bucket plus the key's parent "directories").
 */
final class S3Documents {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  private S3Documents() {}

  /** The reference's {@code _id}: md5 hex of {@code "<bucket>/<key>"}. */
  static String id(String bucket, String key) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      byte[] digest = md5.digest((bucket + "/" + key).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is not available", e);
    }
  }

  /**
   * Python's {@code datetime.isoformat()} of an aware UTC datetime: microseconds only when not
   * zero, offset written as {@code +00:00}.
   */
  static String token(Instant lastModified) {
    StringBuilder sb = new StringBuilder(SECONDS.format(lastModified));
    int micros = lastModified.getNano() / 1000;
    if (micros != 0) {
      sb.append('.').append(String.format("%06d", micros));
    }
    return sb.append("+00:00").toString();
  }

  /** A "folder" key: a placeholder object whose key ends in '/'. It has no content. */
  static boolean isFolderKey(String key) {
    return key.endsWith("/");
  }

  /**
   * The scope of a key: the bucket, then each segment of the key's parent path. A folder key's
   * scope is its own path (see the connector doc), so it lies under the prefix unit that lists it.
   */
  static Scope scope(String bucket, String key) {
    List<String> segments = new ArrayList<>();
    segments.add(bucket);
    String path = isFolderKey(key) ? key.substring(0, key.length() - 1) : parent(key);
    for (String s : path.split("/", -1)) {
      segments.add(s);
    }
    return Scope.of(segments.toArray(new String[0]));
  }

  /** The scope of a prefix unit ("photos/" of bucket b is "b/photos"). */
  static Scope prefixScope(String bucket, String prefix) {
    return scope(bucket, prefix);
  }

  private static String parent(String key) {
    int slash = key.lastIndexOf('/');
    return slash < 0 ? "" : key.substring(0, slash);
  }

  /** The document fields of the reference, as a JSON object. */
  static String fieldsJson(String bucket, String key, long size, String owner, String storageClass) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("filename", key);
    doc.put("size_in_bytes", size);
    doc.put("bucket", bucket);
    doc.put("owner", owner == null ? "" : owner);
    if (storageClass == null) {
      doc.putNull("storage_class");
    } else {
      doc.put("storage_class", storageClass);
    }
    return doc.toString();
  }


  static SourceRecord record(
      String bucket, String key, long size, Instant lastModified, String owner, String storageClass) {
    SourceRecord r = SourceRecord.of(
        id(bucket, key), token(lastModified), scope(bucket, key),
        fieldsJson(bucket, key, size, owner, storageClass));
    return isFolderKey(key) ? r : r.withContent(new ContentRef(new ObjectLocation(bucket, key).format(), key, size));
  }
}
