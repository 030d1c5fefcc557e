package io.beamconnectors.ftest.support;

import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import java.io.IOException;
import org.elasticsearch.client.RestClient;

/**
 * A test's own index on the fixture's Elasticsearch: created empty (with the content index's
 * mappings) when opened, deleted with its client when closed. Open it in {@code @BeforeEach} and
 * close it in {@code @AfterEach}.
 */
public final class ScratchIndex implements AutoCloseable {
  private final ElasticsearchConnection connection;
  private final RestClient client;

  private ScratchIndex(ElasticsearchConnection connection, RestClient client) {
    this.connection = connection;
    this.client = client;
  }

  /** Deletes {@code index} if it exists and creates it again, empty. */
  public static ScratchIndex recreate(String index) throws IOException {
    ElasticsearchConnection connection = IndexInspector.connection(index);
    RestClient client = connection.createClient();
    try {
      IndexInspector.recreate(connection, null);
    } catch (IOException | RuntimeException e) {
      client.close();
      throw e;
    }
    return new ScratchIndex(connection, client);
  }

  public ElasticsearchConnection connection() {
    return connection;
  }

  public RestClient client() {
    return client;
  }

  @Override
  public void close() throws IOException {
    try {
      IndexInspector.delete(connection);
    } finally {
      client.close();
    }
  }
}
