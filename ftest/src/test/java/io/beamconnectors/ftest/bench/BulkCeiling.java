package io.beamconnectors.ftest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.elasticsearch.ContentIndex;
import io.beamconnectors.elasticsearch.ElasticsearchConnection;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.apache.http.entity.ContentType;
import org.apache.http.nio.entity.NStringEntity;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;

/**
 * The benchmark's ceiling: the same rows bulk-loaded straight into Elasticsearch by a plain
 * client (500 documents per request, the same number of requests in flight), no Beam, no index
 * state, no diffing. Prints one JSON line: {"docs": N, "seconds": S}.
 * Args: jdbcUrl user table esIndex parallelRequests (ES and PG credentials from BC_* env).
 */
public final class BulkCeiling {
  private static final ObjectMapper JSON = new ObjectMapper();

  private BulkCeiling() {}

  public static void main(String[] args) throws Exception {
    String jdbcUrl = args[0];
    String user = args[1];
    String table = args[2];
    String index = args[3];
    int parallel = Integer.parseInt(args[4]);
    ElasticsearchConnection es = ElasticsearchConnection.of(System.getenv("BC_ES_URL"), index)
        .withBasicAuth(System.getenv("BC_ES_USERNAME"), System.getenv("BC_ES_PASSWORD"));
    try (ContentIndex ci = new ContentIndex(es)) {
      ci.delete();
      ci.ensureExists(null);
    }
    long start = System.nanoTime();
    long docs = 0;
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    Semaphore inFlight = new Semaphore(parallel);
    List<Future<?>> futures = new ArrayList<>();
    try (RestClient client = es.createClient();
        Connection c = DriverManager.getConnection(jdbcUrl, user, System.getenv("BC_PG_PASSWORD"))) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.setFetchSize(1000);
        try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
          ResultSetMetaData md = rs.getMetaData();
          StringBuilder body = new StringBuilder();
          int inBatch = 0;
          while (rs.next()) {
            ObjectNode doc = JSON.createObjectNode();
            for (int i = 1; i <= md.getColumnCount(); i++) {
              Object v = rs.getObject(i);
              doc.put(table.replace('.', '_') + "_" + md.getColumnLabel(i), v == null ? null : v.toString());
            }
            String id = "ceiling_" + rs.getString(1);
            doc.put("id", id);
            body.append("{\"index\":{\"_id\":").append(JSON.writeValueAsString(id)).append("}}\n")
                .append(doc).append('\n');
            docs++;
            if (++inBatch == 500) {
              futures.add(send(pool, inFlight, client, index, body.toString()));
              body.setLength(0);
              inBatch = 0;
            }
          }
          if (inBatch > 0) {
            futures.add(send(pool, inFlight, client, index, body.toString()));
          }
        }
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.println(JSON.createObjectNode().put("docs", docs).put("seconds", seconds));
  }

  private static Future<?> send(ExecutorService pool, Semaphore inFlight, RestClient client, String index, String body)
      throws InterruptedException {
    inFlight.acquire();
    return pool.submit(() -> {
      try {
        Request r = new Request("POST", "/" + index + "/_bulk");
        r.setEntity(new NStringEntity(body, ContentType.create("application/x-ndjson")));
        try (InputStream in = client.performRequest(r).getEntity().getContent()) {
          JsonNode resp = JSON.readTree(in);
          if (resp.path("errors").asBoolean()) {
            throw new IllegalStateException("bulk errors in the ceiling run");
          }
        }
        return null;
      } finally {
        inFlight.release();
      }
    });
  }
}
