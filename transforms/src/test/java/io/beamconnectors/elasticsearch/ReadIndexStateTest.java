package io.beamconnectors.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.http.HttpHost;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;

class ReadIndexStateTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aPageWithFailedShardsFailsTheReadInsteadOfReadingAsASmallerIndex() throws Exception {
    IOException e = assertThrows(IOException.class, () -> ReadIndexState.checkShards(JSON.readTree(
        "{\"_shards\":{\"total\":2,\"successful\":1,\"failed\":1,\"failures\":[{\"reason\":{\"type\":\"node_closed\",\"reason\":\"gone\"}}]},"
            + "\"hits\":{\"hits\":[]}}")));
    assertTrue(e.getMessage().contains("1 shard(s)") && e.getMessage().contains("node_closed"), e.getMessage());
    ReadIndexState.checkShards(JSON.readTree("{\"_shards\":{\"total\":2,\"successful\":2,\"failed\":0}}"));
  }

  /** A FAKE endpoint (failure injection): answers 429 twice, then 200; or always 400. */
  private static HttpServer fake(int throttled, int status, AtomicInteger calls) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext("/", ex -> {
      ex.getRequestBody().readAllBytes();
      int n = calls.incrementAndGet();
      int code = n <= throttled ? 429 : status;
      byte[] b = "{}".getBytes();
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(code, b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    });
    s.start();
    return s;
  }

  @Test
  void throttledPagesAreAskedAgainAndOtherErrorsAreNot() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HttpServer s = fake(2, 200, calls);
    try (RestClient c = RestClient.builder(new HttpHost("127.0.0.1", s.getAddress().getPort())).build()) {
      assertEquals(200, ReadIndexState.performWithRetry(c, new Request("POST", "/_search")).getStatusLine().getStatusCode());
      assertEquals(3, calls.get());
    } finally {
      s.stop(0);
    }
    AtomicInteger bad = new AtomicInteger();
    HttpServer s2 = fake(0, 400, bad);
    try (RestClient c = RestClient.builder(new HttpHost("127.0.0.1", s2.getAddress().getPort())).build()) {
      assertThrows(ResponseException.class, () -> ReadIndexState.performWithRetry(c, new Request("POST", "/_search")));
      assertEquals(1, bad.get());
    } finally {
      s2.stop(0);
    }
  }
}
