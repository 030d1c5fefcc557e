package io.beamconnectors.launcher.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The connector protocol: reads and writes of connector and sync-job documents. Two backends
 * implement it ({@code direct}: the {@code .elastic-connectors*} indices; {@code api}: the
 * {@code _connector} API where it has the call). Every request carries
 * {@code X-elastic-product-origin: connectors}. Field maps use the protocol's field names.
 */
public interface ConnectorsProtocol extends AutoCloseable {

  /** {@code direct} or {@code api}. */
  String backend();

  /** Makes sure the connector and sync-job indices exist (creates them where the backend may). */
  void ensureIndices() throws IOException;

  Optional<ConnectorDocument> connector(String id) throws IOException;

  /** Connectors with these ids, or every connector when {@code ids} is null; deleted ones included. */
  List<ConnectorDocument> connectors(Collection<String> ids) throws IOException;

  /** Creates a connector document; a {@link ConcurrentUpdateException} if the id exists. */
  void createConnector(String id, ObjectNode document) throws IOException, ConcurrentUpdateException;

  /** Partial update that only applies if the document is unchanged since {@code read}. */
  void updateConnector(ConnectorDocument read, Map<String, ?> fields) throws IOException, ConcurrentUpdateException;

  /** Partial update, last writer wins (heartbeats, status after a check). */
  void updateConnector(String id, Map<String, ?> fields) throws IOException;

  /** Removes a connector document for good (the soft delete is {@code deleted: true}); false if absent. */
  boolean deleteConnectorDocument(String id) throws IOException;

  /** Creates a pending job with a snapshot of the connector; returns its id. */
  String createJob(ConnectorDocument connector, JobType type, TriggerMethod trigger) throws IOException;

  Optional<SyncJob> job(String id) throws IOException;

  List<SyncJob> jobs(JobQuery query) throws IOException;

  /** Partial update that only applies if the job is unchanged since {@code read}. */
  void updateJob(SyncJob read, Map<String, ?> fields) throws IOException, ConcurrentUpdateException;

  /** Partial update, last writer wins; false if the job document is gone. */
  boolean updateJob(String id, Map<String, ?> fields) throws IOException;

  @Override
  void close() throws IOException;
}
