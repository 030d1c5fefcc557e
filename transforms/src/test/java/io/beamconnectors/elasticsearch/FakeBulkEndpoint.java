package io.beamconnectors.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A FAKE Elasticsearch bulk endpoint, for failure injection only: a real server cannot be made to
 * answer a whole bulk request with 429/503 or 413 on demand. It answers {@code POST /_bulk}: the
 * first {@code failFirst} requests with {@code wholeRequestStatus}, a request larger than
 * {@code maxRequestBytes} with 413, every other request item by item (index -> 201, delete ->
 * 200, or 404 when the id was never indexed), and records the ids it accepted and the bytes of the
 * document lines it indexed, per id: a document that arrives twice (a request the fake answered
 * but the writer saw fail, and sent again: at least once, as against a real server) counts once,
 * as the writer acknowledges it once.
 */
final class FakeBulkEndpoint implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private final int failFirst;
  private final int wholeRequestStatus;
  private final long maxRequestBytes;
  final List<String> indexed = Collections.synchronizedList(new ArrayList<>());
  final List<String> deleted = Collections.synchronizedList(new ArrayList<>());
  private final ConcurrentHashMap<String, Long> documentBytesById = new ConcurrentHashMap<>();
  /** The ids of every bulk request, in arrival order (refused ones too). */
  private final List<List<String>> requestIds = Collections.synchronizedList(new ArrayList<>());
  /** When each bulk request arrived ({@code System.nanoTime}), in the order its number was given. */
  private final ConcurrentHashMap<Integer, Long> arrivals = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Boolean> known = new ConcurrentHashMap<>();
  private final AtomicInteger atOnce = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();
  private volatile long delayMillis;

  FakeBulkEndpoint(int failFirst, int wholeRequestStatus, long maxRequestBytes) throws IOException {
    this.failFirst = failFirst;
    this.wholeRequestStatus = wholeRequestStatus;
    this.maxRequestBytes = maxRequestBytes;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", ex -> {
      mostAtOnce.accumulateAndGet(atOnce.incrementAndGet(), Math::max);
      try {
        if (delayMillis > 0) {
          Thread.sleep(delayMillis);
        }
        handle(ex);
      } catch (IOException | RuntimeException | InterruptedException e) {
        send(ex, 500, "{\"error\":\"fake endpoint failed: " + e.getClass().getSimpleName() + "\"}");
      } finally {
        atOnce.decrementAndGet();
      }
    });
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(32));
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  int requests() {
    return requests.get();
  }

  /** Answers every bulk request this much later (a slow cluster). */
  void delayAnswers(long millis) {
    delayMillis = millis;
  }

  /** The most bulk requests that were being answered at one time. */
  int mostAtOnce() {
    return mostAtOnce.get();
  }

  /** How many entries each bulk request that carried {@code id} held, refused requests included. */
  List<Integer> entriesOfRequestsWith(String id) {
    synchronized (requestIds) {
      return requestIds.stream().filter(ids -> ids.contains(id)).map(List::size).toList();
    }
  }

  /** The milliseconds between the arrival of request {@code first} and request {@code second} (numbered from 1). */
  long millisBetween(int first, int second) {
    return (arrivals.get(second) - arrivals.get(first)) / 1_000_000;
  }

  /** The bytes of the document lines indexed, each id's last one once. */
  long documentBytes() {
    return documentBytesById.values().stream().mapToLong(Long::longValue).sum();
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
      // The request size that matters for the 413 rule is the uncompressed one, as in Elasticsearch.
      body = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes();
    }
    int n = requests.incrementAndGet();
    arrivals.put(n, System.nanoTime());
    if (!ex.getRequestURI().getPath().endsWith("/_bulk")) {
      send(ex, 404, "{}");
      return;
    }
    String[] lines = new String(body, StandardCharsets.UTF_8).split("\n");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].isBlank()) {
        JsonNode action = JSON.readTree(lines[i]);
        String op = action.fieldNames().next();
        ids.add(action.path(op).path("_id").asText());
        if (!op.equals("delete")) {
          i++;
        }
      }
    }
    requestIds.add(ids);
    if (n <= failFirst) {
      send(ex, wholeRequestStatus, "{\"error\":{\"type\":\"es_rejected_execution_exception\",\"reason\":\"injected\"},\"status\":"
          + wholeRequestStatus + "}");
      return;
    }
    if (body.length > maxRequestBytes) {
      send(ex, 413, "{\"error\":\"Request Entity Too Large\",\"status\":413}");
      return;
    }
    ObjectNode resp = JSON.createObjectNode();
    resp.put("took", 1).put("errors", false);
    ArrayNode items = resp.putArray("items");
    boolean errors = false;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      JsonNode action = JSON.readTree(lines[i]);
      String op = action.fieldNames().next();
      String id = action.path(op).path("_id").asText();
      ObjectNode item = items.addObject().putObject(op);
      item.put("_index", "fake").put("_id", id);
      if (op.equals("delete")) {
        boolean existed = known.remove(id) != null;
        item.put("status", existed ? 200 : 404).put("result", existed ? "deleted" : "not_found");
        deleted.add(id);
      } else {
        i++;
        documentBytesById.put(id, (long) lines[i].getBytes(StandardCharsets.UTF_8).length);
        known.put(id, Boolean.TRUE);
        indexed.add(id);
        item.put("status", 201).put("result", "created");
      }
    }
    resp.put("errors", errors);
    send(ex, 200, resp.toString());
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
