package io.beamconnectors.sources.azureblob;

import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobItemProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.sources.ContentRef;
import io.beamconnectors.sources.ObjectLocation;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.objectstore.ObjectDocuments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;

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
      String etag,
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
        p == null ? null : p.getETag(),
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

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  /** User metadata as a JSON object in key order; {} when there is none, as the reference writes it. */
  static ObjectNode metadataObject(Map<String, String> metadata) {
    ObjectNode o = ObjectDocuments.sortedObject(metadata);
    return o == null ? JSON.createObjectNode() : o;
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
    d.put("created_at", ObjectDocuments.timestamp(instant(b.createdAt())));
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
   * The record: token = last modified, size and ETag; time = last modified; content unless the blob is in the Archive tier
   * (not readable without rehydration) or is a "folder" placeholder (name ends with '/').
   */
  static SourceRecord record(BlobFacts b, String containerMetadataJson) {
    String id = id(b.container(), b.name());
    Instant modified = instant(b.lastModified());
    SourceRecord r = SourceRecord.of(id, ObjectDocuments.token(modified, b.size(), b.etag()),
            ObjectDocuments.scope(b.container(), b.name()), fieldsJson(b, containerMetadataJson))
        .withTimestamp(ObjectDocuments.timestamp(modified));
    if (ARCHIVE.equalsIgnoreCase(b.tier()) || b.name().endsWith("/")) {
      return r;
    }
    return r.withContent(new ContentRef(new ObjectLocation(b.container(), b.name()).format(), b.name(), b.size()));
  }
}
