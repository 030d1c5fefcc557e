package io.beamconnectors.ftest.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamconnectors.content.ContentSettings;
import io.beamconnectors.elasticsearch.ContentIndex;
import io.beamconnectors.ftest.support.FileCorpus;
import io.beamconnectors.ftest.support.FixtureEnv;
import io.beamconnectors.ftest.support.IndexInspector;
import io.beamconnectors.ftest.support.RunnerParity;
import io.beamconnectors.ftest.support.SyncAssertions;
import io.beamconnectors.ftest.support.SyncRunner;
import io.beamconnectors.pipelines.FullSyncPipeline;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.IsoTimes;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.objectstore.ObjectDocuments;
import io.beamconnectors.sources.objectstore.ObjectPage;
import io.beamconnectors.sources.objectstore.ObjectStore;
import io.beamconnectors.sources.objectstore.ObjectStoreListing;
import io.beamconnectors.sources.objectstore.StoreUnit;
import io.beamconnectors.sources.s3.S3Connector;
import io.beamconnectors.metrics.SyncCounters;
import io.beamconnectors.sync.SyncSummary;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * `make ftest NAME=s3`: a real S3Mock (ftest/fixtures/s3.sh) synced into a real Elasticsearch. Two
 * buckets: "main" holds the standard file corpus plus a folder key, "other" a few text files. The
 * steps build on each other: initial sync, no-op re-sync, changes, a bucket that disappears, a bad
 * configuration.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class S3Ftest {
  private static final String INDEX = "search-ftest-s3";
  private static final String MAIN = "ftest-s3-main";
  private static final String OTHER = "ftest-s3-other";
  private static final String FOLDER_KEY = "docs/";

  private S3Client s3;
  private IndexInspector inspector;
  private FileCorpus corpus;
  /** What the test put in each bucket and still expects there: bucket -> key -> bytes. */
  private final Map<String, Map<String, byte[]>> source = new TreeMap<>();

  @BeforeAll
  void setUp() throws Exception {
    s3 = S3Client.builder()
        .endpointOverride(URI.create(FixtureEnv.require("BC_S3_ENDPOINT", "s3")))
        .region(Region.of(FixtureEnv.require("BC_S3_REGION", "s3")))
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
            FixtureEnv.require("BC_S3_ACCESS_KEY", "s3"), FixtureEnv.require("BC_S3_SECRET_KEY", "s3"))))
        .build();
    for (String bucket : new String[] {MAIN, OTHER}) {
      dropBucket(bucket);
      s3.createBucket(b -> b.bucket(bucket));
      source.put(bucket, new TreeMap<>());
    }
    // FileCorpus.standard() sizes, except that a large file stays within the engine's cap on
    // extracted characters (ContentSettings.DEFAULT_MAX_CHARS, 1,000,000), which would otherwise
    // truncate the 1 MiB default and make the exact body comparison fail for reasons unrelated to S3.
    corpus = FileCorpus.generate(FixtureEnv.getInt("BC_FTEST_SMALL_FILES", 300),
        FixtureEnv.getInt("BC_FTEST_LARGE_FILES", 5),
        Math.min(FixtureEnv.getInt("BC_FTEST_LARGE_BYTES", 1024 * 1024), ContentSettings.DEFAULT_MAX_CHARS));
    for (Map.Entry<String, byte[]> e : corpus.files().entrySet()) {
      put(MAIN, e.getKey(), e.getValue());
    }
    put(MAIN, FOLDER_KEY, new byte[0]);
    for (int i = 0; i < 6; i++) {
      put(OTHER, (i % 2 == 0 ? "" : "sub" + i + "/") + "other" + i + ".txt",
          ("Other bucket file " + i + ".\n").getBytes(StandardCharsets.UTF_8));
    }
    inspector = new IndexInspector(IndexInspector.connection(INDEX));
    inspector.deleteIndex();
  }

  @AfterAll
  void tearDown() throws Exception {
    if (inspector != null) {
      inspector.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  private void put(String bucket, String key, byte[] bytes) {
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
    source.get(bucket).put(key, bytes);
  }

  private void delete(String bucket, String key) {
    s3.deleteObject(b -> b.bucket(bucket).key(key));
    source.get(bucket).remove(key);
  }

  private void dropBucket(String bucket) {
    try {
      for (ListObjectsV2Response page : s3.listObjectsV2Paginator(b -> b.bucket(bucket))) {
        for (S3Object o : page.contents()) {
          s3.deleteObject(b -> b.bucket(bucket).key(o.key()));
        }
      }
      s3.deleteBucket(b -> b.bucket(bucket));
    } catch (NoSuchBucketException e) {
      // nothing to drop
    }
  }

  private Map<String, Object> config() {
    Map<String, Object> c = new HashMap<>();
    c.put("buckets", MAIN + ", " + OTHER);
    c.put("aws_access_key_id", FixtureEnv.require("BC_S3_ACCESS_KEY", "s3"));
    c.put("aws_secret_access_key", FixtureEnv.require("BC_S3_SECRET_KEY", "s3"));
    c.put("endpoint", FixtureEnv.require("BC_S3_ENDPOINT", "s3"));
    c.put("path_style", "true");
    c.put("page_size", "50");
    c.put("max_attempts", "2");
    // region left empty on purpose: each bucket's region comes from GetBucketLocation
    return c;
  }

  private SyncSummary sync() throws Exception {
    return SyncRunner.of("s3", INDEX, config()).run();
  }

  static String md5(String s) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (byte b : MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8))) {
      sb.append(String.format("%02x", b));
    }
    return sb.toString();
  }


  static String parentScope(String bucket, String key) {
    String path = key.endsWith("/") ? key.substring(0, key.length() - 1) : key.contains("/")
        ? key.substring(0, key.lastIndexOf('/')) : "";
    return path.isEmpty() ? bucket : bucket + "/" + path;
  }

  /** The server's own view of a live bucket, keyed by the expected document id. */
  private Map<String, S3Object> serverObjects(String bucket) {
    Map<String, S3Object> out = new TreeMap<>();
    for (ListObjectsV2Response page : s3.listObjectsV2Paginator(
        ListObjectsV2Request.builder().bucket(bucket).fetchOwner(true).build())) {
      for (S3Object o : page.contents()) {
        try {
          out.put(md5(bucket + "/" + o.key()), o);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return out;
  }

  /**
   * The index holds exactly the live buckets (plus {@code keptBuckets}' documents, checked by
   * id only): ids, every metadata field, and the text of every text file.
   */
  private Map<String, JsonNode> assertMirrorsSource(Set<String> liveBuckets, Set<String> keptIds) throws Exception {
    Map<String, JsonNode> docs = inspector.documents();
    Set<String> expectedIds = new TreeSet<>(keptIds);
    for (String bucket : liveBuckets) {
      Map<String, S3Object> objects = serverObjects(bucket);
      assertEquals(source.get(bucket).keySet().size(), objects.size(), "objects in " + bucket);
      expectedIds.addAll(objects.keySet());
      for (Map.Entry<String, S3Object> e : objects.entrySet()) {
        S3Object o = e.getValue();
        JsonNode doc = docs.get(e.getKey());
        assertNotNull(doc, "document for " + bucket + "/" + o.key());
        assertEquals(e.getKey(), doc.path("id").asText());
        assertEquals(o.key(), doc.path("filename").asText(), "filename of " + o.key());
        assertEquals(bucket, doc.path("bucket").asText(), "bucket of " + o.key());
        assertEquals((long) o.size(), doc.path("size_in_bytes").asLong(), "size of " + o.key());
        assertEquals(source.get(bucket).get(o.key()).length, doc.path("size_in_bytes").asInt());
        String owner = o.owner() == null || o.owner().displayName() == null ? "" : o.owner().displayName();
        assertEquals(owner, doc.path("owner").asText(), "owner of " + o.key());
        assertEquals(o.storageClassAsString(), doc.path("storage_class").asText(), "storage class of " + o.key());
        assertEquals(IsoTimes.isoformat(o.lastModified()), doc.path("_timestamp").asText(), "_timestamp of " + o.key());
        String token = ObjectDocuments.token(o.lastModified(), o.size(), o.eTag());
        assertTrue(doc.path("_token").asText().startsWith(token + "#"),
            "_token of " + o.key() + " carries time, size and the server's ETag: want " + token + "#..., got "
                + doc.path("_token").asText());
        assertEquals(parentScope(bucket, o.key()), doc.path("_scope").asText(), "_scope of " + o.key());
        if (o.key().endsWith(".txt")) {
          String want = FileCorpus.reduced(new String(source.get(bucket).get(o.key()), StandardCharsets.UTF_8));
          String got = doc.path("body").asText();
          assertTrue(want.equals(got), "body of " + bucket + "/" + o.key() + ": expected " + want.length()
              + " chars starting '" + abbreviate(want) + "', got " + got.length() + " chars starting '"
              + abbreviate(got) + "'; content error: " + doc.path("_content_error").asText());
        }
        if (o.key().endsWith("/")) {
          assertEquals("", doc.path("body").asText(null), "a folder key has an empty body");
        }
      }
    }
    assertEquals(expectedIds, docs.keySet(), "document ids in the index");
    assertEquals(expectedIds.size(), inspector.count(), "_count");
    return docs;
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }

  private int itemCount() {
    return source.values().stream().mapToInt(Map::size).sum();
  }

  @Test
  @Order(0)
  void flinkRunnerBuildsTheSameIndex() throws Exception {
    RunnerParity.assertFlinkMatchesDirect("s3", config(), INDEX);
  }

  @Test
  @Order(1)
  void initialSyncMirrorsEveryObject() throws Exception {
    SyncSummary summary = sync();
    Map<String, JsonNode> docs = assertMirrorsSource(Set.of(MAIN, OTHER), Set.of());
    Map<String, JsonNode> byPath = new TreeMap<>();
    for (JsonNode d : docs.values()) {
      if (d.path("bucket").asText().equals(MAIN) && !d.path("filename").asText().equals(FOLDER_KEY)) {
        byPath.put(d.path("filename").asText(), d);
      }
    }
    corpus.assertContent(byPath);
    long total = itemCount();
    SyncAssertions.assertCleanFullSync(summary, total);
  }

  @Test
  @Order(2)
  void noOpResyncWritesAndDownloadsNothing() throws Exception {
    SyncSummary summary = SyncAssertions.assertNoOpSync(inspector, () -> sync());
    assertEquals(itemCount(), summary.get(SyncCounters.UNCHANGED));
    assertMirrorsSource(Set.of(MAIN, OTHER), Set.of());
  }

  @Test
  @Order(3)
  void changesAreMirroredExactly() throws Exception {
    ContentIndex.OperationTotals before = inspector.totals();
    put(MAIN, "added0.txt", "A new root file.".getBytes(StandardCharsets.UTF_8));
    put(MAIN, "folder1/added1.txt", "A new file in folder1.".getBytes(StandardCharsets.UTF_8));
    put(MAIN, "brand-new/deep/added2.txt", "A new file in a new prefix.".getBytes(StandardCharsets.UTF_8));
    put(MAIN, "file0.txt", "Changed root file.".getBytes(StandardCharsets.UTF_8));
    put(MAIN, "folder1/file1.txt", "Changed file in folder1, longer than before.".getBytes(StandardCharsets.UTF_8));
    put(MAIN, "folder2/nested/file2.txt", "Changed nested file.".getBytes(StandardCharsets.UTF_8));
    delete(MAIN, "file3.txt");
    delete(MAIN, "folder4/file4.txt");
    delete(MAIN, "folder5/nested/file5.txt");
    SyncSummary summary = sync();
    assertMirrorsSource(Set.of(MAIN, OTHER), Set.of());
    assertEquals(3, summary.get(SyncCounters.CREATED));
    assertEquals(3, summary.get(SyncCounters.UPDATED));
    assertEquals(3, summary.get(SyncCounters.DELETED));
    assertEquals(6, summary.get(SyncCounters.CONTENT_FETCHED));
    ContentIndex.OperationTotals after = inspector.totals();
    assertEquals(6, after.indexTotal() - before.indexTotal(), "index operations");
    assertEquals(3, after.deleteTotal() - before.deleteTotal(), "delete operations");
  }

  /** The record the real store lists for one root key of a bucket (through the connector's own store). */
  private SourceRecord listed(String bucket, String key) throws Exception {
    ConnectorConfiguration c = new S3Connector().configuration(config());
    return find(((ObjectStoreListing<?>) new S3Connector().listing(c)).store(), bucket, key);
  }

  private static <O> SourceRecord find(ObjectStore<O> store, String bucket, String key) throws Exception {
    try (ObjectStore.Session<O> session = store.connect()) {
      StoreUnit unit = StoreUnit.root(bucket, "");
      String token = null;
      do {
        ObjectPage<O> page = session.page(unit, token);
        for (O o : page.objects()) {
          SourceRecord r = store.describe(unit, o);
          if (r.id().equals(md5(bucket + "/" + key))) {
            return r;
          }
        }
        token = page.nextToken();
      } while (token != null);
    }
    throw new AssertionError(key + " is not listed in " + bucket);
  }

  /** An overwrite with the same size and different bytes is fetched again and changes the token. */
  @Test
  @Order(4)
  void aSameSizeOverwriteIsSeen() throws Exception {
    byte[] v1 = "same size, first  bytes".getBytes(StandardCharsets.UTF_8);
    byte[] v2 = "same size, second bytes".getBytes(StandardCharsets.UTF_8);
    assertEquals(v1.length, v2.length);
    put(MAIN, "same-size.txt", v1);
    sync();
    String before = inspector.documents().get(md5(MAIN + "/same-size.txt")).path("_token").asText();
    put(MAIN, "same-size.txt", v2);
    SyncSummary summary = sync();
    assertEquals(1, summary.get(SyncCounters.UPDATED));
    assertEquals(1, summary.get(SyncCounters.CONTENT_FETCHED));
    JsonNode doc = inspector.documents().get(md5(MAIN + "/same-size.txt"));
    assertEquals("same size, second bytes", doc.path("body").asText().trim());
    assertFalse(before.equals(doc.path("_token").asText()), "the token changed");
    assertMirrorsSource(Set.of(MAIN, OTHER), Set.of());
  }

  /**
   * On the server's own listing, two writes shown with the same modification time get different
   * tokens (their ETags differ). Retried until both writes fall within one reported time; reported
   * as skipped when the server's times are finer than two writes can be made (S3Mock reports
   * milliseconds; AWS reports seconds). The unit tests cover the token itself.
   */
  @Test
  @Order(5)
  void writesWithOneListedTimeGetDifferentTokens() throws Exception {
    byte[] v1 = "same size, first  bytes".getBytes(StandardCharsets.UTF_8);
    byte[] v2 = "same size, second bytes".getBytes(StandardCharsets.UTF_8);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    boolean sameTime = false;
    for (int i = 0; !sameTime && Instant.now().isBefore(deadline); i++) {
      put(MAIN, "same-second.txt", v1);
      SourceRecord first = listed(MAIN, "same-second.txt");
      put(MAIN, "same-second.txt", v2);
      SourceRecord second = listed(MAIN, "same-second.txt");
      if (first.timestamp().equals(second.timestamp())) {
        sameTime = true;
        assertFalse(first.token().equals(second.token()), "same time, same size, other bytes: " + first.token());
        assertEquals(first.fieldsJson(), second.fieldsJson());
      }
    }
    delete(MAIN, "same-second.txt");
    org.junit.jupiter.api.Assumptions.assumeTrue(sameTime,
        "the server never reported two overwrites with one modification time; the unit tests cover the case");
  }

  @Test
  @Order(6)
  void aMissingConfiguredBucketIsAConfigurationErrorThatChangesNothing() throws Exception {
    Map<String, JsonNode> before = inspector.documents();
    ContentIndex.OperationTotals totals = inspector.totals();
    long otherDocs = before.values().stream().filter(d -> d.path("bucket").asText().equals(OTHER)).count();
    assertEquals(6, otherDocs);
    dropBucket(OTHER);
    source.remove(OTHER);
    delete(MAIN, "file6.txt");

    ConfigurationException e = assertThrows(ConfigurationException.class, this::sync);
    assertTrue(e.getMessage().contains("(buckets)") && e.getMessage().contains("'" + OTHER + "'"), e.getMessage());
    assertFalse(e.getMessage().contains("'" + MAIN + "'"), e.getMessage());
    assertEquals(before.keySet(), inspector.documents().keySet(), "nothing deleted");
    assertEquals(totals, inspector.totals(), "nothing written");

    // Fixing the configuration (the bucket is really gone) mirrors what is left.
    Map<String, Object> fixed = config();
    fixed.put("buckets", MAIN);
    SyncSummary summary = SyncRunner.of("s3", INDEX, fixed).run();
    assertTrue(summary.clean(), summary.issues().toString());
    assertEquals(7, summary.get(SyncCounters.DELETED), "file6 and the six documents of the dropped bucket");
    assertMirrorsSource(Set.of(MAIN), Set.of());
  }

  @Test
  @Order(7)
  void badConfigurationNamesTheField() {
    Map<String, Object> bad = config();
    bad.put("page_size", "lots");
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> SyncRunner.of("s3", INDEX, bad).run());
    assertTrue(e.getMessage().contains("(page_size)"), e.getMessage());

    Map<String, Object> wrongEndpoint = config();
    wrongEndpoint.put("endpoint", "http://127.0.0.1:1");
    wrongEndpoint.put("max_attempts", "1");
    wrongEndpoint.put("connect_timeout", "2");
    wrongEndpoint.put("aws_secret_access_key", "Wrong-Secret-Value-42");
    FullSyncPipeline.SourceUnreachableException pinged = assertThrows(
        FullSyncPipeline.SourceUnreachableException.class,
        () -> SyncRunner.of("s3", INDEX, wrongEndpoint).run());
    assertFalse(pinged.getMessage().contains("Wrong-Secret-Value-42"), pinged.getMessage());
    assertTrue(pinged.getMessage().contains("ListBuckets"), pinged.getMessage());
  }
}
