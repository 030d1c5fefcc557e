package io.beamconnectors.sources.azureblob;

import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobItemProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.sources.ContentRef;
import io.beamconnectors.sources.ObjectLocation;
import io.beamconnectors.sources.Scope;
import io.beamconnectors.sources.SourceRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;

/** Builds one blob's id, change token, scope, fields and content reference (pure, no I/O). */
final class AzureBlobDocuments {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String ARCHIVE = "Archive";

  private AzureBlobDocuments() {}

  /** What the listing knows about one blob. */
  record BlobFacts(
      String container,
      String name,
      OffsetDateTime lastModified,
      OffsetDateTime createdAt,
      String contentType,
      long size,
      String tier,
      String leaseState,
      String leaseStatus,
      String leaseDuration,
      Map<String, String> metadata) {}

  static BlobFacts facts(String container, BlobItem item) {
    BlobItemProperties p = item.getProperties();
    return new BlobFacts(
        container,
        item.getName(),
        p == null ? null : p.getLastModified(),
        p == null ? null : p.getCreationTime(),
        p == null ? null : p.getContentType(),
        p == null || p.getContentLength() == null ? 0L : p.getContentLength(),
        p == null || p.getAccessTier() == null ? null : p.getAccessTier().toString(),
        p == null || p.getLeaseState() == null ? null : p.getLeaseState().toString(),
        p == null || p.getLeaseStatus() == null ? null : p.getLeaseStatus().toString(),
        p == null || p.getLeaseDuration() == null ? null : p.getLeaseDuration().toString(),
        item.getMetadata());
  }

  /** The reference's id: {@code <container>/<blob name>}. */
  static String id(String container, String name) {
    return container + "/" + name;
  }

  /**
   * Python's {@code datetime.isoformat()} of an aware UTC time, as the reference's
   * {@code _timestamp}: {@code 2023-05-01T12:00:00+00:00}, with {@code .ffffff} only when the
   * time has a fraction of a second. Normalised to UTC so the string is stable across runs.
   */
  static String isoformat(OffsetDateTime t) {
    if (t == null) {
      return null;
    }
    OffsetDateTime u = t.withOffsetSameInstant(ZoneOffset.UTC);
    StringBuilder sb = new StringBuilder(String.format("%04d-%02d-%02dT%02d:%02d:%02d",
        u.getYear(), u.getMonthValue(), u.getDayOfMonth(), u.getHour(), u.getMinute(), u.getSecond()));
    int micros = u.getNano() / 1000;
    if (micros != 0) {
      sb.append(String.format(".%06d", micros));
    }
    return sb.append("+00:00").toString();
  }

  /** The parent "directory" path of a blob: container, then each '/'-separated segment before the last. */
  static Scope scope(String container, String name) {
    int slash = name.lastIndexOf('/');
    if (slash < 0) {
      return Scope.of(container);
    }
    String[] parts = name.substring(0, slash).split("/");
    String[] segments = new String[parts.length + 1];
    segments[0] = container;
    System.arraycopy(parts, 0, segments, 1, parts.length);
    return Scope.of(segments);
  }

  /** The scope of a top-level virtual directory ("docs/" in container c is c/docs). */
  static Scope prefixScope(String container, String prefix) {
    return scope(container, prefix.endsWith("/") ? prefix : prefix + "/");
  }


  static ObjectNode metadataObject(Map<String, String> metadata) {
    ObjectNode o = JSON.createObjectNode();
    if (metadata != null) {
      for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
        o.put(e.getKey(), e.getValue());
      }
    }
    return o;
  }

  static String metadataJson(Map<String, String> metadata) {
    return metadataObject(metadata).toString();
  }

  /** The document fields (the engine adds id, _timestamp, _scope and body). */
  static String fieldsJson(BlobFacts b, String containerMetadataJson) {
    ObjectNode d = JSON.createObjectNode();
    d.put("title", b.name());
    d.put("tier", b.tier());
    d.put("size", b.size());
    d.put("container", b.container());
    d.put("created_at", isoformat(b.createdAt()));
    d.put("content_type", b.contentType());
    try {
      d.set("container_metadata", containerMetadataJson == null
          ? JSON.createObjectNode() : JSON.readTree(containerMetadataJson));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    d.set("metadata", metadataObject(b.metadata()));
    ObjectNode lease = JSON.createObjectNode();
    lease.put("state", b.leaseState());
    lease.put("status", b.leaseStatus());
    lease.put("duration", b.leaseDuration());
    d.set("leasedata", lease);
    return d.toString();
  }

  /**
   * The record: token = last_modified isoformat; content unless the blob is in the Archive tier
   * (not readable without rehydration) or is a "folder" placeholder (name ends with '/').
   */
  static SourceRecord record(BlobFacts b, String containerMetadataJson) {
    String id = id(b.container(), b.name());
    String token = b.lastModified() == null ? "" : isoformat(b.lastModified());
    SourceRecord r = SourceRecord.of(id, token, scope(b.container(), b.name()), fieldsJson(b, containerMetadataJson));
    if (ARCHIVE.equalsIgnoreCase(b.tier()) || b.name().endsWith("/")) {
      return r;
    }
    return r.withContent(new ContentRef(new ObjectLocation(b.container(), b.name()).format(), b.name(), b.size()));
  }
}
