package io.beamconnectors.ftest.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import io.beamconnectors.ftest.support.FixtureEnv;
import io.beamconnectors.launcher.protocol.ApiProtocol;
import io.beamconnectors.launcher.protocol.ConnectorApiProbe;
import io.beamconnectors.launcher.protocol.ConnectorDocument;
import io.beamconnectors.launcher.protocol.ConnectorsProtocol;
import io.beamconnectors.launcher.protocol.ElasticsearchAccessException;
import io.beamconnectors.launcher.protocol.JobQuery;
import io.beamconnectors.launcher.protocol.JobStatus;
import io.beamconnectors.launcher.protocol.JobType;
import io.beamconnectors.launcher.protocol.ProtocolBackends;
import io.beamconnectors.launcher.protocol.SyncJob;
import io.beamconnectors.launcher.protocol.TriggerMethod;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;

/**
 * The protocol backends against real Elasticsearch. The fixture (the integ-test distribution,
 * 8.19 and 9.2.0 alike) has no ent-search module and so no {@code _connector} API: there the probe
 * says so, {@code auto} picks {@code direct} and {@code api} is refused with the fix. The
 * {@code api} backend itself runs against a cluster that serves the API, given by
 * {@code BC_ES_API_URL} and {@code BC_ES_API_KEY} (an encoded API key with cluster
 * {@code manage_connector} + {@code monitor} and {@code all} on {@code .elastic-connectors*} with
 * restricted indices allowed); without them that case is SKIPPED, never passed.
 */
class ConnectorApiFtest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ElasticsearchConnection fixture() {
    return ElasticsearchConnection.of(FixtureEnv.require("BC_ES_URL", "elasticsearch"), null)
        .withBasicAuth(FixtureEnv.get("BC_ES_USERNAME", "elastic"), FixtureEnv.require("BC_ES_PASSWORD", "elasticsearch"));
  }

  private static JsonNode get(RestClient client, String path) throws Exception {
    Response r = client.performRequest(new Request("GET", path));
    return JSON.readTree(r.getEntity().getContent());
  }

  @Test
  void theTestDistributionHasNoConnectorApiSoAutoUsesDirectAndApiIsRefused() throws Exception {
    ElasticsearchConnection es = fixture();
    String version;
    ConnectorApiProbe.Result probe;
    try (RestClient client = es.createClient()) {
      version = get(client, "/").path("version").path("number").asText();
      probe = ConnectorApiProbe.probe(client);
    }
    System.out.println("ConnectorApiFtest runs against Elasticsearch " + version + ": " + probe);
    assertFalse(probe.available(), "the integ-test distribution " + version + " serves _connector: " + probe.reason());
    assertTrue(probe.reason().contains("no _connector API"), probe.reason());
    try (ConnectorsProtocol auto = ProtocolBackends.open("auto", es)) {
      assertEquals("direct", auto.backend());
    }
    ElasticsearchAccessException refused = assertThrows(ElasticsearchAccessException.class,
        () -> ProtocolBackends.open("api", es).close());
    assertTrue(refused.getMessage().contains("use protocol direct"), refused.getMessage());
  }

  @Test
  void apiBackendAgainstAClusterThatServesTheConnectorApi() throws Exception {
    String url = System.getenv("BC_ES_API_URL");
    String key = System.getenv("BC_ES_API_KEY");
    assumeTrue(url != null && !url.isBlank() && key != null && !key.isBlank(), "BC_ES_API_URL/BC_ES_API_KEY are not set:"
        + " the _connector API needs an Elasticsearch with the ent-search module, which cannot run here (the integ-test"
        + " distribution lacks it); the api backend is not tested");
    ElasticsearchConnection es = ElasticsearchConnection.of(url, null).withApiKey(key);
    String id = "bc-api-ftest-" + Long.toString(System.nanoTime(), 36);
    try (ConnectorsProtocol api = ProtocolBackends.open("auto", es); RestClient client = es.createClient()) {
      assertEquals("api", api.backend(), "auto picks api where the API is served");
      ObjectNode doc = JSON.createObjectNode();
      doc.put("index_name", "search-" + id);
      doc.put("name", "API ftest Zürich");
      doc.put("service_type", "postgresql");
      ObjectNode field = doc.putObject("configuration").putObject("host");
      field.put("label", "Host");
      field.put("value", "db.example.com");
      field.put("type", "str");
      field.put("display", "textbox");
      field.put("order", 1);
      field.put("required", true);
      field.put("sensitive", false);
      api.createConnector(id, doc);
      JsonNode created = get(client, "/_connector/" + id);
      assertEquals("search-" + id, created.path("index_name").asText());
      assertEquals("postgresql", created.path("service_type").asText());
      assertEquals("db.example.com", created.path("configuration").path("host").path("value").asText());
      assertEquals("configured", created.path("status").asText());

      api.updateConnector(id, Map.of("last_seen", Instant.now().toString()));
      assertNotNull(get(client, "/_connector/" + id).path("last_seen").textValue(), "_check_in wrote last_seen");
      Map<String, Object> lastSync = new LinkedHashMap<>();
      lastSync.put("last_sync_status", "completed");
      lastSync.put("last_indexed_document_count", 7);
      lastSync.put("status", "connected");
      lastSync.put("error", null);
      api.updateConnector(id, lastSync);
      JsonNode after = get(client, "/_connector/" + id);
      assertEquals("completed", after.path("last_sync_status").asText());
      assertEquals(7, after.path("last_indexed_document_count").asLong());
      assertEquals("connected", after.path("status").asText());

      ConnectorDocument c = api.connector(id).orElseThrow();
      String jobId = api.createJob(c, JobType.FULL, TriggerMethod.ON_DEMAND);
      SyncJob job = api.job(jobId).orElseThrow();
      assertEquals(JobStatus.PENDING, job.status());
      assertEquals(id, job.connectorId());
      assertEquals("db.example.com", job.source().path("connector").path("configuration").path("host").path("value").asText(),
          "the server snapshots the connector");
      api.updateJob(job, Map.of("status", "in_progress", "worker_hostname", "ftest"));
      Map<String, Object> stats = new LinkedHashMap<>();
      stats.put("indexed_document_count", 5);
      stats.put("indexed_document_volume", 1);
      stats.put("deleted_document_count", 2);
      stats.put("last_seen", Instant.now().toString());
      assertTrue(api.updateJob(jobId, stats));
      SyncJob reported = api.job(jobId).orElseThrow();
      assertEquals(5, reported.counter("indexed_document_count"));
      assertEquals(2, reported.counter("deleted_document_count"));
      assertEquals(List.of(jobId), api.jobs(JobQuery.withStatuses(Set.of(JobStatus.IN_PROGRESS)).forConnectors(List.of(id)))
          .stream().map(SyncJob::id).toList());
      api.updateJob(jobId, Map.of("status", "canceled"));

      api.updateConnector(id, Map.of("deleted", true));
      assertTrue(api.connector(id).orElseThrow().deleted(), "soft delete keeps the document");
    } finally {
      try (ConnectorsProtocol cleanup = new ApiProtocol(es)) {
        cleanup.deleteConnectorDocument(id);
      }
    }
  }
}
