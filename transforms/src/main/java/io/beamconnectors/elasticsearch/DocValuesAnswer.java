package io.beamconnectors.elasticsearch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.function.LongFunction;

/**
 * One search answer whose hits carry the doc values {@code id}, {@code _token} and {@code _scope},
 * or {@code _lookup} (the id's hash and the token in one value, {@link LookupKey}), read in a single
 * streaming pass: each hit goes to a {@link HitConsumer} as it is parsed, and no tree of the answer
 * is built. Both readers of the index use it: {@link IndexLookup}'s lookups (through {@link LookupResponse};
 * a no-op sync looks up every id) and {@link ReadIndexState}'s pages (10,000 hits, over a megabyte
 * of JSON each).
 *
 * <p>Kept from the answer: {@code pitId}, the point in time's new id (null when the answer gave
 * none: the old one stays); {@code hits}, how many hits it had; {@code lastSort}, the last hit's
 * {@code sort} values, where the next page starts (null without hits). A failed shard fails the read, as
 * {@link ReadIndexState#checkShards} words it, wherever {@code _shards} stands in the answer. A hit
 * without the keyword {@code id} or a readable {@code _lookup} (a document written by another tool)
 * is counted, not handed on.
 * Anything else is skipped, whatever its shape.
 */
record DocValuesAnswer(String pitId, int hits, JsonNode lastSort) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Receives one hit: the first value of each doc value as text, null where the hit has none. */
  @FunctionalInterface
  interface HitConsumer {
    void accept(String id, String token, String scope);
  }

  /** Reads a search answer; one that is not a JSON object is an {@link IOException}. */
  static DocValuesAnswer read(JsonParser p, HitConsumer consumer) throws IOException {
    return read(p, null, consumer);
  }

  /**
   * Reads a search answer whose hits may carry {@code _lookup}: {@code idOfHash} gives the id an
   * id hash stands for ({@link LookupKey#idHash}; null when unknown, and then the hit is counted,
   * not handed on).
   */
  static DocValuesAnswer read(JsonParser p, LongFunction<String> idOfHash, HitConsumer consumer)
      throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new IOException("Elasticsearch answered a search with something other than a JSON object");
    }
    String pitId = null;
    Hits hits = new Hits();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      switch (name) {
        case "pit_id" -> pitId = value == JsonToken.VALUE_STRING ? p.getText() : pitId;
        case "_shards" -> ReadIndexState.checkShards(JSON.createObjectNode().set("_shards", JSON.readTree(p)));
        case "hits" -> readHits(p, hits, idOfHash, consumer);
        default -> p.skipChildren();
      }
    }
    return new DocValuesAnswer(pitId, hits.count, hits.lastSort);
  }

  private static final class Hits {
    int count;
    JsonNode lastSort;
  }

  /** The outer {@code hits} object: its {@code hits} array, each hit an object. */
  private static void readHits(JsonParser p, Hits hits, LongFunction<String> idOfHash,
      HitConsumer consumer) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (name.equals("hits") && value == JsonToken.START_ARRAY) {
        while (p.nextToken() != JsonToken.END_ARRAY) {
          readHit(p, hits, idOfHash, consumer);
        }
      } else {
        p.skipChildren();
      }
    }
  }

  private static void readHit(JsonParser p, Hits hits, LongFunction<String> idOfHash,
      HitConsumer consumer) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    String id = null;
    String token = null;
    String scope = null;
    String lookup = null;
    JsonNode sort = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (name.equals("sort")) {
        sort = JSON.readTree(p);
      } else if (name.equals("fields") && value == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          p.nextToken();
          String first = firstValue(p);
          switch (field) {
            case IndexFields.ID -> id = first;
            case IndexFields.TOKEN -> token = first;
            case IndexFields.SCOPE -> scope = first;
            case IndexFields.LOOKUP -> lookup = first;
            default -> { }
          }
        }
      } else {
        p.skipChildren();
      }
    }
    hits.count++;
    hits.lastSort = sort;
    if (id == null && lookup != null && idOfHash != null) {
      LookupKey.Entry entry = LookupKey.decode(lookup);
      if (entry != null) {
        id = idOfHash.apply(entry.idHash());
        token = token != null ? token : entry.token();
      }
    }
    if (id != null) {
      consumer.accept(id, token, scope);
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
