package io.beamconnectors.launcher.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamconnectors.launcher.config.LauncherConfig;
import io.beamconnectors.launcher.protocol.ConcurrentUpdateException;
import io.beamconnectors.launcher.protocol.ConnectorDocument;
import io.beamconnectors.launcher.protocol.ConnectorStatus;
import io.beamconnectors.launcher.protocol.ConnectorsProtocol;
import io.beamconnectors.launcher.protocol.DirectProtocol;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.Secrets;
import io.beamconnectors.sources.SourceConnector;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Connector check-in and health, once per {@code idling}: {@code last_seen} at most every
 * {@code heartbeat}; an empty configuration gets the source's defaults and
 * {@code needs_configuration}; a configured connector is validated and pinged when its
 * configuration changed, when it is not yet {@code connected}, or every {@code heartbeat}, and
 * flips to {@code connected} or to {@code error} with a message naming the field or the failure.
 */
public final class ConnectorCheck {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectorCheck.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LauncherConfig config;
  private final ConnectorsProtocol protocol;
  private final ServedConnectors served;
  private final List<String> launcherSecrets;
  /** Per connector: the configuration last checked and when. */
  private final Map<String, String> checkedConfiguration = new HashMap<>();
  private final Map<String, Instant> checkedAt = new HashMap<>();

  public ConnectorCheck(LauncherConfig config, ConnectorsProtocol protocol, ServedConnectors served) {
    this.config = config;
    this.protocol = protocol;
    this.served = served;
    this.launcherSecrets = config.elasticsearch().connection().secrets();
  }

  public void round() throws IOException {
    for (ConnectorDocument c : served.list()) {
      MDC.put("connector_id", c.id());
      try {
        check(c);
      } catch (IOException | RuntimeException e) {
        LOG.warn("Checking connector {} failed: {}", c.id(), Secrets.describe(e, JobSecrets.of(c.configuration(), launcherSecrets)));
      } finally {
        MDC.remove("connector_id");
      }
    }
  }

  private void check(ConnectorDocument c) throws IOException {
    Instant now = Instant.now();
    Duration heartbeat = config.service().heartbeat();
    if (c.lastSeen() == null || c.lastSeen().isBefore(now.minus(heartbeat))) {
      protocol.updateConnector(c.id(), Map.of("last_seen", DirectProtocol.now()));
    }
    String type = c.serviceType();
    if (type == null) {
      type = config.connectors().stream().filter(e -> e.connectorId().equals(c.id()) && e.serviceType() != null)
          .map(LauncherConfig.ConnectorEntry::serviceType).findFirst().orElse(null);
    }
    if (type == null) {
      return;
    }
    SourceConnector source;
    try {
      source = config.sourceRegistry().create(type);
    } catch (ConfigurationException e) {
      setError(c, e.getMessage());
      return;
    }
    if (c.configurationEmpty()) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("configuration", source.configurationSpec().toReferenceFormat());
      fields.put("service_type", type);
      fields.put("status", ConnectorStatus.NEEDS_CONFIGURATION.wire());
      try {
        protocol.updateConnector(c, fields);
        LOG.info("Connector {} had no configuration: wrote the {} defaults, status needs_configuration", c.id(), type);
      } catch (ConcurrentUpdateException e) {
        LOG.debug("Connector {} changed while its defaults were written; next round", c.id());
      }
      return;
    }
    ConnectorStatus status = c.status();
    if (status == null || status == ConnectorStatus.CREATED || status == ConnectorStatus.NEEDS_CONFIGURATION) {
      return;
    }
    String configurationText = c.configuration().toString();
    boolean changed = !Objects.equals(checkedConfiguration.get(c.id()), configurationText);
    Instant last = checkedAt.get(c.id());
    boolean due = last == null || last.isBefore(now.minus(heartbeat));
    if (!changed && !due && status == ConnectorStatus.CONNECTED) {
      return;
    }
    if (!changed && !due && status == ConnectorStatus.ERROR) {
      return;
    }
    checkedConfiguration.put(c.id(), configurationText);
    checkedAt.put(c.id(), now);
    List<String> secrets = JobSecrets.of(c.configuration(), launcherSecrets);
    try {
      ConnectorConfiguration configuration = source.configuration(JSON.convertValue(c.configuration(), Map.class));
      source.validate(configuration);
      secrets.addAll(Secrets.of(configuration));
      source.ping(configuration);
    } catch (ConfigurationException e) {
      setError(c, Secrets.redact(e.getMessage(), secrets));
      return;
    } catch (Exception e) {
      setError(c, "The source did not answer its check: " + Secrets.describe(e, secrets));
      return;
    }
    if (status != ConnectorStatus.CONNECTED || c.error() != null) {
      Map<String, Object> fields = new HashMap<>();
      fields.put("status", ConnectorStatus.CONNECTED.wire());
      fields.put("error", null);
      protocol.updateConnector(c.id(), fields);
      LOG.info("Connector {} is connected", c.id());
    }
  }

  private void setError(ConnectorDocument c, String message) throws IOException {
    if (c.status() == ConnectorStatus.ERROR && message.equals(c.error())) {
      return;
    }
    Map<String, Object> fields = new HashMap<>();
    fields.put("status", ConnectorStatus.ERROR.wire());
    fields.put("error", message);
    protocol.updateConnector(c.id(), fields);
    LOG.warn("Connector {} is in error: {}", c.id(), message);
  }
}
