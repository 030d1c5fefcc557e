package io.beamconnectors.launcher.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.http.entity.ContentType;
import org.apache.http.nio.entity.NStringEntity;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RequestOptions;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

/**
 * The {@code direct} backend: documents of the {@code .elastic-connectors} and
 * {@code .elastic-connectors-sync-jobs} aliases, read and written with the low-level REST client.
 * When the aliases are missing it creates the hidden {@code -v1} indices with the reference
 * mappings; where Elasticsearch refuses because they are system indices it says so.
 */
public final class DirectProtocol implements ConnectorsProtocol {
  public static final String CONNECTORS = ".elastic-connectors";
  public static final String JOBS = ".elastic-connectors-sync-jobs";
  public static final String ORIGIN_HEADER = "X-elastic-product-origin";
  public static final String ORIGIN = "connectors";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final RequestOptions OPTIONS = RequestOptions.DEFAULT.toBuilder()
      .addHeader(ORIGIN_HEADER, ORIGIN).build();

  private final ElasticsearchConnection connection;
  private final RestClient client;

  public DirectProtocol(ElasticsearchConnection connection) {
    this.connection = connection;
    this.client = connection.createClient();
  }

  @Override
  public String backend() {
    return "direct";
  }

  /** The connection (for the content index and the runners). */
  public ElasticsearchConnection connection() {
    return connection;
  }

  @Override
  public void ensureIndices() throws IOException {
    ensureIndex(CONNECTORS, "connectors-mappings.json");
    ensureIndex(JOBS, "sync-jobs-mappings.json");
  }

  private void ensureIndex(String alias, String mappingResource) throws IOException {
    if (exists(alias)) {
      return;
    }
    ObjectNode body = JSON.createObjectNode();
    ObjectNode settings = body.putObject("settings");
    settings.put("index.hidden", true);
    settings.put("index.auto_expand_replicas", "0-1");
    try (InputStream in = DirectProtocol.class.getResourceAsStream(mappingResource)) {
      body.set("mappings", JSON.readTree(in));
    }
    body.putObject("aliases").putObject(alias).put("is_hidden", true);
    Request put = new Request("PUT", "/" + alias + "-v1");
    put.setEntity(json(body));
    try {
      perform(put);
    } catch (ResponseException e) {
      String reply = body(e);
      if (reply.contains("resource_already_exists_exception")) {
        return; // another launcher created it first
      }
      if (reply.contains("system ind") || e.getResponse().getStatusLine().getStatusCode() == 403) {
        throw new ElasticsearchAccessException("Elasticsearch refused to create " + alias + "-v1 (HTTP "
            + e.getResponse().getStatusLine().getStatusCode() + "): on this cluster it is a system index that"
            + " Kibana or the _connector API creates; create a connector in Kibana first, or give the launcher's"
            + " user the privilege to create it", null);
      }
      throw e;
    }
  }

  private boolean exists(String name) throws IOException {
    Request head = new Request("HEAD", "/" + name);
    head.addParameter("expand_wildcards", "all");
    Response r = perform(head);
    return r.getStatusLine().getStatusCode() == 200;
  }

  @Override
  public Optional<ConnectorDocument> connector(String id) throws IOException {
    return get(CONNECTORS, id).map(d -> new ConnectorDocument(d.path("_id").asText(), d.path("_seq_no").asLong(),
        d.path("_primary_term").asLong(), (ObjectNode) d.path("_source")));
  }

  @Override
  public List<ConnectorDocument> connectors(Collection<String> ids) throws IOException {
    ObjectNode query = JSON.createObjectNode();
    if (ids == null) {
      query.putObject("match_all");
    } else if (ids.isEmpty()) {
      return List.of();
    } else {
      ArrayNode values = query.putObject("ids").putArray("values");
      ids.forEach(values::add);
    }
    List<ConnectorDocument> out = new ArrayList<>();
    for (JsonNode hit : search(CONNECTORS, query, JSON.createArrayNode().add("_doc"), 1000)) {
      out.add(new ConnectorDocument(hit.path("_id").asText(), hit.path("_seq_no").asLong(),
          hit.path("_primary_term").asLong(), (ObjectNode) hit.path("_source")));
    }
    return out;
  }

  @Override
  public void createConnector(String id, ObjectNode document) throws IOException, ConcurrentUpdateException {
    Request put = new Request("PUT", "/" + CONNECTORS + "/_create/" + encode(id));
    put.addParameter("refresh", "wait_for");
    put.setEntity(json(document));
    try {
      perform(put);
    } catch (ResponseException e) {
      if (e.getResponse().getStatusLine().getStatusCode() == 409) {
        throw new ConcurrentUpdateException("connector '" + id + "' already exists");
      }
      throw e;
    }
  }

  @Override
  public void updateConnector(ConnectorDocument read, Map<String, ?> fields) throws IOException, ConcurrentUpdateException {
    update(CONNECTORS, read.id(), fields, read.seqNo(), read.primaryTerm());
  }

