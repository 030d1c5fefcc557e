package io.beamconnectors.elasticsearch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.sources.SourceRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Builds the JSON bulk inputs: the document for an index operation, the marker for a delete.
 *
 * <p>Every operation starts with the engine's {@code id} field, so the writer reads the id from the
 * first tokens instead of parsing the whole document again ({@link #idOf}). A delete is exactly
 * {@link #deleteJson}'s text for its id: a document always carries {@code _token}, a delete never,
 * so a source field named like the marker cannot turn a document into a delete.
 */
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
  private static final JsonFactory FACTORY = JSON.getFactory();
  private static final Set<String> ENGINE_FIELDS =
      Set.of(IndexFields.ID, IndexFields.TIMESTAMP, IndexFields.TOKEN, IndexFields.SCOPE, IndexFields.LOOKUP);

  private IndexOperations() {}

  /**
   * The record's fields plus the engine's own: {@code id} first, then the source's fields, then
   * {@code _timestamp} (the record's time, or {@code seenAt} when it has none), {@code _token} (see
   * {@link StoredToken}), {@code _scope} and {@code _lookup} (the id's hash and the token, {@link LookupKey}).
   * The engine's fields win over source fields of the same name. For callers that add fields (file
   * content); {@link #indexJson} is the fast path.
   */
  public static ObjectNode document(SourceRecord record, String seenAt) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put(IndexFields.ID, record.id());
    JsonNode parsed;
    try {
      parsed = JSON.readTree(record.fieldsJson());
    } catch (JsonProcessingException e) {
      throw invalidFields(record, e);
    }
    if (parsed instanceof ObjectNode fields) {
      for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (!ENGINE_FIELDS.contains(f.getKey())) {
          doc.set(f.getKey(), f.getValue());
        }
      }
    }
    doc.put(IndexFields.TIMESTAMP, record.timestamp() != null ? record.timestamp() : seenAt);
    String token = StoredToken.of(record);
    doc.put(IndexFields.TOKEN, token);
    doc.put(IndexFields.SCOPE, record.scope());
    doc.put(IndexFields.LOOKUP, LookupKey.encode(record.id(), token));
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
    document.put(IndexFields.LOOKUP, LookupKey.encode(document.path(IndexFields.ID).asText(), StoredToken.RETRY));
  }

  /** The engine's field names as they appear quoted in JSON text. */
  private static final String[] QUOTED_ENGINE_FIELDS =
      ENGINE_FIELDS.stream().map(f -> "\"" + f + "\"").toArray(String[]::new);

  /**
   * {@link #document} as JSON text: the same fields in the same order, numbers copied as the
   * source wrote them. Fields that cannot hold an engine field ({@link #splicable}) are spliced in
   * as text; any other fields are copied in one streaming pass (no tree) that drops engine fields.
   */
  public static String indexJson(SourceRecord record, String seenAt) {
    String fields = record.fieldsJson();
    if (splicable(fields)) {
      String timestamp = record.timestamp() != null ? record.timestamp() : seenAt;
      StringBuilder doc = new StringBuilder(fields.length() + record.id().length() + record.scope().length()
          + timestamp.length() + 256);
      doc.append("{\"").append(IndexFields.ID).append("\":");
      appendQuoted(doc, record.id());
      if (fields.length() > 2) {
        // The fields' own braces become the comma after the id and the end cut off: appending a
        // whole String is one array copy, a range of it (on this JDK) a loop over its chars.
        int brace = doc.length();
        doc.append(fields).setCharAt(brace, ',');
        doc.setLength(doc.length() - 1);
      }
      doc.append(",\"").append(IndexFields.TIMESTAMP).append("\":");
      appendQuoted(doc, timestamp);
      String token = StoredToken.of(record);
      doc.append(",\"").append(IndexFields.TOKEN).append("\":");
      appendQuoted(doc, token);
      doc.append(",\"").append(IndexFields.SCOPE).append("\":");
      appendQuoted(doc, record.scope());
      // Base64 needs no quoting.
      doc.append(",\"").append(IndexFields.LOOKUP).append("\":\"").append(LookupKey.encode(record.id(), token)).append('"');
      return doc.append('}').toString();
    }
    return streamedIndexJson(record, seenAt);
  }

  /**
   * Whether fields JSON can be spliced into a document as it is: an object (empty, or opening with
   * a key) in which no engine field name appears quoted and no {@code \\u} escape appears (so no
   * key can spell one in escapes). Conservative: a value that merely reads "id" takes the
   * streaming path, which gives the same document.
   */
  static boolean splicable(String fields) {
    int n = fields.length();
    if (n < 2 || fields.charAt(0) != '{' || fields.charAt(n - 1) != '}' || (n > 2 && fields.charAt(1) != '"')) {
      return false;
    }
    if (fields.indexOf("\\u") >= 0) {
      return false;
    }
    for (String quoted : QUOTED_ENGINE_FIELDS) {
      if (fields.contains(quoted)) {
        return false;
      }
    }
    return true;
  }

  private static void appendQuoted(StringBuilder out, String value) {
    out.append('"');
    com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(value, out);
    out.append('"');
  }

  private static String streamedIndexJson(SourceRecord record, String seenAt) {
    java.io.StringWriter out = new java.io.StringWriter(record.fieldsJson().length() + record.scope().length() + 288);
    try (JsonParser p = FACTORY.createParser(record.fieldsJson()); JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField(IndexFields.ID, record.id());
      if (p.nextToken() == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          if (ENGINE_FIELDS.contains(name)) {
            p.skipChildren();
            continue;
          }
          g.writeFieldName(name);
          copyValue(p, g);
        }
      } else {
        // A source that wrote no object: its fields are ignored, as the tree path does.
        p.skipChildren();
      }
      g.writeStringField(IndexFields.TIMESTAMP, record.timestamp() != null ? record.timestamp() : seenAt);
      String token = StoredToken.of(record);
      g.writeStringField(IndexFields.TOKEN, token);
      g.writeStringField(IndexFields.SCOPE, record.scope());
      g.writeStringField(IndexFields.LOOKUP, LookupKey.encode(record.id(), token));
      g.writeEndObject();
    } catch (JsonProcessingException e) {
      throw invalidFields(record, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Copies the value at the parser's current token, numbers as their source text. */
  private static void copyValue(JsonParser p, JsonGenerator g) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        g.writeStartObject();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          g.writeFieldName(p.currentName());
          p.nextToken();
          copyValue(p, g);
        }
        g.writeEndObject();
      }
      case START_ARRAY -> {
        g.writeStartArray();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          copyValue(p, g);
        }
        g.writeEndArray();
      }
      case VALUE_STRING -> g.writeString(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(p.getText());
      case VALUE_TRUE -> g.writeBoolean(true);
      case VALUE_FALSE -> g.writeBoolean(false);
      case VALUE_NULL -> g.writeNull();
      default -> throw new IOException("unexpected JSON token " + t);
    }
  }

  private static UncheckedIOException invalidFields(SourceRecord record, IOException e) {
    return new UncheckedIOException("Source produced invalid JSON fields for id " + record.id(), e);
  }

  /**
   * A delete operation: only the id and the marker. Every index operation carries {@code _token},
   * which a delete never does, so a source field named like the marker cannot turn a document into
   * a delete (see {@link #isDelete}).
   */
  public static String deleteJson(String id) {
    ObjectNode n = JSON.createObjectNode();
    n.put(IndexFields.ID, id);
    n.put(IndexFields.DELETE_MARKER, true);
    return n.toString();
  }

  /**
   * The id of an operation built here, read from its first field only; null when the operation
   * does not start with the id (not built by this class).
   */
  public static String idOf(String operation) {
    // Fast path: the id as written here, a string with no escapes.
    String head = "{\"" + IndexFields.ID + "\":\"";
    if (operation.startsWith(head)) {
      int close = operation.indexOf('"', head.length());
      if (close > 0 && operation.lastIndexOf('\\', close) < head.length()) {
        return operation.substring(head.length(), close);
      }
    }
    try (JsonParser p = FACTORY.createParser(operation)) {
      if (p.nextToken() == JsonToken.START_OBJECT && p.nextToken() == JsonToken.FIELD_NAME
          && IndexFields.ID.equals(p.currentName()) && p.nextToken() == JsonToken.VALUE_STRING) {
        return p.getText();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Whether the operation with this id is a delete: exactly {@link #deleteJson}'s text. */
  public static boolean isDelete(String operation, String id) {
    // A document is never this short and never ends with the marker and no token.
    return operation.length() < id.length() * 6 + 64 && operation.equals(deleteJson(id));
  }
}
