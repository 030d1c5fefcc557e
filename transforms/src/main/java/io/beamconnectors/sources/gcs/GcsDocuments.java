package io.beamconnectors.sources.gcs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.sources.ContentRef;
import io.beamconnectors.sources.ObjectLocation;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.objectstore.ObjectDocuments;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * Pure functions that turn one listed GCS object into its document: id, fields, change token,
 * scope and content reference, as the reference's {@code GoogleCloudStorageDataSource} does.
 */
public final class GcsDocuments {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The JSON API's RFC 3339 form: UTC, always three fractional digits, 'Z' ("2024-01-15T10:30:00.123Z"). */
  private static final DateTimeFormatter RFC3339_MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private GcsDocuments() {}

  /** The metadata of one object, as the JSON API's {@code objects.list} returns it. */
  public record GcsObject(
      String bucket,
      String name,
      Long generation,
      String objectId,
      Integer componentCount,
      String contentEncoding,
      String contentLanguage,
      Long createTimeMillis,
      Long updateTimeMillis,
      Map<String, String> metadata,
      Long size,
      String storageClass,
      String contentType) {}

  /** An RFC 3339 time exactly as the JSON API writes it, or null. */
  public static String rfc3339(Long millis) {
    return millis == null ? null : RFC3339_MILLIS.format(Instant.ofEpochMilli(millis));
  }

  /** The object id {@code bucket/name/generation}: the API's {@code id}, rebuilt if absent. */
  public static String id(GcsObject o) {
    if (o.objectId() != null && !o.objectId().isEmpty()) {
      return o.objectId();
    }
    return o.bucket() + "/" + o.name() + "/" + (o.generation() == null ? "" : o.generation());
  }

  /**
   * The change token: {@code updated}, size and generation (GCS gives every overwrite a new
   * generation, so an overwrite within the same millisecond with the same size is still seen).
   */
  public static String token(GcsObject o) {
    return ObjectDocuments.token(instant(o.updateTimeMillis()), o.size() == null ? 0L : o.size(),
        o.generation() == null ? null : String.valueOf(o.generation()));
  }

  private static Instant instant(Long millis) {
    return millis == null ? null : Instant.ofEpochMilli(millis);
  }

  /** Python's {@code urllib.parse.quote(s)}: UTF-8, everything but letters, digits, "_.-~/" escaped. */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '.' || c == '-' || c == '~' || c == '/') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  /** The console URL the reference rebuilds for each object. */
  public static String url(String bucket, String name, String project) {
    return "https://console.cloud.google.com/storage/browser/_details/" + bucket + "/" + quote(name)
        + ";tab=live_object?project=" + project;
  }

  /** The document fields (without id, _timestamp, _scope and body, which the engine adds). */
  public static ObjectNode fields(GcsObject o, String project) {
    ObjectNode d = JSON.createObjectNode();
    d.put("component_count", o.componentCount());
    d.put("content_encoding", o.contentEncoding());
    d.put("content_language", o.contentLanguage());
    d.put("created_at", rfc3339(o.createTimeMillis()));
    d.put("last_updated", rfc3339(o.updateTimeMillis()));
    ObjectNode metadata = ObjectDocuments.sortedObject(o.metadata());
    if (metadata == null) {
      d.putNull("metadata");
    } else {
      d.set("metadata", metadata);
    }
    d.put("name", o.name());
    d.put("size", o.size() == null ? null : String.valueOf(o.size()));
    d.put("storage_class", o.storageClass());
    d.put("type", o.contentType());
    d.put("version", o.generation() == null ? null : String.valueOf(o.generation()));
    d.put("bucket_name", o.bucket());
    d.put("url", url(o.bucket(), o.name(), project));
    return d;
  }


  /** True for "folder" placeholder objects (names ending in '/'): indexed, never downloaded. */
  public static boolean isFolderPlaceholder(String name) {
    return name.endsWith("/");
  }

  public static SourceRecord record(GcsObject o, String project) {
    String id = id(o);
    SourceRecord r = SourceRecord.of(id, token(o), ObjectDocuments.scope(o.bucket(), o.name()),
            fields(o, project).toString())
        .withTimestamp(ObjectDocuments.timestamp(instant(o.updateTimeMillis())));
    long size = o.size() == null ? 0 : o.size();
    // The reference downloads only objects with int(size) > 0.
    if (!isFolderPlaceholder(o.name()) && size > 0) {
      r = r.withContent(new ContentRef(new ObjectLocation(o.bucket(), o.name()).format(), o.name(), size));
    }
    return r;
  }
}
