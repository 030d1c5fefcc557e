package io.beamconnectors.ftest.gcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.NoCredentials;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.beamconnectors.elasticsearch.ContentIndex;
import io.beamconnectors.ftest.support.FileCorpus;
import io.beamconnectors.pipelines.FullSyncPipeline;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.IsoTimes;
import io.beamconnectors.sources.objectstore.ObjectDocuments;
import io.beamconnectors.ftest.support.FixtureEnv;
import io.beamconnectors.ftest.support.IndexInspector;
import io.beamconnectors.ftest.support.RunnerParity;
import io.beamconnectors.ftest.support.SyncAssertions;
import io.beamconnectors.ftest.support.SyncRunner;
import io.beamconnectors.metrics.SyncCounters;
import io.beamconnectors.sync.SyncSummary;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * `make ftest NAME=google_cloud_storage`: the Firebase Storage emulator (ftest/fixtures/gcs.sh)
 * synced into a real Elasticsearch. Three buckets with run-unique names (the emulator creates a
 * bucket on first use and cannot remove one): the corpus, a small second bucket, and a third bucket
 * that becomes unlistable in step 4.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GcsFtest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INDEX = "search-ftest-google_cloud_storage";
  private static final DateTimeFormatter API_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final int PAGE_SIZE = 50;

  private final String host = FixtureEnv.require("BC_GCS_HOST", "gcs");
  private final String project = FixtureEnv.require("BC_GCS_PROJECT", "gcs");
  private final String run = Long.toString(System.currentTimeMillis(), 36);
  private final String main = "bc-ftest-main-" + run;
  private final String second = "bc-ftest-second-" + run;
  private final String flaky = "bc-ftest-flaky-" + run;
  /** The change token (before its fingerprint) each document must carry, from the test's own listing. */
  private final Map<String, String> expectedTokens = new TreeMap<>();
  private FileCorpus corpus;
  private Storage storage;
  private IndexInspector inspector;

  @BeforeAll
  void setUp() throws Exception {
    storage = StorageOptions.newBuilder().setHost(host).setProjectId(project)
        .setCredentials(NoCredentials.getInstance()).build().getService();
    corpus = FileCorpus.standard();
    for (Map.Entry<String, byte[]> e : corpus.files().entrySet()) {
      upload(main, e.getKey(), e.getValue(), e.getKey().startsWith("docs/") ? Map.of("origin", "ftest") : null);
    }
    upload(main, "folder0/", new byte[0], null); // a console-style folder placeholder
    upload(second, "two.txt", "second bucket root".getBytes(StandardCharsets.UTF_8), null);
    upload(second, "s/one.txt", "second bucket nested".getBytes(StandardCharsets.UTF_8), null);
    for (int i = 0; i <= PAGE_SIZE; i++) {
      String n = String.format("f-%03d.txt", i);
      upload(flaky, n, ("flaky " + n).getBytes(StandardCharsets.UTF_8), null);
    }
    inspector = new IndexInspector(IndexInspector.connection(INDEX));
    inspector.deleteIndex();
  }

  @AfterAll
  void tearDown() throws Exception {
    if (inspector != null) {
      inspector.close();
    }
    if (storage != null) {
      storage.close();
    }
  }

  /**
   * Resumable upload (Storage.create(BlobInfo, byte[]) does not work on the emulator), checked by
   * reading the object's size back: under load the emulator once stored an object of 0 bytes from a
   * 76-byte upload (the sync then rightly indexed size 0). Such an upload is repeated, a few times at most.
   */
  private void upload(String bucket, String name, byte[] bytes, Map<String, String> metadata) throws Exception {
    BlobInfo.Builder info = BlobInfo.newBuilder(BlobId.of(bucket, name)).setContentType(contentType(name));
    if (metadata != null) {
      info.setMetadata(metadata);
    }
    Long stored = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try (WriteChannel w = storage.writer(info.build())) {
        w.write(ByteBuffer.wrap(bytes));
      }
      Blob b = storage.get(BlobId.of(bucket, name));
      stored = b == null ? null : b.getSize();
      if (stored != null && stored == bytes.length) {
        return;
      }
    }
    throw new IllegalStateException("the GCS emulator keeps storing " + stored + " bytes for " + bucket + "/" + name
        + " uploaded with " + bytes.length);
  }

  private static String contentType(String name) {
    if (name.endsWith(".txt")) {
      return "text/plain";
    }
    if (name.endsWith(".pdf")) {
      return "application/pdf";
    }
    return "application/octet-stream";
  }

  private Map<String, Object> config() {
    Map<String, Object> c = new HashMap<>();
    c.put("service_account_credentials", "{\"type\": \"service_account\", \"project_id\": \"" + project + "\"}");
    c.put("buckets", main + "," + second + "," + flaky);
    c.put("emulator_host", host);
    c.put("retry_count", "1");
    c.put("page_size", Integer.toString(PAGE_SIZE));
    return c;
  }

  private SyncSummary sync() throws Exception {
    return SyncRunner.of("google_cloud_storage", INDEX, config()).run();
  }

  private static String quote(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/")
        .replace("%7E", "~").replace("*", "%2A");
  }

  /** The documents the source should produce, from a flat listing of every bucket by the test's own client. */
  private Map<String, ObjectNode> expectedDocuments() {
    Map<String, ObjectNode> out = new TreeMap<>();
    for (String bucket : List.of(main, second, flaky)) {
      for (Blob b : storage.list(bucket).iterateAll()) {
        String id = bucket + "/" + b.getName() + "/" + b.getGeneration();
        ObjectNode d = JSON.createObjectNode();
        d.put("id", id);
        d.putNull("component_count");
        d.putNull("content_encoding");
        d.putNull("content_language");
        d.put("created_at", API_TIME.format(Instant.ofEpochMilli(b.getCreateTime())));
        String updated = API_TIME.format(Instant.ofEpochMilli(b.getUpdateTime()));
        d.put("last_updated", updated);
        d.put("_timestamp", IsoTimes.isoformat(Instant.ofEpochMilli(b.getUpdateTime())));
        expectedTokens.put(id, ObjectDocuments.token(Instant.ofEpochMilli(b.getUpdateTime()), b.getSize(),
            String.valueOf(b.getGeneration())));
        if (b.getName().startsWith("docs/") && bucket.equals(main)) {
          d.putObject("metadata").put("origin", "ftest");
        } else {
          d.putNull("metadata");
        }
        d.put("name", b.getName());
        byte[] bytes = bucket.equals(main) ? corpus.files().get(b.getName()) : null;
        if (bytes != null) {
          d.put("size", Integer.toString(bytes.length));
        } else {
          d.put("size", String.valueOf(b.getSize()));
        }
        d.put("storage_class", "STANDARD");
        d.put("type", contentType(b.getName()));
        d.put("version", String.valueOf(b.getGeneration()));
        d.put("bucket_name", bucket);
        d.put("url", "https://console.cloud.google.com/storage/browser/_details/" + bucket + "/"
            + quote(b.getName()) + ";tab=live_object?project=" + project);
        int slash = b.getName().lastIndexOf('/');
        String parent = slash > 0 ? b.getName().substring(0, slash) : "";
        d.put("_scope", parent.isEmpty() ? bucket : bucket + "/" + parent);
        out.put(id, d);
      }
    }
    return out;
  }

  /** The index holds exactly the source: same ids, every field, and the extracted text of the corpus. */
  private void assertMirrorsSource() throws Exception {
    Map<String, ObjectNode> expected = expectedDocuments();
    Map<String, JsonNode> actual = inspector.documents();
    assertEquals(expected.keySet(), actual.keySet(), "document ids in the index");
    Map<String, JsonNode> corpusDocs = new TreeMap<>();
    for (Map.Entry<String, ObjectNode> e : expected.entrySet()) {
      JsonNode doc = actual.get(e.getKey());
      e.getValue().fields().forEachRemaining(f ->
          assertEquals(f.getValue(), doc.get(f.getKey()), f.getKey() + " of " + e.getKey() + ": " + doc));
      assertTrue(doc.path("_token").asText().startsWith(expectedTokens.get(e.getKey()) + "#"),
          "_token of " + e.getKey() + " carries time, size and generation: want " + expectedTokens.get(e.getKey())
              + "#..., got " + doc.path("_token").asText());
      String name = e.getValue().path("name").asText();
      String bucket = e.getValue().path("bucket_name").asText();
      if (bucket.equals(main) && !name.endsWith("/")) {
        corpusDocs.put(name, doc);
      } else if (name.endsWith("/")) {
        assertEquals("", doc.path("body").asText(null), "a folder placeholder has an empty body");
      } else {
        assertEquals(FileCorpus.reduced(new String(storage.readAllBytes(bucket, name), StandardCharsets.UTF_8)),
            doc.path("body").asText(), "body of " + e.getKey());
      }
    }
    corpus.assertContent(corpusDocs);
    assertEquals(expected.size(), inspector.count(), "_count");
  }

  private long objectCount() {
    return expectedDocuments().size();
  }

  @Test
  @Order(0)
  void flinkRunnerBuildsTheSameIndex() throws Exception {
    RunnerParity.assertFlinkMatchesDirect("google_cloud_storage", config(), INDEX);
  }

  @Test
  @Order(1)
  void initialSyncMirrorsEveryObject() throws Exception {
    SyncSummary summary = sync();
    assertMirrorsSource();
    long total = objectCount();
    assertEquals(corpus.files().size() + 1 + 2 + PAGE_SIZE + 1, total);
    assertEquals(total, summary.get(SyncCounters.LISTED));
    assertEquals(total, summary.get(SyncCounters.CREATED));
    assertEquals(total, summary.get(SyncCounters.INDEXED_OK));
    assertEquals(0, summary.get(SyncCounters.FAILED));
    assertEquals(0, summary.get(SyncCounters.LISTING_FAILURES));
    assertEquals(0, summary.get(SyncCounters.DUPLICATE_IDS));
    assertTrue(summary.clean(), summary.issues().toString());
  }

  @Test
  @Order(2)
  void noOpResyncWritesNothing() throws Exception {
    SyncSummary summary = SyncAssertions.assertNoOpSync(inspector, () -> sync());
    assertMirrorsSource();
  }

  @Test
  @Order(3)
  void changesAreMirroredExactly() throws Exception {
    List<String> added = List.of("folder1/added-a.txt", "added-b.txt", "folder2/nested/added-c.txt");
    List<String> modified = List.of("file0.txt", "folder1/file1.txt", "folder2/nested/file2.txt");
    List<String> deleted = List.of("file3.txt", "folder4/file4.txt", "folder5/nested/file5.txt");
    Map<String, byte[]> files = corpus.files();
    for (String n : added) {
      byte[] b = ("added file " + n + "\n with  text").getBytes(StandardCharsets.UTF_8);
      files.put(n, b);
      upload(main, n, b, null);
    }
    for (String n : modified) {
      assertTrue(files.containsKey(n), n);
      byte[] b = ("modified content of " + n + " \t now").getBytes(StandardCharsets.UTF_8);
      files.put(n, b);
      upload(main, n, b, null);
    }
    for (String n : deleted) {
      assertTrue(files.remove(n) != null, n);
      assertTrue(storage.delete(main, n), n);
    }
    SyncSummary summary = sync();
    assertMirrorsSource();
    // The reference's id includes the generation, so an overwritten object is a new document:
    // 3 added + 3 rewritten are created, 3 deleted + the 3 old generations are deleted.
    assertEquals(6, summary.get(SyncCounters.CREATED));
    assertEquals(0, summary.get(SyncCounters.UPDATED));
    assertEquals(6, summary.get(SyncCounters.DELETED));
    assertEquals(6, summary.get(SyncCounters.CONTENT_FETCHED));
    assertTrue(summary.clean(), summary.issues().toString());
  }

  /**
   * An overwrite with the same size and other bytes is seen: GCS gives it a new generation, which
   * is part of the reference's id and of the token, so the old document goes and the new one is
   * fetched, however close together the two writes were.
   */
  @Test
  @Order(4)
  void aSameSizeOverwriteIsSeen() throws Exception {
    byte[] v1 = "same size, first  bytes".getBytes(StandardCharsets.UTF_8);
    byte[] v2 = "same size, second bytes".getBytes(StandardCharsets.UTF_8);
    upload(second, "same-size.txt", v1, null);
    sync();
    String before = sameSizeId();
    upload(second, "same-size.txt", v2, null);
    SyncSummary summary = sync();
    String after = sameSizeId();
    assertNotEquals(before, after, "a new generation is a new id");
    assertEquals(1, summary.get(SyncCounters.CREATED));
    assertEquals(1, summary.get(SyncCounters.DELETED));
    assertEquals(1, summary.get(SyncCounters.CONTENT_FETCHED));
    assertEquals("same size, second bytes", inspector.documents().get(after).path("body").asText().trim());
    assertTrue(summary.clean(), summary.issues().toString());
    assertMirrorsSource();
  }

  /** The one document id of second/same-size.txt in the index. */
  private String sameSizeId() throws Exception {
    List<String> ids = inspector.documents().keySet().stream()
        .filter(id -> id.startsWith(second + "/same-size.txt/")).toList();
    assertEquals(1, ids.size(), ids.toString());
    return ids.get(0);
  }

  /**
   * A real server failure: the emulator's page token is the next object's name, and Node answers
   * HTTP 431 to a request line over 16 KiB. Objects with 17,000-character names (uploaded with a
   * resumable upload whose name travels in the body) make page 2 of the flaky bucket unlistable.
   */
  private void uploadLongName(String bucket, String name) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = host + "/upload/storage/v1/b/" + bucket + "/o?uploadType=resumable";
    HttpResponse<String> start = http.send(HttpRequest.newBuilder(URI.create(base))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("name", name).toString()))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, start.statusCode(), start.body());
    String location = start.headers().firstValue("Location").orElseThrow();
    // The Location repeats the name in its query: upload to it without the name.
    String uploadId = location.substring(location.indexOf("upload_id="));
    int amp = uploadId.indexOf('&');
    uploadId = amp < 0 ? uploadId : uploadId.substring(0, amp);
    HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(base + "&" + uploadId))
        .PUT(HttpRequest.BodyPublishers.ofString("long name")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, put.statusCode(), "upload of a long name");
  }

  @Test
  @Order(5)
  void bucketThatFailsMidListingKeepsItsDocuments() throws Exception {
    Map<String, JsonNode> before = inspector.documents();
    List<String> flakyIds = new ArrayList<>();
    for (String id : before.keySet()) {
      if (id.startsWith(flaky + "/")) {
        flakyIds.add(id);
      }
    }
    assertEquals(PAGE_SIZE + 1, flakyIds.size());
    // After one delete, page 1 of the flaky bucket holds its 50 short names and page 2 starts with a
    // long one, so no long name is ever listed (its id would exceed Elasticsearch's 512-byte _id limit).
    assertTrue(storage.delete(flaky, "f-007.txt"), "a delete under the failing bucket must be blocked");
    for (int i = 0; i < 3; i++) {
      uploadLongName(flaky, String.format("zz-%03d-", i) + "x".repeat(17_000));
    }
    assertTrue(storage.delete(second, "two.txt"), "a delete elsewhere must go through");
    String secondDeleted = before.keySet().stream().filter(id -> id.startsWith(second + "/two.txt/"))
        .findFirst().orElseThrow();

    SyncSummary summary = sync();
    assertFalse(summary.clean());
    assertTrue(summary.get(SyncCounters.LISTING_FAILURES) >= 1);
    assertTrue(summary.issues().stream().anyMatch(i -> i.startsWith("FAILED " + flaky)), summary.issues().toString());
    assertTrue(summary.get(SyncCounters.DELETES_BLOCKED) >= 1, "the delete of f-007.txt is blocked");
    assertEquals(1, summary.get(SyncCounters.DELETED), "only the other bucket's delete goes through");
    Map<String, JsonNode> after = inspector.documents();
    for (String id : flakyIds) {
      assertTrue(after.containsKey(id), "kept: " + id);
    }
    assertFalse(after.containsKey(secondDeleted), "deleted: " + secondDeleted);
    for (String id : before.keySet()) {
      if (!id.equals(secondDeleted)) {
        assertTrue(after.containsKey(id), "kept: " + id);
      }
    }
  }

  @Test
  @Order(6)
  void badConfigurationAndUnreachableSourceChangeNothing() throws Exception {
    Map<String, JsonNode> before = inspector.documents();
    Map<String, Object> bad = config();
    bad.put("service_account_credentials", "{\"private_key\": \"Secret-Key-Material-42\"");
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> SyncRunner.of("google_cloud_storage", INDEX, bad).run());
    assertTrue(e.getMessage().contains("service_account_credentials"), e.getMessage());
    assertFalse(e.getMessage().contains("Secret-Key-Material-42"), e.getMessage());

    Map<String, Object> unreachable = config();
    unreachable.put("emulator_host", "http://127.0.0.1:1"); // nothing listens on port 1
    unreachable.put("retry_count", "0");
    FullSyncPipeline.SourceUnreachableException u = assertThrows(FullSyncPipeline.SourceUnreachableException.class,
        () -> SyncRunner.of("google_cloud_storage", INDEX, unreachable).run());
    assertTrue(u.getMessage().contains("cannot reach Google Cloud Storage"), u.getMessage());
    assertEquals(before, inspector.documents(), "the index is untouched");

  }
}
