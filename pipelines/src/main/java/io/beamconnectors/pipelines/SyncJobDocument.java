package io.beamconnectors.pipelines;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import io.beamconnectors.sources.ConfigurationException;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RequestOptions;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

/**
 * What a job-driven sync reads from its sync-job document: the connector snapshot's service type,
 * content index and configuration (the connector document form, {@code {"field": {"value": ...}}}).
 * {@link #toString()} shows no configuration values.
 */
public record SyncJobDocument(String jobId, String connectorId, String serviceType, String indexName,
    Map<String, Object> configuration) {

  /** Alias of the sync-job index (the reference's name). */
  public static final String JOBS_INDEX = ".elastic-connectors-sync-jobs";
  /** Header the connectors service sends on every request (system indices need it on 9.x). */
  public static final String ORIGIN_HEADER = "X-elastic-product-origin";
  public static final String ORIGIN = "connectors";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads the job document through {@code es} (its index is ignored). */
  public static SyncJobDocument read(ElasticsearchConnection es, String jobId) throws IOException {
    if (jobId == null || jobId.isBlank()) {
      throw new ConfigurationException("--syncJobId is empty: pass the id of a sync-job document");
    }
    try (RestClient client = es.createClient()) {
      Request get = new Request("GET", "/" + JOBS_INDEX + "/_doc/" + URLEncoder.encode(jobId, StandardCharsets.UTF_8));
      get.setOptions(RequestOptions.DEFAULT.toBuilder().addHeader(ORIGIN_HEADER, ORIGIN));
      Response r;
      try {
        r = client.performRequest(get);
      } catch (ResponseException e) {
        int status = e.getResponse().getStatusLine().getStatusCode();
        if (status == 404) {
          throw new ConfigurationException("sync job '" + jobId + "' does not exist in " + JOBS_INDEX
              + ": check --syncJobId");
        }
        throw new IOException("Reading sync job '" + jobId + "' failed with HTTP " + status, null);
      }
      JsonNode doc = JSON.readTree(r.getEntity().getContent());
      return fromSource(jobId, doc.path("_source"));
    }
  }

  /** Reads the fields from a job document's {@code _source}. */
  public static SyncJobDocument fromSource(String jobId, JsonNode source) {
    JsonNode connector = source.path("connector");
    String serviceType = connector.path("service_type").asText("");
    String index = connector.path("index_name").asText("");
    if (serviceType.isEmpty()) {
      throw new ConfigurationException("sync job '" + jobId + "' has no connector.service_type: the connector"
          + " had no service_type when the job was created; set it and request a new sync");
    }
    if (index.isEmpty()) {
      throw new ConfigurationException("sync job '" + jobId + "' has no connector.index_name: set the"
          + " connector's index_name and request a new sync");
    }
    Map<String, Object> configuration = connector.path("configuration").isObject()
        ? JSON.convertValue(connector.path("configuration"), new TypeReference<Map<String, Object>>() {})
        : Map.of();
    return new SyncJobDocument(jobId, connector.path("id").asText(""), serviceType, index, configuration);
  }

  @Override
  public String toString() {
    return "SyncJobDocument{job=" + jobId + ", connector=" + connectorId + ", service_type=" + serviceType
        + ", index=" + indexName + ", fields=" + configuration.keySet() + "}";
  }
}
