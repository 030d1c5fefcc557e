package io.beamconnectors.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.http.HttpHost;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.joda.time.Instant;
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

  /**
   * A FAKE search endpoint that records each request body and answers with two pages of two
   * hits, then an empty page: what a slice asks for, and what it hands on.
   */
  private static List<String> readSlice(boolean tokens, List<KV<String, IndexedState>> out) throws Exception {
    List<String> bodies = new ArrayList<>();
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext("/", ex -> {
      bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      String hits = switch (bodies.size()) {
        case 1 -> "{\"fields\":{\"id\":[\"a\"],\"_scope\":[\"t/1\"]" + (tokens ? ",\"_token\":[\"#a\"]" : "") + "},\"sort\":[5]},"
            + "{\"fields\":{\"_scope\":[\"t/1\"]},\"sort\":[6]}";
        case 2 -> "{\"fields\":{\"id\":[\"\"],\"_scope\":[\"t/2\"]},\"sort\":[7]},{\"fields\":{\"id\":[\"0\"]},\"sort\":[8]}";
        default -> "";
      };
      byte[] b = ("{\"pit_id\":\"pit-" + bodies.size() + "\",\"_shards\":{\"failed\":0},\"hits\":{\"hits\":[" + hits + "]}}")
          .getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(b);
      }
    });
    s.start();
    ReadIndexState.ReadSliceFn fn = new ReadIndexState.ReadSliceFn(
        ElasticsearchConnection.of("http://127.0.0.1:" + s.getAddress().getPort(), "content"), 2, 2, "1m", tokens);
    try {
      fn.setup();
      fn.process(KV.of("pit-0", 1), new DoFn.OutputReceiver<>() {
        @Override
        public void output(KV<String, IndexedState> v) {
          out.add(v);
        }

        @Override
        public void outputWithTimestamp(KV<String, IndexedState> v, Instant t) {
          out.add(v);
        }
      });
    } finally {
      fn.teardown();
      s.stop(0);
    }
    return bodies;
  }

  @Test
  void aSlicePagesOnFromTheLastSortAndHandsOnOnlyHitsWithAnId() throws Exception {
    List<KV<String, IndexedState>> out = new ArrayList<>();
    List<String> bodies = readSlice(true, out);
    assertEquals(List.of(KV.of("a", new IndexedState("#a", "t/1")), KV.of("", new IndexedState(null, "t/2")),
        KV.of("0", new IndexedState(null, ""))), out);
    assertEquals(3, bodies.size(), bodies.toString());
    com.fasterxml.jackson.databind.JsonNode first = JSON.readTree(bodies.get(0));
    assertEquals("[\"id\",\"_scope\",\"_token\"]", first.path("docvalue_fields").toString());
    assertEquals("{\"id\":1,\"max\":2}", first.path("slice").toString());
    assertTrue(first.path("search_after").isMissingNode());
    assertEquals("pit-0", first.path("pit").path("id").asText());
    // Each next page starts after the last hit's sort values, on the point in time the page before returned.
    assertEquals("[6]", JSON.readTree(bodies.get(1)).path("search_after").toString());
    assertEquals("pit-1", JSON.readTree(bodies.get(1)).path("pit").path("id").asText());
    assertEquals("[8]", JSON.readTree(bodies.get(2)).path("search_after").toString());
  }

  @Test
  void withoutTokensASliceAsksForNoTokens() throws Exception {
    List<KV<String, IndexedState>> out = new ArrayList<>();
    List<String> bodies = readSlice(false, out);
    for (String body : bodies) {
      assertEquals("[\"id\",\"_scope\"]", JSON.readTree(body).path("docvalue_fields").toString());
    }
    assertEquals(List.of(KV.of("a", new IndexedState("", "t/1")), KV.of("", new IndexedState("", "t/2")),
        KV.of("0", new IndexedState("", ""))), out);
  }
}