  @Override
  public void updateConnector(String id, Map<String, ?> fields) throws IOException {
    try {
      update(CONNECTORS, id, fields, -1, -1);
    } catch (ConcurrentUpdateException e) {
      throw new IllegalStateException("unconditional update reported a conflict", e);
    }
  }

  @Override
  public boolean deleteConnectorDocument(String id) throws IOException {
    Request delete = new Request("DELETE", "/" + CONNECTORS + "/_doc/" + encode(id));
    delete.addParameter("refresh", "wait_for");
    try {
      perform(delete);
      return true;
    } catch (ResponseException e) {
      if (e.getResponse().getStatusLine().getStatusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public String createJob(ConnectorDocument connector, JobType type, TriggerMethod trigger) throws IOException {
    ObjectNode job = JSON.createObjectNode();
    ObjectNode snapshot = job.putObject("connector");
    JsonNode c = connector.source();
    snapshot.put("id", connector.id());
    snapshot.set("configuration", c.path("configuration").isObject() ? c.get("configuration") : JSON.createObjectNode());
    snapshot.set("filtering", activeFiltering(c.path("filtering")));
    snapshot.set("index_name", c.get("index_name"));
    snapshot.set("language", c.get("language"));
    snapshot.set("pipeline", c.get("pipeline"));
    snapshot.set("service_type", c.get("service_type"));
    snapshot.set("sync_cursor", c.get("sync_cursor"));
    String now = now();
    job.put("job_type", type.wire());
    job.put("trigger_method", trigger.wire());
    job.put("status", JobStatus.PENDING.wire());
    job.put("created_at", now);
    job.put("last_seen", now);
    job.put("indexed_document_count", 0);
    job.put("indexed_document_volume", 0);
    job.put("deleted_document_count", 0);
    job.putNull("error");
    job.putNull("worker_hostname");
    Request post = new Request("POST", "/" + JOBS + "/_doc");
    post.addParameter("refresh", "wait_for");
    post.setEntity(json(job));
    return read(perform(post)).path("_id").asText();
  }

  /** The reference stores the DEFAULT domain's active filter object, or an empty one. */
  private static JsonNode activeFiltering(JsonNode filtering) {
    if (filtering.isArray()) {
      for (JsonNode f : filtering) {
        if ("DEFAULT".equals(f.path("domain").asText()) && f.path("active").isObject()) {
          return f.get("active");
        }
      }
    }
    ObjectNode empty = JSON.createObjectNode();
    empty.putObject("advanced_snippet");
    empty.putArray("rules");
    return empty;
  }

  @Override
  public Optional<SyncJob> job(String id) throws IOException {
    return get(JOBS, id).map(DirectProtocol::toJob);
  }

  private static SyncJob toJob(JsonNode d) {
    return new SyncJob(d.path("_id").asText(), d.path("_seq_no").asLong(), d.path("_primary_term").asLong(),
        (ObjectNode) d.path("_source"));
  }

  @Override
  public List<SyncJob> jobs(JobQuery q) throws IOException {
    ObjectNode query = JSON.createObjectNode();
    ArrayNode filter = query.putObject("bool").putArray("filter");
    if (!q.statuses().isEmpty()) {
      ArrayNode values = filter.addObject().putObject("terms").putArray("status");
      q.statuses().forEach(s -> values.add(s.wire()));
    }
    if (q.connectorIds() != null) {
      if (q.connectorIds().isEmpty()) {
        return List.of();
      }
      ArrayNode values = filter.addObject().putObject("terms").putArray("connector.id");
      q.connectorIds().forEach(values::add);
    }
    if (!q.jobTypes().isEmpty()) {
      // Jobs written by 8.8 have no job_type: they are full syncs.
      ObjectNode should = filter.addObject().putObject("bool");
      ArrayNode any = should.putArray("should");
      ArrayNode values = any.addObject().putObject("terms").putArray("job_type");
      q.jobTypes().forEach(t -> values.add(t.wire()));
      if (q.jobTypes().contains(JobType.FULL)) {
        any.addObject().putObject("bool").putArray("must_not").addObject().putObject("exists").put("field", "job_type");
      }
      should.put("minimum_should_match", 1);
    }
    if (q.lastSeenBefore() != null) {
      filter.addObject().putObject("range").putObject("last_seen").put("lt", q.lastSeenBefore().toString());
    }
    ArrayNode sort = JSON.createArrayNode();
    sort.addObject().putObject("created_at").put("order", q.newestFirst() ? "desc" : "asc")
        .put("unmapped_type", "date");
    sort.add("_doc");
    List<SyncJob> out = new ArrayList<>();
    for (JsonNode hit : search(JOBS, query, sort, q.size())) {
      out.add(toJob(hit));
    }
    return out;
  }

  @Override
  public void updateJob(SyncJob read, Map<String, ?> fields) throws IOException, ConcurrentUpdateException {
    update(JOBS, read.id(), fields, read.seqNo(), read.primaryTerm());
  }

  @Override
  public boolean updateJob(String id, Map<String, ?> fields) throws IOException {
    try {
      update(JOBS, id, fields, -1, -1);
      return true;
    } catch (ConcurrentUpdateException e) {
      throw new IllegalStateException("unconditional update reported a conflict", e);
    } catch (ResponseException e) {
      if (e.getResponse().getStatusLine().getStatusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  private void update(String index, String id, Map<String, ?> fields, long seqNo, long primaryTerm)
      throws IOException, ConcurrentUpdateException {
    Request post = new Request("POST", "/" + index + "/_update/" + encode(id));
    if (seqNo >= 0) {
      post.addParameter("if_seq_no", Long.toString(seqNo));
      post.addParameter("if_primary_term", Long.toString(primaryTerm));
    } else {
      post.addParameter("retry_on_conflict", "3");
    }
    ObjectNode body = JSON.createObjectNode();
    body.set("doc", JSON.valueToTree(fields));
    post.setEntity(json(body));
    try {
      perform(post);
    } catch (ResponseException e) {
      if (e.getResponse().getStatusLine().getStatusCode() == 409) {
        throw new ConcurrentUpdateException(index + "/" + id + " changed since it was read");
      }
      throw e;
    }
  }

  private Optional<JsonNode> get(String index, String id) throws IOException {
    Request get = new Request("GET", "/" + index + "/_doc/" + encode(id));
    try {
      return Optional.of(read(perform(get)));
    } catch (ResponseException e) {
      if (e.getResponse().getStatusLine().getStatusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private List<JsonNode> search(String index, ObjectNode query, ArrayNode sort, int size) throws IOException {
    List<JsonNode> hits = new ArrayList<>();
    JsonNode searchAfter = null;
    while (hits.size() < size) {
      ObjectNode body = JSON.createObjectNode();
      body.set("query", query);
      body.set("sort", sort);
      body.put("size", Math.min(100, size - hits.size()));
      body.put("seq_no_primary_term", true);
      if (searchAfter != null) {
        body.set("search_after", searchAfter);
      }
      Request post = new Request("POST", "/" + index + "/_search");
      post.addParameter("ignore_unavailable", "true");
      post.setEntity(json(body));
      JsonNode page;
      try {
        page = read(perform(post)).path("hits").path("hits");
      } catch (ResponseException e) {
        if (e.getResponse().getStatusLine().getStatusCode() == 404) {
          return hits;
        }
        throw e;
      }
      if (page.isEmpty()) {
        break;
      }
      page.forEach(hits::add);
      searchAfter = page.get(page.size() - 1).get("sort");
      if (page.size() < 100) {
        break;
      }
    }
    return hits;
  }

  private Response perform(Request request) throws IOException {
    request.setOptions(OPTIONS);
    try {
      Response r = client.performRequest(request);
      return r;
    } catch (ResponseException e) {
      int status = e.getResponse().getStatusLine().getStatusCode();
      if (status == 404 && "HEAD".equals(request.getMethod())) {
        return e.getResponse();
      }
      if (status == 401) {
        throw new ElasticsearchAccessException("Elasticsearch at " + String.join(",", connection.urls())
            + " rejected the credentials (HTTP 401): check elasticsearch.username and elasticsearch.password"
            + " (or elasticsearch.api_key) in the launcher's config.yml or their environment variables (right after"
            + " Elasticsearch starts, this can also mean its security index is not ready yet)", e);
      }
      if (status == 403) {
        throw new ElasticsearchAccessException("Elasticsearch refused " + request.getMethod() + " "
            + request.getEndpoint() + " (HTTP 403: " + reason(e) + "): give the launcher's user or API key the"
            + " privileges listed in docs/launcher.md", e);
      }
      throw e;
    } catch (ConnectException e) {
      throw new ElasticsearchAccessException("Cannot connect to Elasticsearch at " + String.join(",", connection.urls())
          + " (" + e.getMessage() + "): check elasticsearch.host in config.yml and that Elasticsearch is running", e);
    }
  }

  private static String reason(ResponseException e) {
    try {
      return JSON.readTree(body(e)).path("error").path("reason").asText("forbidden");
    } catch (IOException io) {
      return "forbidden";
    }
  }

  private static String body(ResponseException e) {
    try {
      return e.getResponse().getEntity() == null ? "" : new String(e.getResponse().getEntity().getContent().readAllBytes(),
          StandardCharsets.UTF_8);
    } catch (IOException io) {
      return "";
    }
  }

  private static JsonNode read(Response r) throws IOException {
    try (InputStream in = r.getEntity().getContent()) {
      return JSON.readTree(in);
    }
  }

  private static NStringEntity json(JsonNode body) throws IOException {
    return new NStringEntity(JSON.writeValueAsString(body), ContentType.APPLICATION_JSON);
  }

  private static String encode(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Protocol timestamps: ISO-8601 UTC with milliseconds. */
  public static String now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
  }

  @Override
  public void close() throws IOException {
    client.close();
  }
}
