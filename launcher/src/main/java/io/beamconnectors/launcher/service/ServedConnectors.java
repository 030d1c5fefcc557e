package io.beamconnectors.launcher.service;

import io.beamconnectors.launcher.config.LauncherConfig;
import io.beamconnectors.launcher.protocol.ConnectorDocument;
import io.beamconnectors.launcher.protocol.ConnectorsProtocol;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connectors this launcher serves: those listed under {@code connectors:} in config.yml, or,
 * when the list is empty, every connector whose service type is a registered source. Deleted
 * ({@code deleted: true}) connectors are never served. Problems are logged once per connector.
 */
public final class ServedConnectors {
  private static final Logger LOG = LoggerFactory.getLogger(ServedConnectors.class);

  private final LauncherConfig config;
  private final ConnectorsProtocol protocol;
  private final Set<String> warned = new HashSet<>();

  public ServedConnectors(LauncherConfig config, ConnectorsProtocol protocol) {
    this.config = config;
    this.protocol = protocol;
  }

  public List<ConnectorDocument> list() throws IOException {
    List<String> ids = config.servedConnectorIds();
    List<ConnectorDocument> all = protocol.connectors(ids);
    List<ConnectorDocument> out = new ArrayList<>();
    Set<String> found = new HashSet<>();
    for (ConnectorDocument c : all) {
      found.add(c.id());
      if (c.deleted()) {
        continue;
      }
      String type = c.serviceType();
      if (type != null && !config.sourceRegistry().serviceTypes().containsKey(type)) {
        if (ids != null && warned.add(c.id() + "/type")) {
          LOG.warn("Connector {} has service_type '{}', which is not a registered source: add it under 'sources'"
              + " in config.yml", c.id(), type);
        }
        continue;
      }
      out.add(c);
    }
    if (ids != null) {
      for (String id : ids) {
        if (!found.contains(id) && warned.add(id + "/missing")) {
          LOG.warn("Connector {} from config.yml does not exist: create it in Kibana or with"
              + " `launcher connector create --id {} ...`", id, id);
        }
      }
    }
    return out;
  }

  public List<String> ids() throws IOException {
    return list().stream().map(ConnectorDocument::id).toList();
  }
}
