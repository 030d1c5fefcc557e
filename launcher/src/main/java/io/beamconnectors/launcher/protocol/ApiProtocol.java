package io.beamconnectors.launcher.protocol;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.connector.SyncJobTriggerMethod;
import co.elastic.clients.elasticsearch.connector.SyncJobType;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientOptions;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import java.io.IOException;
import java.io.StringReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.http.entity.ContentType;
import org.apache.http.nio.entity.NStringEntity;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RequestOptions;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

/**
 * The {@code api} backend: the {@code _connector} API (Elasticsearch 8.12+, enforced privileges in
 * 9.x) through the official elasticsearch-java client's {@code connector()} namespace, and a plain
 * request with {@code X-elastic-product-origin: connectors} for {@code _last_sync}, which the client
 * lacks. What the API cannot do goes through the {@code direct} backend, as Elastic's own Python
 * service does: reads that need a sequence number, and every conditional write (the connector lock,
 * claiming a job, the scheduling lock), because the API has no {@code if_seq_no}, and
 * {@code _claim} checks nothing (two launchers would both claim a job); terminal job states, for
 * which the API has no call.
 *
 * <p>Through the API: connector create ({@code PUT _connector/ID}, then {@code _configuration} and
 * {@code _scheduling}), check-in ({@code _check_in}), last-sync fields ({@code _last_sync}),
 * status error with its message ({@code _error}), scheduling ({@code _scheduling}), soft and hard delete, job
 * creation ({@code POST _connector/_sync_job}, the server snapshots the connector) and job
 * progress ({@code _sync_job/ID/_stats}).
 */
public final class ApiProtocol implements ConnectorsProtocol {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final RequestOptions ORIGIN = RequestOptions.DEFAULT.toBuilder()
      .addHeader(DirectProtocol.ORIGIN_HEADER, DirectProtocol.ORIGIN).build();
  /** The fields {@code PUT _connector/ID/_last_sync} takes. */
  static final Set<String> LAST_SYNC_FIELDS = Set.of("last_sync_status", "last_sync_error", "last_synced",
      "last_sync_scheduled_at", "last_incremental_sync_scheduled_at", "last_access_control_sync_status",
      "last_access_control_sync_error", "last_access_control_sync_scheduled_at", "last_indexed_document_count",
      "last_deleted_document_count", "sync_cursor");
  /** The fields {@code PUT _connector/_sync_job/ID/_stats} takes; the three counters are required. */
  static final Set<String> STATS_FIELDS = Set.of("indexed_document_count", "indexed_document_volume",
      "deleted_document_count", "total_document_count", "last_seen", "metadata");
  private static final List<String> REQUIRED_STATS = List.of("indexed_document_count", "indexed_document_volume",
      "deleted_document_count");

  private final DirectProtocol direct;
  private final RestClient rest;
  private final ElasticsearchClient client;

  /** Opens the backend; fails with a message naming the fix when the cluster has no {@code _connector} API. */
  public ApiProtocol(ElasticsearchConnection connection) throws IOException {
    this.direct = new DirectProtocol(connection);
    this.rest = connection.createClient();
    RestClientTransport transport = new RestClientTransport(rest, new JacksonJsonpMapper(), new RestClientOptions(ORIGIN, false));
    this.client = new ElasticsearchClient(transport);
    ConnectorApiProbe.Result probe = ConnectorApiProbe.probe(rest);
    if (!probe.available()) {
      close();
      throw new ElasticsearchAccessException("elasticsearch.protocol is api but " + probe.reason()
          + ": use protocol direct (or auto, which picks direct here)", null);
    }
  }

  @Override
  public String backend() {
    return "api";
  }

  /** The API creates the connector indices itself; nothing to do. */
  @Override
  public void ensureIndices() {}

  @Override
  public Optional<ConnectorDocument> connector(String id) throws IOException {
    return direct.connector(id);
  }

  @Override
  public List<ConnectorDocument> connectors(Collection<String> ids) throws IOException {
    return direct.connectors(ids);
  }

