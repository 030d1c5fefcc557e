package io.beamconnectors.elasticsearch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * One {@link IndexLookup} answer, read in a single streaming pass ({@link DocValuesAnswer}): the
 * states of the ids found and the point in time to search next. A no-op sync looks every listed id
 * up, so building a tree of each answer only to read three doc values per hit was about a tenth of
 * its CPU.
 *
 * <p>{@code hits} counts every hit, also those not in {@code found} (no readable id: see
 * {@link DocValuesAnswer}).
 *
 * <p>Reads what a lookup asks for ({@link IndexLookup#FILTER_PATH}): {@code pit_id},
 * {@code _shards} (a failed shard fails the lookup, as {@link ReadIndexState#checkShards} words it)
 * and each hit's {@code fields}; anything else in the answer is skipped, whatever its shape.
 */
record LookupResponse(Map<String, IndexedState> found, String pitId, int hits) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory FACTORY = JSON.getFactory();

  /**
   * Reads a search response; an answer that is not a JSON object is an {@link IOException}.
   * {@code idOfHash} gives the id a hit's {@code _lookup} stands for (see {@link DocValuesAnswer}).
   */
  static LookupResponse read(InputStream in, LongFunction<String> idOfHash) throws IOException {
    try (JsonParser p = FACTORY.createParser(in)) {
      return read(p, idOfHash);
    }
  }

  static LookupResponse read(String text, LongFunction<String> idOfHash) throws IOException {
    try (JsonParser p = FACTORY.createParser(text)) {
      return read(p, idOfHash);
    }
  }

  static LookupResponse read(String text) throws IOException {
    return read(text, null);
  }

  private static LookupResponse read(JsonParser p, LongFunction<String> idOfHash) throws IOException {
    Map<String, IndexedState> found = new HashMap<>();
    DocValuesAnswer answer = DocValuesAnswer.read(p, idOfHash,
        (id, token, scope) -> found.put(id, new IndexedState(token, scope)));
    return new LookupResponse(found, answer.pitId(), answer.hits());
  }
}
