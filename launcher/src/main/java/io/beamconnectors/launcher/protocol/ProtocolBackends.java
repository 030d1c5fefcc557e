package io.beamconnectors.launcher.protocol;

import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import java.io.IOException;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the backend {@code elasticsearch.protocol} names: {@code direct}, {@code api}, or
 * {@code auto}, which probes the {@code _connector} API once and uses {@code api} where it is
 * served, else {@code direct} (saying why at INFO).
 */
public final class ProtocolBackends {
  private static final Logger LOG = LoggerFactory.getLogger(ProtocolBackends.class);

  private ProtocolBackends() {}

  public static ConnectorsProtocol open(String protocol, ElasticsearchConnection connection) throws IOException {
    switch (protocol) {
      case "direct":
        return new DirectProtocol(connection);
      case "api":
        return new ApiProtocol(connection);
      case "auto":
        ConnectorApiProbe.Result probe;
        try (RestClient client = connection.createClient()) {
          probe = probeOrAccessError(client, connection);
        }
        if (probe.available()) {
          LOG.info("elasticsearch.protocol auto: the _connector API is served, using the api backend");
          return new ApiProtocol(connection);
        }
        LOG.info("elasticsearch.protocol auto: using the direct backend because {}", probe.reason());
        return new DirectProtocol(connection);
      default:
        throw new IllegalArgumentException("elasticsearch.protocol '" + protocol + "' is not one of direct, api, auto");
    }
  }

  private static ConnectorApiProbe.Result probeOrAccessError(RestClient client, ElasticsearchConnection connection)
      throws IOException {
    try {
      return ConnectorApiProbe.probe(client);
    } catch (java.net.ConnectException e) {
      throw new ElasticsearchAccessException("Cannot connect to Elasticsearch at " + String.join(",", connection.urls())
          + " (" + e.getMessage() + "): check elasticsearch.host in config.yml and that Elasticsearch is running", e);
    }
  }
}