  @Override
  public void createConnector(String id, ObjectNode document) throws IOException, ConcurrentUpdateException {
    if (direct.connector(id).isPresent()) {
      throw new ConcurrentUpdateException("connector '" + id + "' already exists");
    }
    call(() -> client.connector().put(b -> {
      b.connectorId(id).isNative(false);
      text(document, "index_name").ifPresent(b::indexName);
      text(document, "name").ifPresent(b::name);
      text(document, "service_type").ifPresent(b::serviceType);
      text(document, "description").ifPresent(b::description);
      text(document, "language").ifPresent(b::language);
      return b;
    }));
    JsonNode configuration = document.path("configuration");
    if (configuration.isObject() && !configuration.isEmpty()) {
      putConfiguration(id, configuration);
    }
    if (document.path("scheduling").isObject()) {
      putScheduling(id, document.get("scheduling"));
    }
  }

  private void putConfiguration(String id, JsonNode configuration) throws IOException {
    String body = JSON.writeValueAsString(Map.of("configuration", configuration));
    call(() -> client.connector().updateConfiguration(b -> b.connectorId(id).withJson(new StringReader(body))));
  }

  private void putScheduling(String id, JsonNode scheduling) throws IOException {
    String body = JSON.writeValueAsString(Map.of("scheduling", scheduling));
    call(() -> client.connector().updateScheduling(b -> b.connectorId(id).withJson(new StringReader(body))));
  }

  /** Conditional: only the direct backend can (the API has no {@code if_seq_no}). */
  @Override
  public void updateConnector(ConnectorDocument read, Map<String, ?> fields) throws IOException, ConcurrentUpdateException {
    direct.updateConnector(read, fields);
  }

  @Override
  public void updateConnector(String id, Map<String, ?> fields) throws IOException {
    Map<String, Object> rest = new LinkedHashMap<>(fields);
    if (fields.size() == 1 && fields.containsKey("last_seen")) {
      call(() -> client.connector().checkIn(b -> b.connectorId(id)));
      return;
    }
    if (fields.size() == 1 && Boolean.TRUE.equals(fields.get("deleted"))) {
      call(() -> client.connector().delete(b -> b.connectorId(id).hard(false)));
      return;
    }
    if (rest.containsKey("scheduling") && rest.get("scheduling") != null) {
      putScheduling(id, JSON.valueToTree(rest.remove("scheduling")));
    }
    Map<String, Object> lastSync = new LinkedHashMap<>();
    for (String f : LAST_SYNC_FIELDS) {
      if (rest.containsKey(f)) {
        lastSync.put(f, rest.remove(f));
      }
    }
    if (!lastSync.isEmpty()) {
      Request put = new Request("PUT", "/_connector/" + encode(id) + "/_last_sync");
      put.setEntity(new NStringEntity(JSON.writeValueAsString(lastSync), ContentType.APPLICATION_JSON));
      perform(put);
    }
    if (ConnectorStatus.ERROR.wire().equals(rest.get("status")) && rest.get("error") instanceof String) {
      // _error with a message sets status error (no state-machine check); back to connected is a
      // direct write, because the client requires a non-null error.
      String error = (String) rest.remove("error");
      rest.remove("status");
      call(() -> client.connector().updateError(b -> b.connectorId(id).error(error)));
    }
    if (!rest.isEmpty()) {
      direct.updateConnector(id, rest);
    }
  }

  @Override
  public boolean deleteConnectorDocument(String id) throws IOException {
    try {
      call(() -> client.connector().delete(b -> b.connectorId(id).hard(true)));
      return true;
    } catch (ElasticsearchException e) {
      if (e.status() == 404) {
        return false;
      }
      throw e;
    }
  }

