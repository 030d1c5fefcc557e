package io.beamconnectors.flextemplates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.services.dataflow.model.ParameterMetadata;
import io.beamconnectors.sync.SyncSummary;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The template main on the DirectRunner against the real PostgreSQL and Elasticsearch fixtures,
 * with the parameters a Dataflow launch would carry (each checked against the generated
 * metadata's regexes); only the secret references use the local forms ({@code env:},
 * {@code file:}) instead of Secret Manager names. Database {@code bc_flex}, index
 * {@code search-flex-template-postgresql}: nobody else's.
 */
@Tag("ftest")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlexTemplateDirectRunnerFtest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DATABASE = "bc_flex";
  private static final String INDEX = "search-flex-template-postgresql";
  private static final String SYNC_USER = "bc_flex_syncer";
  private static final String SYNC_PASSWORD = "Flex_secret_77, \"ü\"";
  private static final String ES_PASSWORD_VARIABLE = "BC_FLEX_TEST_ES_PASSWORD";
  private static final String BIG = "x".repeat(200_000);

  @TempDir
  Path dir;
  private Connection admin;
  private HttpClient http;
  private String esUrl;
  private String esAuth;
  private String esPassword;

  private static String require(String name) {
    String v = System.getenv(name);
    if (v == null || v.isEmpty()) {
      throw new IllegalStateException(name + " is not set: start the fixtures (bash ftest/fixtures/postgresql.sh start,"
          + " bash ftest/fixtures/elasticsearch.sh start) and source their env files");
    }
    return v;
  }

  @BeforeAll
  void setUp() throws Exception {
    String server = "jdbc:postgresql://" + require("BC_PG_HOST") + ":" + require("BC_PG_PORT") + "/";
    String user = require("BC_PG_USER");
    String password = require("BC_PG_PASSWORD");
    try (Connection c = DriverManager.getConnection(server + require("BC_PG_DATABASE"), user, password);
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + DATABASE);
    }
    admin = DriverManager.getConnection(server + DATABASE, user, password);
    try (Statement s = admin.createStatement()) {
      s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + SYNC_USER + "') THEN"
          + " CREATE ROLE " + SYNC_USER + " LOGIN; END IF; END $$");
      s.execute("ALTER ROLE " + SYNC_USER + " LOGIN PASSWORD '" + SYNC_PASSWORD.replace("'", "''") + "'");
      s.execute("CREATE TABLE public.items (name TEXT PRIMARY KEY, title TEXT, body TEXT)");
      s.execute("GRANT USAGE ON SCHEMA public TO " + SYNC_USER);
      s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + SYNC_USER);
    }
    try (PreparedStatement p = admin.prepareStatement("INSERT INTO public.items VALUES (?, ?, ?)")) {
      for (String[] row : rows()) {
        p.setString(1, row[0]);
        p.setString(2, row[1]);
        p.setString(3, row[2]);
        p.executeUpdate();
      }
    }
    esUrl = require("BC_ES_URL");
    esPassword = require("BC_ES_PASSWORD");
    esAuth = "Basic " + Base64.getEncoder().encodeToString((require("BC_ES_USERNAME") + ":" + esPassword)
        .getBytes(StandardCharsets.UTF_8));
    http = HttpClient.newHttpClient();
    es("DELETE", "/" + INDEX);
  }

  @AfterAll
  void tearDown() throws Exception {
    if (admin != null) {
      admin.close();
    }
  }

  private static List<String[]> rows() {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"a", "lower a", "body"});
    rows.add(new String[] {"A", "upper A: a case twin", "body"});
    rows.add(new String[] {"0", "zero as text", ""});
    rows.add(new String[] {"a,b|c;d_e", "separators in the key", "x"});
    rows.add(new String[] {"ünïcødé 日本", "unicode key", "ß"});
    rows.add(new String[] {"big", "a 200 kB body", BIG});
    rows.add(new String[] {"nulls", null, null});
    return rows;
  }

  private static String id(String key) {
    // The PostgreSQL source's injective ids: '%' and '_' inside a component are escaped.
    return escaped(DATABASE) + "_public_items_" + escaped(key) + "_";
  }

  private static String escaped(String component) {
    return component.replace("%", "%25").replace("_", "%5F");
  }

  /** The parameters of a Dataflow launch of this sync; secret references in their local form. */
  private Map<String, String> parameters(Path configFile) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("serviceType", "postgresql");
    p.put("esUrl", esUrl);
    p.put("esIndex", INDEX);
    p.put("esUsername", System.getenv("BC_ES_USERNAME"));
    p.put("esPasswordSecret", "env:" + ES_PASSWORD_VARIABLE);
    p.put("connectorConfigSecret", "file:" + configFile);
    p.put("bulkMaxOperations", "3");
    p.put("joinStrategy", "SHUFFLE");
    p.put("contentMode", "NONE");
    p.put("ping", "true");
    return p;
  }

  private SyncSummary sync() throws Exception {
    FlexTemplateMain.Launched launched = launch("DirectRunner");
    assertEquals(PipelineResult.State.DONE, launched.result().getState(), "the DirectRunner finishes in run()");
    assertEquals(0, FlexTemplateMain.report(launched), "exit code of a clean sync that finished in run()");
    return SyncSummary.from(launched.result(), 0);
  }

  private FlexTemplateMain.Launched launch(String runner) throws Exception {
    Map<String, Object> config = new TreeMap<>();
    config.put("host", require("BC_PG_HOST"));
    config.put("port", require("BC_PG_PORT"));
    config.put("username", SYNC_USER);
    config.put("password", SYNC_PASSWORD);
    config.put("database", DATABASE);
    config.put("tables", "*");
    Path configFile = dir.resolve("connector config, ü.json");
    Files.writeString(configFile, JSON.writeValueAsString(config), StandardCharsets.UTF_8);

    Map<String, String> params = parameters(configFile);
    Map<String, ParameterMetadata> metadata = new TreeMap<>();
    for (ParameterMetadata m : TemplateMetadataGenerator.generate(FlexTemplateOptions.class).getParameters()) {
      metadata.put(m.getName(), m);
    }
    List<String> args = new ArrayList<>(List.of("--runner=" + runner));
    for (Map.Entry<String, String> e : params.entrySet()) {
      ParameterMetadata m = metadata.get(e.getKey());
      assertTrue(m != null, e.getKey() + " is a template parameter");
      if (!e.getKey().endsWith("Secret")) { // local env:/file: references are the one deliberate difference
        for (String r : m.getRegexes() == null ? List.<String>of() : m.getRegexes()) {
          assertTrue(Pattern.compile(r).matcher(e.getValue()).find(), e.getKey() + "=" + e.getValue() + " vs " + r);
        }
      }
      args.add("--" + e.getKey() + "=" + e.getValue());
    }
    // No BC_ES_PASSWORD in this environment: the password can only come through --esPasswordSecret.
    Map<String, String> env = Map.of(ES_PASSWORD_VARIABLE, esPassword);
    FlexTemplateMain.Launched launched = FlexTemplateMain.launch(args.toArray(new String[0]), env, name -> {
      throw new AssertionError("no Secret Manager lookup expected for local references, got " + name);
    });
    String options = JSON.writeValueAsString(launched.options());
    assertFalse(options.contains(esPassword), "the ES password is not in the pipeline options");
    assertFalse(options.contains("Flex_secret_77"), "the source password is not in the pipeline options");
    assertNull(launched.options().getConnectorConfig(), "the temporary configuration file is not left in the options");
    return launched;
  }

  @Test
  @Order(1)
  void firstSyncMirrorsTheTable() throws Exception {
    SyncSummary summary = sync();
    assertTrue(summary.clean(), summary.format());
    assertEquals((long) rows().size(), summary.counters().get("created"), summary.format());
    Map<String, JsonNode> docs = indexDocuments();
    assertEquals(rows().size(), docs.size(), docs.keySet().toString());
    for (String[] row : rows()) {
      JsonNode d = docs.get(id(row[0]));
      assertTrue(d != null, "document for key '" + row[0] + "' in " + docs.keySet());
      assertEquals(row[0], d.path("public_items_name").asText());
      if (row[1] == null) {
        assertTrue(d.path("public_items_title").isNull() || d.path("public_items_title").isMissingNode());
      } else {
        assertEquals(row[1], d.path("public_items_title").asText());
      }
    }
    assertEquals(BIG.length(), docs.get(id("big")).path("public_items_body").asText().length());
  }

  @Test
  @Order(2)
  void secondSyncWritesNothing() throws Exception {
    SyncSummary summary = sync();
    assertEquals(0L, summary.counters().get("indexed_ok"), summary.format());
    assertEquals(0L, summary.counters().get("deleted_ok"), summary.format());
    assertEquals((long) rows().size(), summary.counters().get("unchanged"), summary.format());
  }

  @Test
  @Order(3)
  void changesAndDeletesArrive() throws Exception {
    try (Statement s = admin.createStatement()) {
      s.executeUpdate("UPDATE public.items SET title = 'changed' WHERE name = 'A'");
      s.executeUpdate("DELETE FROM public.items WHERE name = 'a,b|c;d_e'");
      s.executeUpdate("INSERT INTO public.items VALUES ('new', 'added', '')");
    }
    SyncSummary summary = sync();
    // The plan's counters; the write counters (indexed_ok/deleted_ok) are the engine's business, and
    // the index contents below are the proof.
    assertEquals(1L, summary.counters().get("created"), summary.format());
    assertEquals(1L, summary.counters().get("updated"), summary.format());
    assertEquals(1L, summary.counters().get("deleted"), summary.format());
    assertEquals(0L, summary.counters().get("failed"), summary.format());
    Map<String, JsonNode> docs = indexDocuments();
    assertEquals(rows().size(), docs.size());
    assertEquals("changed", docs.get(id("A")).path("public_items_title").asText());
    assertEquals("lower a", docs.get(id("a")).path("public_items_title").asText(), "the case twin is untouched");
    assertFalse(docs.containsKey(id("a,b|c;d_e")));
    assertEquals("added", docs.get(id("new")).path("public_items_title").asText());
  }

  @Test
  @Order(4)
  void theMainReturnsWithoutWaitingForTheJob() throws Exception {
    int before = NeverFinishingRunner.SUBMITTED.get();
    FlexTemplateMain.Launched launched = launch(NeverFinishingRunner.class.getName());
    assertEquals(before + 1, NeverFinishingRunner.SUBMITTED.get(), "the pipeline was submitted");
    assertEquals(PipelineResult.State.RUNNING, launched.result().getState());
    assertEquals(0, FlexTemplateMain.report(launched), "submitted is success; nothing waited (the fake would throw)");
  }

  private Map<String, JsonNode> indexDocuments() throws Exception {
    es("POST", "/" + INDEX + "/_refresh");
    JsonNode hits = JSON.readTree(es("GET", "/" + INDEX + "/_search?size=1000")).path("hits").path("hits");
    Map<String, JsonNode> out = new TreeMap<>();
    for (JsonNode h : hits) {
      out.put(h.path("_id").asText(), h.path("_source"));
    }
    return out;
  }

  private String es(String method, String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(esUrl + path))
        .header("Authorization", esAuth)
        .method(method, HttpRequest.BodyPublishers.noBody())
        .build();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300 && !(method.equals("DELETE") && r.statusCode() == 404)) {
      throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }
}
