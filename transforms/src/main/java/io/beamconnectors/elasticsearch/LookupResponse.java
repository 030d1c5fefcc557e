package io.beamconnectors.elasticsearch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * One {@link IndexLookup} answer, read in a single streaming pass: the states of the ids found and
 * the point in time to search next. A no-op sync looks every listed id up, so building a tree of
 * each answer only to read three doc values per hit was about a tenth of its CPU.
 *
 * <p>Reads what a lookup asks for ({@link IndexLookup#FILTER_PATH}): {@code pit_id},
 * {@code _shards} (a failed shard fails the lookup, as {@link ReadIndexState#checkShards} words it)
 * and each hit's {@code fields}; anything else in the answer is skipped, whatever its shape.
 */
record LookupResponse(Map<String, IndexedState> found, String pitId) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory FACTORY = JSON.getFactory();

  /** Reads a search response; an answer that is not a JSON object is an {@link IOException}. */
  static LookupResponse read(InputStream in) throws IOException {
    try (JsonParser p = FACTORY.createParser(in)) {
      return read(p);
    }
  }

  static LookupResponse read(String text) throws IOException {
    try (JsonParser p = FACTORY.createParser(text)) {
      return read(p);
    }
  }

  private static LookupResponse read(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new IOException("Elasticsearch answered a lookup with something other than a JSON object");
    }
    Map<String, IndexedState> found = new HashMap<>();
    String pitId = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      switch (name) {
        case "pit_id" -> pitId = value == JsonToken.VALUE_STRING ? p.getText() : pitId;
        case "_shards" -> {
          JsonNode shards = JSON.readTree(p);
          ReadIndexState.checkShards(JSON.createObjectNode().set("_shards", shards));
        }
        case "hits" -> readHits(p, found);
        default -> p.skipChildren();
      }
    }
    return new LookupResponse(found, pitId);
  }

  /** The outer {@code hits} object: its {@code hits} array, each hit an object. */
  private static void readHits(JsonParser p, Map<String, IndexedState> found) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (name.equals("hits") && value == JsonToken.START_ARRAY) {
        while (p.nextToken() != JsonToken.END_ARRAY) {
          readHit(p, found);
        }
      } else {
        p.skipChildren();
      }
    }
  }

  /** One hit: the first doc value of the keyword id, the token and the scope; a hit without the id is not ours. */
  private static void readHit(JsonParser p, Map<String, IndexedState> found) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    String id = null;
    String token = null;
    String scope = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (!name.equals("fields") || value != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        String first = firstValue(p);
        switch (field) {
          case IndexFields.ID -> id = first;
          case IndexFields.TOKEN -> token = first;
          case IndexFields.SCOPE -> scope = first;
          default -> { }
        }
      }
    }
    if (id != null) {
      found.put(id, new IndexedState(token, scope));
    }
  }

  /** The first value of a doc-value array as text (null for an empty array or another shape); leaves the array read. */
  private static String firstValue(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      p.skipChildren();
      return null;
    }
    String first = null;
    boolean firstSeen = false;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (!firstSeen && t.isScalarValue()) {
        first = p.getText();
      }
      firstSeen = true;
      p.skipChildren();
    }
    return first;
  }
}
