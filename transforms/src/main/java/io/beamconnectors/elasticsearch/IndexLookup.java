package io.beamconnectors.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

/**
 * What the index holds for a batch of ids: one search by {@code _id} that reads the doc values of
 * {@code id}, {@code _token} and {@code _scope} (no {@code _source}). Lets a sync decide records as
 * they arrive, without waiting for the whole index state. The caller refreshes the index once
 * before its first lookup ({@link #refresh}), so everything an earlier sync wrote is searchable.
 */
public final class IndexLookup {
  private static final ObjectMapper JSON = new ObjectMapper();

  private IndexLookup() {}

  /** Makes every earlier write searchable; a missing index is fine (it reads as empty). */
  public static void refresh(RestClient client, String index) throws IOException {
    try {
      ReadIndexState.performWithRetry(client, new Request("POST", "/" + index + "/_refresh"));
    } catch (ResponseException e) {
      if (e.getResponse().getStatusLine().getStatusCode() != 404) {
        throw e;
      }
    }
  }

  /** The state of those ids the index holds; absent ids are not in the map. */
  public static Map<String, IndexedState> lookup(RestClient client, String index, Collection<String> ids) throws IOException {
    Map<String, IndexedState> found = new HashMap<>();
    if (ids.isEmpty()) {
      return found;
    }
    Request search = new Request("POST", "/" + index + "/_search");
    search.setJsonEntity(body(ids).toString());
    Response resp;
    try {
      resp = ReadIndexState.performWithRetry(client, search);
    } catch (ResponseException e) {
      if (e.getResponse().getStatusLine().getStatusCode() == 404) {
        return found;
      }
      throw e;
    }
    JsonNode parsed;
    try (InputStream in = resp.getEntity().getContent()) {
      parsed = JSON.readTree(in);
    }
    ReadIndexState.checkShards(parsed);
    return states(parsed, found);
  }

  static ObjectNode body(Collection<String> ids) {
    ObjectNode body = JSON.createObjectNode();
    body.put("size", ids.size());
    body.put("_source", false);
    body.put("track_total_hits", false);
    ArrayNode values = body.putObject("query").putObject("ids").putArray("values");
    ids.forEach(values::add);
    body.putArray("docvalue_fields").add(IndexFields.ID).add(IndexFields.TOKEN).add(IndexFields.SCOPE);
    return body;
  }

  /** Reads the hits of a lookup response into {@code into}; documents without the keyword id are not ours. */
  static Map<String, IndexedState> states(JsonNode response, Map<String, IndexedState> into) {
    for (JsonNode hit : response.path("hits").path("hits")) {
      JsonNode fields = hit.path("fields");
      String id = first(fields, IndexFields.ID);
      if (id != null) {
        into.put(id, new IndexedState(first(fields, IndexFields.TOKEN), first(fields, IndexFields.SCOPE)));
      }
    }
    return into;
  }

  /** The first doc value of {@code name} in a hit's {@code fields}, or null: shared with {@link ReadIndexState}. */
  static String first(JsonNode fields, String name) {
    JsonNode v = fields.path(name);
    return v.isArray() && v.size() > 0 ? v.get(0).asText() : null;
  }
}
