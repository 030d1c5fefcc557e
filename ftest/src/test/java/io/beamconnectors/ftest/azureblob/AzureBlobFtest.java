package io.beamconnectors.ftest.azureblob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobContainerItem;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.elasticsearch.ContentIndex;
import io.beamconnectors.ftest.support.FileCorpus;
import io.beamconnectors.ftest.support.FixtureEnv;
import io.beamconnectors.ftest.support.IndexInspector;
import io.beamconnectors.ftest.support.RunnerParity;
import io.beamconnectors.ftest.support.SyncAssertions;
import io.beamconnectors.ftest.support.SyncRunner;
import io.beamconnectors.pipelines.FullSyncPipeline;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.azureblob.AzureBlobStore;
import io.beamconnectors.sources.objectstore.ObjectDocuments;
import io.beamconnectors.sources.objectstore.ObjectPage;
import io.beamconnectors.sources.objectstore.ObjectStore;
import io.beamconnectors.sources.objectstore.ObjectStoreListing;
import io.beamconnectors.sources.objectstore.StoreUnit;
import io.beamconnectors.sources.SourceConnector;
import io.beamconnectors.sources.SourceRegistry;
import io.beamconnectors.metrics.SyncCounters;
import io.beamconnectors.sync.SyncSummary;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * `make ftest NAME=azure_blob_storage`: a real Azurite (ftest/fixtures/azurite.sh) synced into a real
 * Elasticsearch. Steps build on each other: initial sync, no-op re-sync, changes, a container that
 * disappears mid-life (its documents are kept) and a wrong account key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AzureBlobFtest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INDEX = "search-ftest-azure_blob_storage";
  private static final String ALPHA = "bc-ftest-alpha";
  private static final String BETA = "bc-ftest-beta";
  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

  private final String endpoint = FixtureEnv.require("BC_AZURE_ENDPOINT", "azurite");
  private final String account = FixtureEnv.require("BC_AZURE_ACCOUNT", "azurite");
  private final String key = FixtureEnv.require("BC_AZURE_KEY", "azurite");
  private BlobServiceClient admin;
  private IndexInspector inspector;
  private FileCorpus corpus;
  /** The change token (before its fingerprint) each blob's document must carry, from the blob's own properties. */
  private final Map<String, String> expectedTokens = new TreeMap<>();
  /** What each container holds now, by blob name. */
  private final Map<String, Map<String, byte[]>> source = new TreeMap<>();

  @BeforeAll
  void setUp() throws Exception {
    FixtureEnv.require("BC_AZURE_CONNECTION_STRING", "azurite");
    admin = new BlobServiceClientBuilder().endpoint(endpoint)
        .credential(new StorageSharedKeyCredential(account, key)).buildClient();
    for (BlobContainerItem c : admin.listBlobContainers()) {
      admin.deleteBlobContainer(c.getName());
    }
    corpus = FileCorpus.standard();
    admin.createBlobContainerWithResponse(ALPHA, Map.of("team", "search"), null, null);
    admin.createBlobContainer(BETA);
    source.put(ALPHA, new TreeMap<>());
    source.put(BETA, new TreeMap<>());
    for (Map.Entry<String, byte[]> f : corpus.files().entrySet()) {
      upload(ALPHA, f.getKey(), f.getValue(), Map.of());
    }
    upload(BETA, "readme.txt", text("beta readme"), Map.of("owner", "bob"));
    for (int i = 0; i < 5; i++) {
      upload(BETA, "area" + (i % 2) + "/part" + i + ".txt", text("beta part " + i), Map.of());
    }
    inspector = new IndexInspector(IndexInspector.connection(INDEX));
    inspector.deleteIndex();
  }

  @AfterAll
  void tearDown() throws Exception {
    if (inspector != null) {
      inspector.close();
    }
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void upload(String container, String name, byte[] bytes, Map<String, String> metadata) {
    String type = name.endsWith(".txt") ? "text/plain" : name.endsWith(".pdf") ? "application/pdf"
        : name.endsWith(".html") ? "text/html" : "application/octet-stream";
    admin.getBlobContainerClient(container).getBlobClient(name).uploadWithResponse(
        new BlobParallelUploadOptions(BinaryData.fromBytes(bytes))
            .setHeaders(new BlobHttpHeaders().setContentType(type)).setMetadata(metadata), null, null);
    source.get(container).put(name, bytes);
  }

  private void delete(String container, String name) {
    admin.getBlobContainerClient(container).getBlobClient(name).delete();
    source.get(container).remove(name);
  }

  private Map<String, Object> config(String containers) {
    Map<String, Object> c = new HashMap<>();
    c.put("account_name", account);
    c.put("account_key", key);
    c.put("blob_endpoint", endpoint);
    c.put("containers", containers);
    c.put("retry_count", "1");
    return c;
  }

  private SyncSummary sync(String containers) throws Exception {
    return SyncRunner.of("azure_blob_storage", INDEX, config(containers)).run();
  }

  /** Python isoformat of a UTC second-precision time, built here independently of the source code. */
  private static String iso(OffsetDateTime t) {
    OffsetDateTime u = t.withOffsetSameInstant(ZoneOffset.UTC);
    assertEquals(0, u.getNano(), "Azure times have second precision");
    return SECONDS.format(u) + "+00:00";
  }

  /** The expected document of every blob, from the blob's own properties (not from a listing). */
  private Map<String, JsonNode> expectedDocuments() {
    Map<String, JsonNode> out = new TreeMap<>();
    for (Map.Entry<String, Map<String, byte[]>> c : source.entrySet()) {
      BlobContainerClient container = admin.getBlobContainerClient(c.getKey());
      ObjectNode containerMetadata = JSON.createObjectNode();
      if (c.getKey().equals(ALPHA)) {
        containerMetadata.put("team", "search");
      }
      for (String name : c.getValue().keySet()) {
        BlobProperties p = container.getBlobClient(name).getProperties();
        String id = c.getKey() + "/" + name;
        ObjectNode d = JSON.createObjectNode();
        d.put("id", id);
        d.put("_timestamp", iso(p.getLastModified()));
        expectedTokens.put(id, ObjectDocuments.token(p.getLastModified().toInstant(),
            c.getValue().get(name).length, p.getETag().replace("\"", "")));
        int slash = name.lastIndexOf('/');
        d.put("_scope", c.getKey() + (slash < 0 ? "" : "/" + name.substring(0, slash)));
        d.put("title", name);
        d.put("tier", p.getAccessTier().toString());
        d.put("size", (long) c.getValue().get(name).length);
        d.put("container", c.getKey());
        d.put("created_at", iso(p.getCreationTime()));
        d.put("content_type", p.getContentType());
        d.set("container_metadata", containerMetadata);
        ObjectNode md = JSON.createObjectNode();
        new TreeMap<>(p.getMetadata()).forEach(md::put);
        d.set("metadata", md);
        ObjectNode lease = JSON.createObjectNode();
        lease.put("state", p.getLeaseState().toString());
        lease.put("status", p.getLeaseStatus().toString());
        lease.putNull("duration");
        d.set("leasedata", lease);
        out.put(id, normalised(d));
      }
    }
    return out;
  }

  /** Parsed back so number node types match what the index returns (IntNode vs LongNode). */
  private static JsonNode normalised(JsonNode d) {
    try {
      return JSON.readTree(d.toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private long sourceSize() {
    return source.values().stream().mapToLong(Map::size).sum();
  }

  /** Ids and every metadata field of every document, and the text of every .txt blob. */
  private Map<String, JsonNode> assertMirrorsSource() throws Exception {
    Map<String, JsonNode> expected = expectedDocuments();
    Map<String, JsonNode> actual = inspector.documents();
    assertEquals(expected.keySet(), actual.keySet(), "document ids in the index");
    for (Map.Entry<String, JsonNode> e : expected.entrySet()) {
      ObjectNode doc = (ObjectNode) actual.get(e.getKey()).deepCopy();
      doc.remove("body");
      doc.remove("_content_error");
      String token = doc.remove("_token").asText();
      assertTrue(token.replace("\"", "").startsWith(expectedTokens.get(e.getKey()) + "#"),
          "_token of " + e.getKey() + " carries time, size and the server's ETag: want "
              + expectedTokens.get(e.getKey()) + "#..., got " + token);
      assertEquals(e.getValue(), doc, "document " + e.getKey());
    }
    for (Map.Entry<String, Map<String, byte[]>> c : source.entrySet()) {
      for (Map.Entry<String, byte[]> f : c.getValue().entrySet()) {
        if (f.getKey().endsWith(".txt")) {
          assertEquals(FileCorpus.expectedBody(f.getValue()),
              actual.get(c.getKey() + "/" + f.getKey()).path("body").asText(), "body of " + f.getKey());
        }
      }
    }
    assertEquals(expected.size(), inspector.count(), "_count");
    return actual;
  }

  @Test
  @Order(0)
  void flinkRunnerBuildsTheSameIndex() throws Exception {
    RunnerParity.assertFlinkMatchesDirect("azure_blob_storage", config("*"), INDEX);
  }

  @Test
  @Order(1)
  void initialSyncMirrorsEveryBlob() throws Exception {
    SyncSummary summary = sync("*");
    Map<String, JsonNode> docs = assertMirrorsSource();
    long total = sourceSize();
    assertEquals(corpus.files().size() + 6, total);
    SyncAssertions.assertCleanFullSync(summary, total);
    Map<String, JsonNode> byPath = new TreeMap<>();
    docs.forEach((id, d) -> {
      if (id.startsWith(ALPHA + "/")) {
        byPath.put(id.substring(ALPHA.length() + 1), d);
      }
    });
    corpus.assertContent(byPath);
    assertEquals("bob", docs.get(BETA + "/readme.txt").path("metadata").path("owner").asText());
  }

  @Test
  @Order(2)
  void noOpResyncWritesAndDownloadsNothing() throws Exception {
    SyncSummary summary = SyncAssertions.assertNoOpSync(inspector, () -> sync("*"));
    assertEquals(sourceSize(), summary.get(SyncCounters.UNCHANGED));
    assertMirrorsSource();
  }

  @Test
  @Order(3)
  void changesAreMirroredExactly() throws Exception {
    ContentIndex.OperationTotals before = inspector.totals();
    upload(ALPHA, "added/new0.txt", text("A brand new file zero"), Map.of("owner", "alice"));
    upload(ALPHA, "added/deeper/new1.txt", text("A brand new file one"), Map.of());
    upload(ALPHA, "new2.txt", text("A brand new file two"), Map.of());
    // file0 is at the root, file1 in folder1/, file2 in folder2/nested/ (FileCorpus's layout)
    upload(ALPHA, "file0.txt", text("file zero was rewritten"), Map.of());
    upload(ALPHA, "folder1/file1.txt", text("file one was rewritten, longer now"), Map.of());
    upload(ALPHA, "folder2/nested/file2.txt", text("file two was rewritten"), Map.of());
    delete(ALPHA, "file3.txt");
    delete(ALPHA, "folder4/file4.txt");
    delete(ALPHA, "folder5/nested/file5.txt");
    SyncSummary summary = sync("*");
    Map<String, JsonNode> docs = assertMirrorsSource();
    assertEquals(3, summary.get(SyncCounters.CREATED));
    assertEquals(3, summary.get(SyncCounters.UPDATED));
    assertEquals(3, summary.get(SyncCounters.DELETED));
    assertEquals(6, summary.get(SyncCounters.CONTENT_FETCHED));
    ContentIndex.OperationTotals after = inspector.totals();
    assertEquals(6, after.indexTotal() - before.indexTotal(), "index operations: 3 updated + 3 created");
    assertEquals(3, after.deleteTotal() - before.deleteTotal(), "delete operations");
    assertEquals("alice", docs.get(ALPHA + "/added/new0.txt").path("metadata").path("owner").asText());
  }

  /** The record the real store lists for one blob at a container's top level (through the connector's own store). */
  private SourceRecord listed(String container, String name) throws Exception {
    SourceConnector c = SourceRegistry.builtIn().create("azure_blob_storage");
    return find(((ObjectStoreListing<?>) c.listing(c.configuration(config(container)))).store(), container, name);
  }

  private static <O> SourceRecord find(ObjectStore<O> store, String container, String name) throws Exception {
    try (ObjectStore.Session<O> session = store.connect()) {
      StoreUnit unit = StoreUnit.root(container, "{}");
      String token = null;
      do {
        ObjectPage<O> page = session.page(unit, token);
        for (O o : page.objects()) {
          SourceRecord r = store.describe(unit, o);
          if (r.id().equals(container + "/" + name)) {
            return r;
          }
        }
        token = page.nextToken();
      } while (token != null);
    }
    throw new AssertionError(name + " is not listed in " + container);
  }

  /**
   * An overwrite with the same size and other bytes is seen: through a sync (fetched again, new
   * token), and on the server's own listing, where two writes within one second (Azure's times
   * have second precision) get one modification time but different tokens (their ETags differ).
   */
  @Test
  @Order(5)
  void aSameSecondSameSizeOverwriteIsSeen() throws Exception {
    byte[] v1 = text("same size, first  bytes");
    byte[] v2 = text("same size, second bytes");
    assertEquals(v1.length, v2.length);
    upload(BETA, "same-size.txt", v1, Map.of());
    sync("*");
    String before = inspector.documents().get(BETA + "/same-size.txt").path("_token").asText();
    upload(BETA, "same-size.txt", v2, Map.of());
    SyncSummary summary = sync("*");
    assertEquals(1, summary.get(SyncCounters.UPDATED));
    assertEquals(1, summary.get(SyncCounters.CONTENT_FETCHED));
    assertFalse(before.equals(inspector.documents().get(BETA + "/same-size.txt").path("_token").asText()));
    assertMirrorsSource();

    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    boolean sameSecond = false;
    while (!sameSecond && Instant.now().isBefore(deadline)) {
      upload(BETA, "same-second.txt", v1, Map.of());
      SourceRecord first = listed(BETA, "same-second.txt");
      upload(BETA, "same-second.txt", v2, Map.of());
      SourceRecord second = listed(BETA, "same-second.txt");
      if (first.timestamp().equals(second.timestamp())) {
        sameSecond = true;
        assertNotEquals(first.token(), second.token(), "same second, same size, other bytes");
        assertEquals(first.fieldsJson(), second.fieldsJson());
      }
    }
    delete(BETA, "same-second.txt");
    assertTrue(sameSecond, "two uploads within one second should have happened within 30 s");
  }

  /** Lists every page of a unit into {@code names} and {@code prefixes}; returns the number of pages. */
  private static int listAll(ObjectStore.Session<BlobItem> session, StoreUnit unit, List<String> names,
      List<String> prefixes) throws Exception {
    int pages = 0;
    String token = null;
    do {
      ObjectPage<BlobItem> page = session.page(unit, token);
      assertTrue(page.objects().size() + page.prefixes().size() <= 2, "at most two entries per page");
      page.objects().forEach(b -> names.add(b.getName()));
      prefixes.addAll(page.prefixes());
      token = page.nextToken();
      pages++;
    } while (token != null);
    return pages;
  }

  /**
   * The engine follows Azure's continuation tokens: with two blobs per page, the top level of a
   * container and each of its top-level directories list exactly what the SDK's own iteration over
   * every page shows.
   */
  @Test
  @Order(4)
  void smallPagesFollowTheContinuationToken() throws Exception {
    SourceConnector c = SourceRegistry.builtIn().create("azure_blob_storage");
    AzureBlobStore store = ((AzureBlobStore) ((ObjectStoreListing<?>) c.listing(c.configuration(config(ALPHA))))
        .store()).withPageSize(2);
    List<String> expectedNames = new ArrayList<>();
    List<String> expectedPrefixes = new ArrayList<>();
    for (BlobItem item : admin.getBlobContainerClient(ALPHA).listBlobsByHierarchy("/", null, null)) {
      (Boolean.TRUE.equals(item.isPrefix()) ? expectedPrefixes : expectedNames).add(item.getName());
    }
    List<String> names = new ArrayList<>();
    List<String> prefixes = new ArrayList<>();
    int pages = 0;
    try (ObjectStore.Session<BlobItem> session = store.connect()) {
      pages += listAll(session, StoreUnit.root(ALPHA, "{}"), names, prefixes);
      assertEquals(expectedNames, names);
      assertEquals(expectedPrefixes, prefixes);
      for (String prefix : expectedPrefixes) {
        List<String> flat = new ArrayList<>();
        admin.getBlobContainerClient(ALPHA).listBlobs(new ListBlobsOptions().setPrefix(prefix), null)
            .forEach(b -> flat.add(b.getName()));
        List<String> listed = new ArrayList<>();
        pages += listAll(session, StoreUnit.root(ALPHA, "{}").child(prefix), listed, new ArrayList<>());
        assertEquals(flat, listed, "blobs under " + prefix);
      }
    }
    assertTrue(pages > 1 + expectedPrefixes.size(), "some unit needed a continuation token; pages: " + pages);
  }

  @Test
  @Order(6)
  void aMissingConfiguredContainerIsAConfigurationErrorThatChangesNothing() throws Exception {
    String both = ALPHA + "," + BETA;
    assertTrue(sync(both).clean(), "an explicit container list that matches the source changes nothing");
    Map<String, JsonNode> before = inspector.documents();
    ContentIndex.OperationTotals totals = inspector.totals();
    long betaDocs = before.keySet().stream().filter(id -> id.startsWith(BETA + "/")).count();
    assertEquals(7, betaDocs);
    admin.deleteBlobContainer(BETA);
    delete(ALPHA, "file6.txt");

    ConfigurationException e = assertThrows(ConfigurationException.class, () -> sync(both));
    assertTrue(e.getMessage().contains("(containers)") && e.getMessage().contains("'" + BETA + "'"), e.getMessage());
    assertFalse(e.getMessage().contains("'" + ALPHA + "'"), e.getMessage());
    assertFalse(e.getMessage().contains(key), e.getMessage());
    assertEquals(before, inspector.documents(), "nothing deleted");
    assertEquals(totals, inspector.totals(), "nothing written");

    // Dropping the container from the configuration lets its documents go.
    source.remove(BETA);
    SyncSummary healed = sync(ALPHA);
    assertTrue(healed.clean(), healed.issues().toString());
    assertEquals(betaDocs + 1, healed.get(SyncCounters.DELETED), "the container's documents and file6");
    assertMirrorsSource();
  }

  @Test
  @Order(7)
  void wrongKeyFailsPingWithoutLeakingItAndDeletesNothing() throws Exception {
    Map<String, JsonNode> before = inspector.documents();
    delete(ALPHA, "file9.txt");
    byte[] raw = new byte[64];
    new Random(3).nextBytes(raw);
    String wrongKey = Base64.getEncoder().encodeToString(raw);
    Map<String, Object> wrong = config(ALPHA);
    wrong.put("account_key", wrongKey);

    FullSyncPipeline.SourceUnreachableException pinged = assertThrows(
        FullSyncPipeline.SourceUnreachableException.class,
        () -> SyncRunner.of("azure_blob_storage", INDEX, wrong).run());
    System.out.println("ping with a wrong key: " + pinged.getMessage());
    assertFalse(pinged.getMessage().contains(wrongKey), pinged.getMessage());
    assertFalse(pinged.getMessage().contains(key), pinged.getMessage());
    assertTrue(pinged.getMessage().contains("HTTP 403 AuthorizationFailure"),
        pinged.getMessage());

    // Without the ping, the configured-container check is the first to call: it stops the sync.
    FullSyncPipeline.SourceUnreachableException checked = assertThrows(
        FullSyncPipeline.SourceUnreachableException.class,
        () -> SyncRunner.of("azure_blob_storage", INDEX, wrong).arg("--ping=false").run());
    assertTrue(checked.getMessage().contains("HTTP 403"), checked.getMessage());
    assertFalse(checked.getMessage().contains(wrongKey), checked.getMessage());

    // With every container ('*') there is nothing to check: the listing fails the whole source.
    wrong.put("containers", "*");
    SyncSummary summary = SyncRunner.of("azure_blob_storage", INDEX, wrong).arg("--ping=false").run();
    assertEquals(0, summary.get(SyncCounters.DELETED));
    assertTrue(summary.issues().stream().anyMatch(i -> i.startsWith("FAILED")), summary.issues().toString());
    assertTrue(summary.issues().stream().noneMatch(i -> i.contains(wrongKey)), summary.issues().toString());
    assertEquals(before, inspector.documents(), "the index is untouched");

    SyncSummary healed = sync(ALPHA);
    assertEquals(1, healed.get(SyncCounters.DELETED));
    assertMirrorsSource();
  }

  @Test
  @Order(8)
  void badConfigurationNamesTheField() {
    SourceConnector c = SourceRegistry.builtIn().create("azure_blob_storage");
    Map<String, Object> bad = config("Not_A_Container");
    bad.put("concurrent_downloads", "500");
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> c.validate(c.configuration(bad)));
    assertTrue(e.getMessage().contains("(containers)"), e.getMessage());
    assertTrue(e.getMessage().contains("(concurrent_downloads)"), e.getMessage());
    assertFalse(e.getMessage().contains(key), e.getMessage());
  }
}
