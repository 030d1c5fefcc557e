package io.beamconnectors.ftest.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.elasticsearch.ContentIndex;
import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import io.beamconnectors.elasticsearch.IndexFields;
import io.beamconnectors.elasticsearch.LookupKey;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.TreeMap;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;

/** Reads a content index back for assertions: every document by id, counts, operation totals. */
public final class IndexInspector implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ElasticsearchConnection connection;
  private final ContentIndex index;

  public IndexInspector(ElasticsearchConnection connection) {
    this.connection = connection;
    this.index = new ContentIndex(connection);
  }

  public static ElasticsearchConnection connection(String index) {
    return ElasticsearchConnection.of(FixtureEnv.require("BC_ES_URL", "elasticsearch"), index)
        .withBasicAuth(FixtureEnv.require("BC_ES_USERNAME", "elasticsearch"),
            FixtureEnv.require("BC_ES_PASSWORD", "elasticsearch"));
  }

  /**
   * Deletes the connection's index if it exists and creates it again, empty, with the content
   * index's own mappings plus {@code extraProperties} (a JSON object of field mappings, or null).
   */
  public static void recreate(ElasticsearchConnection connection, String extraProperties) throws IOException {
    try (ContentIndex index = new ContentIndex(connection)) {
      index.delete();
      index.ensureExists(extraProperties);
    }
  }

  /** Deletes the connection's index; nothing happens when it does not exist. */
  public static void delete(ElasticsearchConnection connection) throws IOException {
    try (ContentIndex index = new ContentIndex(connection)) {
      index.delete();
    }
  }

  public ContentIndex index() {
    return index;
  }

  /**
   * Every document's {@code _source}, by id, read with search_after on the id keyword; without
   * {@code _lookup}, which is checked against the id and {@code _token} ({@link #withoutLookupKey}).
   */
  public Map<String, JsonNode> documents() throws IOException {
    index.refresh();
    Map<String, JsonNode> out = new TreeMap<>();
    JsonNode after = null;
    while (true) {
      ObjectNode body = JSON.createObjectNode();
      body.put("size", 5000);
      body.putArray("sort").addObject().put("id", "asc");
      if (after != null) {
        body.set("search_after", after);
      }
      Request r = new Request("POST", "/" + connection.index() + "/_search");
      r.setJsonEntity(body.toString());
      JsonNode hits;
      Response resp = index.client().performRequest(r);
      try (InputStream in = resp.getEntity().getContent()) {
        hits = JSON.readTree(in).path("hits").path("hits");
      }
      if (hits.size() == 0) {
        return out;
      }
      for (JsonNode h : hits) {
        if (!h.path("_id").asText().equals(h.path("_source").path("id").asText())) {
          throw new AssertionError("_id and id differ for " + h);
        }
        out.put(h.path("_id").asText(), withoutLookupKey(h.path("_id").asText(), h.path("_source")));
      }
      after = hits.get(hits.size() - 1).path("sort");
    }
  }

  /**
   * The document without {@code _lookup}, once checked: where a document has one, it holds exactly
   * the hash of the document's id and its {@code _token}, which is what a lookup reads instead.
   */
  static JsonNode withoutLookupKey(String id, JsonNode source) {
    if (!source.has(IndexFields.LOOKUP)) {
      return source;
    }
    LookupKey.Entry entry = LookupKey.decode(source.path(IndexFields.LOOKUP).asText());
    if (entry == null || entry.idHash() != LookupKey.idHash(id) || !entry.token().equals(source.path(IndexFields.TOKEN).asText())) {
      throw new AssertionError("_lookup of " + id + " does not hold its id's hash and _token: " + entry + " in " + source);
    }
    ObjectNode copy = ((ObjectNode) source).deepCopy();
    copy.remove(IndexFields.LOOKUP);
    return copy;
  }

  public long count() throws IOException {
    index.refresh();
    return index.count();
  }

  public ContentIndex.OperationTotals totals() throws IOException {
    index.refresh();
    return index.operationTotals();
  }

  public void deleteIndex() throws IOException {
    index.delete();
  }

  @Override
  public void close() throws IOException {
    index.close();
  }
}
