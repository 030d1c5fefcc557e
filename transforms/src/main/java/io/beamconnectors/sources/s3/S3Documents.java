package io.beamconnectors.sources.s3;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.sources.ContentRef;
import io.beamconnectors.sources.ObjectLocation;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.objectstore.ObjectDocuments;
import java.time.Instant;

/**
 * Pure functions that turn one listed S3 object into a {@link SourceRecord}: the reference's id
 * (md5 of "bucket/key") and fields; the change token (last modified, size, ETag); the time
 * (last modified); the scope (bucket plus the key's parent "directories").
 */
final class S3Documents {
  private static final ObjectMapper JSON = new ObjectMapper();

  private S3Documents() {}

  /** The reference's {@code _id}: md5 hex of {@code "<bucket>/<key>"}. */
  static String id(String bucket, String key) {
    return ObjectDocuments.md5Hex(bucket + "/" + key);
  }

  /** A "folder" key: a placeholder object whose key ends in '/'. It has no content. */
  static boolean isFolderKey(String key) {
    return key.endsWith("/");
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

  static SourceRecord record(String bucket, String key, long size, Instant lastModified, String etag, String owner,
      String storageClass) {
    SourceRecord r = SourceRecord.of(
            id(bucket, key), ObjectDocuments.token(lastModified, size, etag), ObjectDocuments.scope(bucket, key),
            fieldsJson(bucket, key, size, owner, storageClass))
        .withTimestamp(ObjectDocuments.timestamp(lastModified));
    return isFolderKey(key) ? r : r.withContent(new ContentRef(new ObjectLocation(bucket, key).format(), key, size));
  }
}
