package io.beamconnectors.ftest.flinkcluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.ftest.support.FixtureEnv;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * One Elasticsearch index read over plain HTTP, independent of the engine's own client code (which
 * other work changes concurrently): every document, and the index's own write counters.
 */
final class SearchIndex {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@code _stats} totals over primaries: index operations and delete operations ever applied. */
  record WriteTotals(long indexed, long deleted) {}

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private final String authorization;
  private final String name;

  SearchIndex(String name) {
    this.baseUrl = FixtureEnv.require("BC_ES_URL", "elasticsearch").replaceAll("/+$", "");
    String user = FixtureEnv.require("BC_ES_USERNAME", "elasticsearch");
    String password = FixtureEnv.require("BC_ES_PASSWORD", "elasticsearch");
    this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    this.name = name;
  }

  String name() {
    return name;
  }

  private HttpResponse<String> send(String method, String path, String body) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(Duration.ofSeconds(60))
        .header("Authorization", authorization)
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + method + " " + path, e);
    }
  }

  private JsonNode call(String method, String path, String body) throws IOException {
    HttpResponse<String> r = send(method, path, body);
    if (r.statusCode() / 100 != 2) {
      throw new IOException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private String path(String suffix) {
    return "/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + suffix;
  }

  boolean exists() throws IOException {
    return send("HEAD", path(""), null).statusCode() == 200;
  }

  void delete() throws IOException {
    HttpResponse<String> r = send("DELETE", path(""), null);
    if (r.statusCode() != 200 && r.statusCode() != 404) {
      throw new IOException("DELETE " + name + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  /** Every document's {@code _source} by {@code _id} (checked equal to its {@code id}), after a refresh. */
  Map<String, JsonNode> documents() throws IOException {
    call("POST", path("/_refresh"), null);
    Map<String, JsonNode> out = new TreeMap<>();
    JsonNode after = null;
    while (true) {
      ObjectNode body = JSON.createObjectNode();
      body.put("size", 2000);
      body.putArray("sort").addObject().put("id", "asc"); // _id has no doc values in 8.x; id is its keyword copy
      if (after != null) {
        body.set("search_after", after);
      }
      JsonNode hits = call("POST", path("/_search"), body.toString()).path("hits").path("hits");
      if (hits.isEmpty()) {
        return out;
      }
      for (JsonNode h : hits) {
        if (!h.path("_id").asText().equals(h.path("_source").path("id").asText())) {
          throw new AssertionError("_id and id differ in " + name + ": " + h);
        }
        out.put(h.path("_id").asText(), h.path("_source"));
      }
      after = hits.get(hits.size() - 1).path("sort");
    }
  }

  /** Document ids only. */
  java.util.Set<String> ids() throws IOException {
    return new java.util.TreeSet<>(documents().keySet());
  }

  /** The index's own counters: they move with every write that reaches it, refreshed or not. */
  WriteTotals writeTotals() throws IOException {
    JsonNode p = call("GET", path("/_stats/indexing"), null).path("_all").path("primaries").path("indexing");
    return new WriteTotals(p.path("index_total").asLong(), p.path("delete_total").asLong());
  }
}
