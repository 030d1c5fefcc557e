package io.beamconnectors.elasticsearch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.sources.SourceRecord;
import java.io.UncheckedIOException;

/** Builds the JSON bulk inputs: the document for an index operation, the marker for a delete. */
public final class IndexOperations {
  /**
   * Numbers pass through exactly as the source wrote them: 12.50 stays 12.50 and a 39-digit
   * numeric keeps every digit (a plain mapper would make them doubles).
   */
  private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
      .nodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true))
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(com.fasterxml.jackson.core.StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
      .build();

  private IndexOperations() {}

  /**
   * The record's fields plus the engine's own: {@code id}, {@code _timestamp} (the record's time, or
   * {@code seenAt} when it has none), {@code _token} (see {@link StoredToken}) and {@code _scope}.
   * The engine's fields win over source fields of the same name.
   */
  public static ObjectNode document(SourceRecord record, String seenAt) {
    ObjectNode doc;
    try {
      JsonNode parsed = JSON.readTree(record.fieldsJson());
      doc = parsed instanceof ObjectNode o ? o : JSON.createObjectNode();
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("Source produced invalid JSON fields for id " + record.id(), e);
    }
    doc.put(IndexFields.ID, record.id());
    doc.put(IndexFields.TIMESTAMP, record.timestamp() != null ? record.timestamp() : seenAt);
    doc.put(IndexFields.TOKEN, StoredToken.of(record));
    doc.put(IndexFields.SCOPE, record.scope());
    return doc;
  }

  /** The document as bulk input, numbers exact. */
  public static String toJson(ObjectNode document) {
    try {
      return JSON.writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Marks a document so the next sync fetches its content again (a transient content failure). */
  public static void markForRetry(ObjectNode document) {
    document.put(IndexFields.TOKEN, StoredToken.RETRY);
  }

  public static String indexJson(SourceRecord record, String seenAt) {
    return toJson(document(record, seenAt));
  }

  /**
   * A delete operation: only the id and the marker. Every index operation carries {@code _token},
   * which a delete never does, so a source field named like the marker cannot turn a document into
   * a delete (see {@code WriteToIndex}).
   */
  public static String deleteJson(String id) {
    ObjectNode n = JSON.createObjectNode();
    n.put(IndexFields.ID, id);
    n.put(IndexFields.DELETE_MARKER, true);
    return n.toString();
  }
}
