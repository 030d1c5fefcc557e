package io.beamconnectors.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.elasticsearch.IndexFields;
import io.beamconnectors.sources.SourceRecord;
import java.io.UncheckedIOException;

/** Builds the JSON bulk inputs: the document for an index operation, the marker for a delete. */
public final class IndexOperations {
  private static final ObjectMapper JSON = new ObjectMapper();

  private IndexOperations() {}

  /** The record's fields plus the engine's own ({@code id}, {@code _timestamp}, {@code _scope}). */
  public static ObjectNode document(SourceRecord record) {
    ObjectNode doc;
    try {
      JsonNode parsed = JSON.readTree(record.fieldsJson());
      doc = parsed instanceof ObjectNode o ? o : JSON.createObjectNode();
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("Source produced invalid JSON fields for id " + record.id(), e);
    }
    doc.put(IndexFields.ID, record.id());
    doc.put(IndexFields.TIMESTAMP, record.token());
    doc.put(IndexFields.SCOPE, record.scope());
    return doc;
  }

  public static String indexJson(SourceRecord record) {
    return document(record).toString();
  }

  public static String deleteJson(String id) {
    ObjectNode n = JSON.createObjectNode();
    n.put(IndexFields.ID, id);
    n.put(IndexFields.DELETE_MARKER, true);
    return n.toString();
  }
}
