package io.beamconnectors.ftest.networkdrive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.beamconnectors.sync.SyncCounters;
import io.beamconnectors.sync.SyncSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * `make ftest NAME=network_drive`: a real Samba server (ftest/fixtures/samba.sh, on a non-default
 * port) synced into a real Elasticsearch. The test writes the tree directly into the directory
 * that backs the share and computes the expected documents from the local file system (inode =
 * the SMB file id Samba reports, mtime = the change token), independently of the connector.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetworkDriveFtest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INDEX = "search-ftest-network_drive";
  private static final String SHARE_OWNER = "bcsmb";

  private final String host = FixtureEnv.require("BC_SMB_HOST", "samba");
  private final String share = FixtureEnv.require("BC_SMB_SHARE", "samba");
  private final Path shareDir = Path.of(FixtureEnv.require("BC_SMB_SHARE_DIR", "samba"));
  private FileCorpus corpus;
  private IndexInspector inspector;
  private Instant started;

  @BeforeAll
  void setUp() throws Exception {
    started = Instant.now().minusSeconds(5);
    try (Stream<Path> s = Files.list(shareDir)) {
      for (Path p : s.collect(Collectors.toList())) {
        deleteTree(p);
      }
    }
    corpus = FileCorpus.standard();
    for (Map.Entry<String, byte[]> e : corpus.files().entrySet()) {
      write(e.getKey(), e.getValue());
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

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.delete(q);
      }
    }
  }

  /** Writes a file (in place when it exists, keeping its inode) and hands it to the share's user. */
  private void write(String relative, byte[] bytes) throws IOException {
    Path p = shareDir.resolve(relative);
    UserPrincipal owner = shareDir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SHARE_OWNER);
    Path dir = p.getParent();
    Files.createDirectories(dir);
    for (Path d = dir; !d.equals(shareDir); d = d.getParent()) {
      Files.setOwner(d, owner);
    }
    Files.write(p, bytes, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    Files.setOwner(p, owner);
  }

  private Map<String, Object> config() {
    Map<String, Object> c = new HashMap<>();
    c.put("username", FixtureEnv.require("BC_SMB_USER", "samba"));
    c.put("password", FixtureEnv.require("BC_SMB_PASSWORD", "samba"));
    c.put("server_ip", host);
    c.put("server_port", FixtureEnv.require("BC_SMB_PORT", "samba"));
    c.put("drive_path", share);
    return c;
  }

  private SyncSummary sync() throws Exception {
    return SyncRunner.of("network_drive", INDEX, config()).run();
  }

  /** Python's isoformat of an aware UTC datetime at the millisecond precision SMB gives us. */
  private static String iso(long millis) {
    Instant i = Instant.ofEpochMilli(millis);
    String s = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC).format(i);
    if (millis % 1000 != 0) {
      s += String.format(".%03d000", Math.floorMod(millis, 1000L));
    }
    return s + "+00:00";
  }

  /** Expected documents (without body and created_at) by relative path, from the local tree. */
  private Map<String, ObjectNode> expected() throws IOException {
    Map<String, ObjectNode> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(shareDir)) {
      for (Path p : s.collect(Collectors.toList())) {
        if (p.equals(shareDir)) {
          continue;
        }
        String rel = shareDir.relativize(p).toString().replace('\\', '/');
        boolean dir = Files.isDirectory(p);
        ObjectNode d = JSON.createObjectNode();
        String id = Files.getAttribute(p, "unix:ino").toString();
        d.put("id", id);
        d.put("path", "\\\\" + host + "\\" + share + "\\" + rel.replace('/', '\\'));
        d.put("title", p.getFileName().toString());
        d.put("type", dir ? "folder" : "file");
        d.put("size", dir ? 0 : Files.size(p));
        d.put("_timestamp", iso(Files.getLastModifiedTime(p).toMillis()));
        int slash = rel.lastIndexOf('/');
        d.put("_scope", slash < 0 ? share : share + "/" + rel.substring(0, slash));
        out.put(rel, d);
      }
    }
    return out;
  }

  /** The index equals the source: ids, every metadata field, and the extracted text. */
  private void assertMirrorsSource(FileCorpus content) throws Exception {
    Map<String, ObjectNode> expected = expected();
    Map<String, JsonNode> docs = inspector.documents();
    assertEquals(expected.values().stream().map(d -> d.path("id").asText()).collect(Collectors.toSet()),
        docs.keySet(), "document ids in the index");
    Map<String, JsonNode> fileDocsByPath = new TreeMap<>();
    for (Map.Entry<String, ObjectNode> e : expected.entrySet()) {
      JsonNode doc = docs.get(e.getValue().path("id").asText());
      assertNotNull(doc, "document of " + e.getKey());
      ObjectNode meta = doc.deepCopy();
      String created = meta.remove("created_at").asText();
      assertTrue(created.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?\\+00:00"), "created_at " + created);
      Instant createdAt = java.time.OffsetDateTime.parse(created).toInstant();
      assertTrue(!createdAt.isBefore(started) && !createdAt.isAfter(Instant.now()), "created_at of " + e.getKey() + ": " + created);
      meta.remove("body");
      meta.remove("_content_error");
      assertEquals(JSON.readTree(e.getValue().toString()), JSON.readTree(meta.toString()), "metadata of " + e.getKey());
      if (e.getValue().path("type").asText().equals("file")) {
        fileDocsByPath.put(e.getKey(), doc);
      } else {
        assertFalse(doc.has("body"), "a folder has no body");
      }
    }
    content.assertContent(fileDocsByPath);
    assertEquals(expected.size(), inspector.count(), "_count");
  }

  private static long folders(Map<String, byte[]> files) {
    return files.keySet().stream().filter(f -> f.contains("/"))
        .flatMap(f -> {
          List<String> dirs = new java.util.ArrayList<>();
          for (int i = f.indexOf('/'); i >= 0; i = f.indexOf('/', i + 1)) {
            dirs.add(f.substring(0, i));
          }
          return dirs.stream();
        }).distinct().count();
  }

  @Test
  @Order(0)
  void flinkRunnerBuildsTheSameIndex() throws Exception {
    // Samba on a file system without birth times derives created_at from the oldest of the file's
    // times, so the first sync's reads can move it for the second (see docs/connectors/network_drive.md).
    RunnerParity.assertFlinkMatchesDirect("network_drive", config(), INDEX, java.util.Set.of("created_at"));
  }

  @Test
  @Order(1)
  void initialSyncMirrorsTheShare() throws Exception {
    SyncSummary summary = sync();
    assertMirrorsSource(corpus);
    long items = corpus.files().size() + folders(corpus.files());
    SyncAssertions.assertCleanFullSync(summary, items);
  }

  @Test
  @Order(2)
  void noOpResyncWritesAndDownloadsNothing() throws Exception {
    SyncSummary summary = SyncAssertions.assertNoOpSync(inspector, () -> sync());
    assertMirrorsSource(corpus);
  }


  @Test
  @Order(3)
  void changesAreMirroredExactly() throws Exception {
    ContentIndex.OperationTotals before = inspector.totals();
    Map<String, byte[]> files = corpus.files();
    // Adds and deletes in the share root (the root is not a document, so no folder's time moves);
    // adds first, so the file system cannot hand a deleted file's inode (= id) to a new file.
    for (int i = 0; i < 3; i++) {
      String name = "added" + i + ".txt";
      byte[] b = ("A brand new file " + i + " with   some text").getBytes(StandardCharsets.UTF_8);
      write(name, b);
      files.put(name, b);
    }
    List<String> modified = List.of("folder1/file1.txt", "folder2/nested/file2.txt", "file3.txt");
    for (String m : modified) {
      byte[] b = ("Changed content of " + m + ", now longer than before.").getBytes(StandardCharsets.UTF_8);
      write(m, b);
      files.put(m, b);
    }
    for (String d : List.of("file0.txt", "file6.txt", "file9.txt")) {
      Files.delete(shareDir.resolve(d));
      files.remove(d);
    }
    SyncSummary summary = sync();
    assertMirrorsSource(corpus);
    assertEquals(3, summary.get(SyncCounters.CREATED));
    assertEquals(3, summary.get(SyncCounters.UPDATED));
    assertEquals(3, summary.get(SyncCounters.DELETED));
    assertEquals(6, summary.get(SyncCounters.CONTENT_FETCHED));
    ContentIndex.OperationTotals after = inspector.totals();
    assertEquals(6, after.indexTotal() - before.indexTotal(), "index operations: 3 updated + 3 created");
    assertEquals(3, after.deleteTotal() - before.deleteTotal(), "delete operations");
  }

  @Test
  @Order(4)
  void unreadableFolderKeepsItsDocuments() throws Exception {
    Path locked = shareDir.resolve("folder3");
    Map<String, JsonNode> before = inspector.documents();
    List<String> underLocked = before.entrySet().stream()
        .filter(e -> e.getValue().path("_scope").asText().startsWith(share + "/folder3"))
        .map(Map.Entry::getKey).collect(Collectors.toList());
    assertTrue(underLocked.size() > 10, "folder3 has documents: " + underLocked.size());
    String deletedId = Files.getAttribute(shareDir.resolve("file12.txt"), "unix:ino").toString();
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    try {
      Files.delete(shareDir.resolve("file12.txt"));
      corpus.files().remove("file12.txt");
      SyncSummary summary = sync();
      assertFalse(summary.clean());
      assertTrue(summary.get(SyncCounters.LISTING_FAILURES) >= 1);
      assertTrue(summary.issues().stream().anyMatch(i -> i.startsWith("FAILED " + share + "/folder3")),
          summary.issues().toString());
      assertEquals(1, summary.get(SyncCounters.DELETED), "only the file deleted elsewhere goes");
      assertTrue(summary.get(SyncCounters.DELETES_BLOCKED) > 0, "folder3's documents were protected, not just listed");
      Map<String, JsonNode> after = inspector.documents();
      for (String id : underLocked) {
        assertTrue(after.containsKey(id), "document " + id + " under the unreadable folder is kept");
      }
      assertFalse(after.containsKey(deletedId), "the other delete went through");
      assertEquals(before.size() - 1, after.size());
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    SyncSummary healed = sync();
    assertTrue(healed.clean(), healed.issues().toString());
    assertMirrorsSource(corpus);
  }

  @Test
  @Order(5)
  void wrongPasswordFailsThePingWithoutLeakingIt() throws Exception {
    Map<String, Object> wrong = config();
    wrong.put("password", "Wrong_secret_99");
    FullSyncPipeline.SourceUnreachableException e = assertThrows(FullSyncPipeline.SourceUnreachableException.class,
        () -> SyncRunner.of("network_drive", INDEX, wrong).run());
    assertFalse(e.getMessage().contains("Wrong_secret_99"), e.getMessage());
    Map<String, JsonNode> before = inspector.documents();
    SyncSummary summary = SyncRunner.of("network_drive", INDEX, wrong).arg("--ping=false").run();
    assertEquals(0, summary.get(SyncCounters.DELETED));
    assertTrue(summary.issues().stream().anyMatch(i -> i.startsWith("FAILED")), summary.issues().toString());
    assertEquals(before, inspector.documents(), "the index is untouched");
  }
}