  /** {@code POST _connector/_sync_job}: Elasticsearch snapshots the connector into the job. */
  @Override
  public String createJob(ConnectorDocument connector, JobType type, TriggerMethod trigger) throws IOException {
    SyncJobType jobType = switch (type) {
      case FULL -> SyncJobType.Full;
      case INCREMENTAL -> SyncJobType.Incremental;
      case ACCESS_CONTROL -> SyncJobType.AccessControl;
    };
    SyncJobTriggerMethod method = trigger == TriggerMethod.SCHEDULED ? SyncJobTriggerMethod.Scheduled
        : SyncJobTriggerMethod.OnDemand;
    return call(() -> client.connector().syncJobPost(b -> b.id(connector.id()).jobType(jobType).triggerMethod(method)))
        .id();
  }

  @Override
  public Optional<SyncJob> job(String id) throws IOException {
    return direct.job(id);
  }

  @Override
  public List<SyncJob> jobs(JobQuery query) throws IOException {
    return direct.jobs(query);
  }

  /** Conditional (claiming): direct, because {@code _claim} does not check the job's state or version. */
  @Override
  public void updateJob(SyncJob read, Map<String, ?> fields) throws IOException, ConcurrentUpdateException {
    direct.updateJob(read, fields);
  }

  /** Progress (the three counters, maybe {@code last_seen}) through {@code _stats}; anything else direct. */
  @Override
  public boolean updateJob(String id, Map<String, ?> fields) throws IOException {
    if (!isStats(fields)) {
      return direct.updateJob(id, fields);
    }
    try {
      call(() -> client.connector().syncJobUpdateStats(b -> {
        b.connectorSyncJobId(id)
            .indexedDocumentCount(number(fields.get("indexed_document_count")))
            .indexedDocumentVolume(number(fields.get("indexed_document_volume")))
            .deletedDocumentCount(number(fields.get("deleted_document_count")));
        if (fields.get("total_document_count") != null) {
          b.totalDocumentCount((int) Math.min(Integer.MAX_VALUE, number(fields.get("total_document_count"))));
        }
        return b; // last_seen: the server sets it to now
      }));
      return true;
    } catch (ElasticsearchException e) {
      if (e.status() == 404) {
        return false;
      }
      throw e;
    }
  }

  /** Whether an unconditional job update is a progress report {@code _stats} can carry. */
  static boolean isStats(Map<String, ?> fields) {
    return STATS_FIELDS.containsAll(fields.keySet()) && !fields.containsKey("metadata")
        && REQUIRED_STATS.stream().allMatch(f -> fields.get(f) instanceof Number);
  }

  private static long number(Object o) {
    return ((Number) o).longValue();
  }

  private static Optional<String> text(JsonNode doc, String field) {
    JsonNode n = doc.get(field);
    return n == null || n.isNull() ? Optional.empty() : Optional.of(n.asText());
  }

  private void perform(Request request) throws IOException {
    request.setOptions(ORIGIN);
    try {
      rest.performRequest(request);
    } catch (ResponseException e) {
      int status = e.getResponse().getStatusLine().getStatusCode();
      if (status == 401 || status == 403) {
        throw new ElasticsearchAccessException("Elasticsearch refused " + request.getMethod() + " " + request.getEndpoint()
            + " (HTTP " + status + "): the api backend needs cluster privilege manage_connector (docs/launcher.md)", e);
      }
      throw e;
    }
  }

  /** A client call; an HTTP 401/403 becomes the one-line access error the CLI prints. */
  private static <T> T call(ClientCall<T> c) throws IOException {
    try {
      return c.run();
    } catch (ElasticsearchException e) {
      if (e.status() == 401 || e.status() == 403) {
        throw new ElasticsearchAccessException("Elasticsearch refused a _connector API call (HTTP " + e.status() + ": "
            + e.getMessage() + "): the api backend needs cluster privilege manage_connector (docs/launcher.md)", e);
      }
      throw e;
    }
  }

  @FunctionalInterface
  private interface ClientCall<T> {
    T run() throws IOException;
  }

  private static String encode(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public void close() throws IOException {
    try {
      rest.close();
    } finally {
      direct.close();
    }
  }
}
