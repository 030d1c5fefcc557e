package io.beamconnectors.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

/**
 * Administrative calls on the content index, made by the driver before and after a pipeline run:
 * create it with explicit mappings when missing, refresh, count, and read the indexing counters.
 */
public final class ContentIndex implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ElasticsearchConnection connection;
  private final RestClient client;

  public ContentIndex(ElasticsearchConnection connection) {
    this.connection = connection;
    this.client = connection.createClient();
  }

  /** Indexing and delete operation totals from {@code _stats} (primaries). */
  public record OperationTotals(long indexTotal, long deleteTotal) {}

  /** The mappings the engine relies on, plus a source's extra {@code properties} (JSON object). */
  public static ObjectNode mappings(String extraPropertiesJson) throws IOException {
    ObjectNode mappings = JSON.createObjectNode();
    mappings.put("dynamic", true);
    ObjectNode props = mappings.putObject("properties");
    props.putObject(IndexFields.ID).put("type", "keyword");
    props.putObject(IndexFields.TIMESTAMP).put("type", "date");
    // Doc values only: the engine reads tokens and never searches them, and an inverted index of
    // one unique term per document cost Elasticsearch about 5% of its indexing CPU (twentieth
    // bench round). A search on the field still works, through the doc values.
    props.putObject(IndexFields.TOKEN).put("type", "keyword").put("index", false);
    props.putObject(IndexFields.SCOPE).put("type", "keyword");
    props.set(IndexFields.LOOKUP, lookupFieldMapping());
    props.putObject(IndexFields.BODY).put("type", "text");
    props.putObject(IndexFields.CONTENT_ERROR).put("type", "keyword").put("ignore_above", 1024);
    if (extraPropertiesJson != null && !extraPropertiesJson.isBlank()) {
      JsonNode extra = JSON.readTree(extraPropertiesJson);
      extra.fields().forEachRemaining(e -> props.set(e.getKey(), e.getValue()));
    }
    return mappings;
  }

  /** {@link IndexFields#LOOKUP}: binary (not searchable, not stored apart from the source) with doc values. */
  static ObjectNode lookupFieldMapping() {
    return JSON.createObjectNode().put("type", "binary").put("doc_values", true);
  }

  /** How an index maps {@link IndexFields#LOOKUP}. */
  public enum LookupMapping {
    /** Binary with doc values, in every index the name stands for: lookups can read it. */
    READABLE,
    /** Not mapped (an index created before the field existed, or by Kibana): it can be added. */
    ABSENT,
    /** Mapped some other way (by hand, or dynamically by another writer): neither read nor written. */
    OTHER
  }

  /** How {@code index} (an index or alias) maps {@link IndexFields#LOOKUP}; a missing index reads as absent. */
  public static LookupMapping lookupMapping(RestClient client, String index) throws IOException {
    JsonNode answer;
    try {
      Response resp = ReadIndexState.performWithRetry(client,
          new Request("GET", "/" + index + "/_mapping/field/" + IndexFields.LOOKUP));
      try (InputStream in = resp.getEntity().getContent()) {
        answer = JSON.readTree(in);
      }
    } catch (ResponseException e) {
      if (e.getResponse().getStatusLine().getStatusCode() == 404) {
        return LookupMapping.ABSENT;
      }
      throw e;
    }
    if (answer == null || !answer.isObject() || answer.isEmpty()) {
      return LookupMapping.ABSENT;
    }
    boolean absent = false;
    for (JsonNode concrete : answer) {
      JsonNode field = concrete.path("mappings").path(IndexFields.LOOKUP).path("mapping").path(IndexFields.LOOKUP);
      if (field.isMissingNode()) {
        absent = true;
      } else if (!"binary".equals(field.path("type").asText()) || !field.path("doc_values").asBoolean(false)) {
        return LookupMapping.OTHER;
      }
    }
    return absent ? LookupMapping.ABSENT : LookupMapping.READABLE;
  }

  /**
   * Adds {@link IndexFields#LOOKUP} to an existing index that lacks it (one created before the
   * field existed, or by Kibana), so that documents written from now on carry it readably.
   * Documents written before keep working: lookups read them the slower way until they are
   * written again ({@link IndexLookup}). Fails, before anything is written, when the index maps
   * the field some other way.
   */
  public void ensureLookupField() throws IOException {
    LookupMapping mapping = lookupMapping(client, connection.index());
    if (mapping == LookupMapping.READABLE) {
      return;
    }
    if (mapping == LookupMapping.OTHER) {
      throw io.beamconnectors.sources.ConfigurationException.ofSetting("The content index '" + connection.index()
          + "' maps the field '" + IndexFields.LOOKUP + "' other than as binary with doc values, and the sync"
          + " writes that field itself: nothing was synced. Sync into a new index, or reindex this one without"
          + " that field's mapping");
    }
    ObjectNode body = JSON.createObjectNode();
    body.putObject("properties").set(IndexFields.LOOKUP, lookupFieldMapping());
    Request put = new Request("PUT", "/" + connection.index() + "/_mapping");
    put.setJsonEntity(body.toString());
    client.performRequest(put);
  }

  /** Creates the index with explicit mappings if it does not exist. Returns true if it created it. */
  public boolean ensureExists(String extraPropertiesJson) throws IOException {
    if (exists()) {
      return false;
    }
    ObjectNode body = JSON.createObjectNode();
    body.putObject("settings").putObject("index").put("auto_expand_replicas", "0-1");
    body.set("mappings", mappings(extraPropertiesJson));
    Request r = new Request("PUT", "/" + connection.index());
    r.setJsonEntity(body.toString());
    try {
      client.performRequest(r);
      return true;
    } catch (ResponseException e) {
      // Another sync created it between our check and our create: fine.
      if (e.getResponse().getStatusLine().getStatusCode() == 400
          && EntityUtils.toString(e.getResponse().getEntity()).contains("resource_already_exists_exception")) {
        return false;
      }
      throw e;
    }
  }

  public boolean exists() throws IOException {
    Response resp = client.performRequest(new Request("HEAD", "/" + connection.index()));
    return resp.getStatusLine().getStatusCode() == 200;
  }

  public void refresh() throws IOException {
    client.performRequest(new Request("POST", "/" + connection.index() + "/_refresh"));
  }

  public long count() throws IOException {
    return read(new Request("GET", "/" + connection.index() + "/_count")).path("count").asLong();
  }

  public OperationTotals operationTotals() throws IOException {
    JsonNode primaries = read(new Request("GET", "/" + connection.index() + "/_stats/indexing"))
        .path("_all").path("primaries").path("indexing");
    return new OperationTotals(primaries.path("index_total").asLong(), primaries.path("delete_total").asLong());
  }

  public void delete() throws IOException {
    try {
      client.performRequest(new Request("DELETE", "/" + connection.index()));
    } catch (ResponseException e) {
      if (e.getResponse().getStatusLine().getStatusCode() != 404) {
        throw e;
      }
    }
  }

  public RestClient client() {
    return client;
  }

  private JsonNode read(Request r) throws IOException {
    Response resp = client.performRequest(r);
    try (InputStream in = resp.getEntity().getContent()) {
      return JSON.readTree(in);
    }
  }

  @Override
  public void close() throws IOException {
    client.close();
  }
}
