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
import io.beamconnectors.metrics.CounterTotals;
import io.beamconnectors.pipelines.FullSyncPipeline;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.networkdrive.NetworkDriveConnector;
import io.beamconnectors.metrics.SyncCounters;
import io.beamconnectors.sync.SyncSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
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

  @BeforeAll
  void setUp() throws Exception {
    try (Stream<Path> s = Files.list(shareDir)) {
      for (Path p : s.collect(Collectors.toList())) {
        deleteTree(p);
      }
    }
    corpus = FileCorpus.standard();
    Map<String, byte[]> files = corpus.files();
    // Awkward names: unicode, URL metacharacters, spaces, case twins (distinct files on Samba), an empty file.
    files.put("weird dir #1 %x & ü/ünï 文件 #1 %20.txt", "Unicode name, URL metacharacters".getBytes(StandardCharsets.UTF_8));
    files.put("weird dir #1 %x & ü/Case.txt", "Upper case twin".getBytes(StandardCharsets.UTF_8));
    files.put("weird dir #1 %x & ü/case.txt", "lower case twin, longer".getBytes(StandardCharsets.UTF_8));
    files.put("weird dir #1 %x & ü/empty.txt", new byte[0]);
    // A folder the moved-folder test moves into "target".
    for (int i = 0; i < 5; i++) {
      files.put("movable/m" + i + ".txt", ("Moved file " + i).getBytes(StandardCharsets.UTF_8));
    }
    files.put("movable/sub/deep.txt", "Deep in the moved folder".getBytes(StandardCharsets.UTF_8));
    files.put("target/keep.txt", "The folder that receives the moved one".getBytes(StandardCharsets.UTF_8));
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

  private String ino(String relative) throws IOException {
    return Files.getAttribute(shareDir.resolve(relative), "unix:ino").toString();
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
        // The change token: modification time and size, then the engine's fingerprint of scope and fields.
        d.put("_token", iso(Files.getLastModifiedTime(p).toMillis()) + ";" + (dir ? 0 : Files.size(p)) + "#");
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
      assertFalse(meta.has("created_at"), "created_at moves when Samba's atime does: not indexed (" + e.getKey() + ")");
      String token = meta.path("_token").asText();
      String expectedTokenStart = e.getValue().path("_token").asText();
      assertTrue(token.startsWith(expectedTokenStart) && token.length() > expectedTokenStart.length(),
          "_token of " + e.getKey() + ": " + token + ", expected " + expectedTokenStart + "<fingerprint>");
      meta.put("_token", expectedTokenStart);
      meta.remove("body");
      meta.remove("_content_error");
      assertEquals(JSON.readTree(e.getValue().toString()), JSON.readTree(meta.toString()), "metadata of " + e.getKey());
      if (e.getValue().path("type").asText().equals("file")) {
        fileDocsByPath.put(e.getKey(), doc);
      } else {
        assertEquals("", doc.path("body").asText(null), "a folder has an empty body");
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
    // No field is left out: created_at, which Samba moves when a file is read, is no longer indexed.
    RunnerParity.assertFlinkMatchesDirect("network_drive", config(), INDEX);
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
  void anOverwriteWithinTheSameSecondIsReindexed() throws Exception {
    String name = "same-second.txt";
    byte[] first = "short".getBytes(StandardCharsets.UTF_8);
    write(name, first);
    corpus.files().put(name, first);
    FileTime second = FileTime.from(Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60));
    Files.setLastModifiedTime(shareDir.resolve(name), second);
    SyncSummary created = sync();
    assertEquals(1, created.get(SyncCounters.CREATED), "the new file");
    assertMirrorsSource(corpus);
    // Overwritten in place with other bytes of another length, and the very same modification time.
    byte[] overwritten = "a longer body, written within the same second".getBytes(StandardCharsets.UTF_8);
    write(name, overwritten);
    corpus.files().put(name, overwritten);
    Files.setLastModifiedTime(shareDir.resolve(name), second);
    assertEquals(second, Files.getLastModifiedTime(shareDir.resolve(name)));
    ContentIndex.OperationTotals before = inspector.totals();
    SyncSummary summary = sync();
    assertEquals(1, summary.get(SyncCounters.UPDATED), "the size is part of the token");
    assertEquals(1, summary.get(SyncCounters.CONTENT_FETCHED));
    assertEquals(1, inspector.totals().indexTotal() - before.indexTotal(), "one index operation");
    assertMirrorsSource(corpus);
  }

  @Test
  @Order(5)
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
      // SMB ids survive moves: file12 may have moved into the unreadable folder, so while it cannot
      // be listed nothing at all is deleted; the next complete sync deletes file12.
      assertEquals(0, summary.get(SyncCounters.DELETED), "nothing is deleted while a folder failed");
      assertTrue(summary.get(SyncCounters.DELETES_BLOCKED) > 0, "folder3's documents were protected, not just listed");
      Map<String, JsonNode> after = inspector.documents();
      for (String id : underLocked) {
        assertTrue(after.containsKey(id), "document " + id + " under the unreadable folder is kept");
      }
      assertTrue(after.containsKey(deletedId), "the file deleted elsewhere waits for a complete sync");
      assertEquals(before.size(), after.size());
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    SyncSummary healed = sync();
    assertTrue(healed.clean(), healed.issues().toString());
    assertEquals(1, healed.get(SyncCounters.DELETED), "file12 goes once every folder is listed");
    assertMirrorsSource(corpus);
  }

  /**
   * Issue 6, seen 4: a folder moved into another keeps its file ids and times; when it then cannot
   * be listed, its documents (stored under the old scope) must be kept, and the next sync must
   * move them to the new path and scope.
   */
  @Test
  @Order(6)
  void aMovedFolderThatFailsKeepsItsDocuments() throws Exception {
    Map<String, JsonNode> before = inspector.documents();
    List<String> movedIds = new java.util.ArrayList<>();
    for (String rel : List.of("movable/m0.txt", "movable/m1.txt", "movable/m2.txt", "movable/m3.txt", "movable/m4.txt",
        "movable/sub", "movable/sub/deep.txt")) {
      movedIds.add(ino(rel));
    }
    String movableId = ino("movable");
    for (String id : movedIds) {
      assertTrue(before.get(id).path("_scope").asText().startsWith(share + "/movable"), before.get(id).toString());
    }
    Path moved = shareDir.resolve("target/movable");
    Files.move(shareDir.resolve("movable"), moved); // a rename: inodes (ids) and times stay
    Map<String, byte[]> files = corpus.files();
    for (String rel : List.copyOf(files.keySet())) {
      if (rel.startsWith("movable/")) {
        files.put("target/" + rel, files.remove(rel));
      }
    }
    Files.setPosixFilePermissions(moved, PosixFilePermissions.fromString("---------"));
    try {
      SyncSummary summary = sync();
      assertFalse(summary.clean());
      assertTrue(summary.issues().stream().anyMatch(i -> i.startsWith("FAILED " + share + "/target/movable")),
          summary.issues().toString());
      assertEquals(0, summary.get(SyncCounters.DELETED), "nothing that still exists is deleted");
      assertEquals(0, summary.get(SyncCounters.CREATED));
      assertEquals(2, summary.get(SyncCounters.UPDATED), "the moved folder (new path and scope) and target (new mtime)");
      assertEquals(movedIds.size(), summary.get(SyncCounters.DELETES_BLOCKED), "the moved folder's contents, kept");
      Map<String, JsonNode> after = inspector.documents();
      assertEquals(before.keySet(), after.keySet(), "every document is kept");
      assertEquals(share + "/target", after.get(movableId).path("_scope").asText(), "the moved folder's own document moved");
      for (String id : movedIds) {
        assertEquals(before.get(id), after.get(id), "kept as it was: " + id);
      }
    } finally {
      Files.setPosixFilePermissions(moved, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    SyncSummary healed = sync();
    assertTrue(healed.clean(), healed.issues().toString());
    assertEquals(movedIds.size(), healed.get(SyncCounters.UPDATED), "the moved contents get their new path and scope");
    assertEquals(0, healed.get(SyncCounters.CREATED) + healed.get(SyncCounters.DELETED));
    // The engine downloads an updated file again even when only its fingerprint (path, scope) moved:
    // at most the six moved files, never anything else.
    assertTrue(healed.get(SyncCounters.CONTENT_FETCHED) <= 6, "downloads: " + healed.get(SyncCounters.CONTENT_FETCHED));
    assertMirrorsSource(corpus);
    SyncAssertions.assertNoOpSync(inspector, () -> sync());
  }

  @Test
  @Order(7)
  void wrongPasswordFailsThePingWithoutLeakingIt() throws Exception {
    Map<String, Object> wrong = config();
    wrong.put("password", "Wrong_secret_99");
    FullSyncPipeline.SourceUnreachableException e = assertThrows(FullSyncPipeline.SourceUnreachableException.class,
        () -> SyncRunner.of("network_drive", INDEX, wrong).run());
    assertFalse(e.getMessage().contains("Wrong_secret_99"), e.getMessage());
    Map<String, JsonNode> before = inspector.documents();
    // Without the ping, the check of drive_path is the first thing that connects: it fails the same way.
    FullSyncPipeline.SourceUnreachableException unchecked = assertThrows(
        FullSyncPipeline.SourceUnreachableException.class,
        () -> SyncRunner.of("network_drive", INDEX, wrong).arg("--ping=false").run());
    assertFalse(unchecked.getMessage().contains("Wrong_secret_99"), unchecked.getMessage());
    assertEquals(before, inspector.documents(), "the index is untouched");
  }

  /** Issue 6, deliver 3: a drive_path that names nothing is a configuration error; nothing is written. */
  @Test
  @Order(8)
  void aMissingConfiguredFolderIsAConfigurationError() throws Exception {
    Map<String, JsonNode> before = inspector.documents();
    ContentIndex.OperationTotals totals = inspector.totals();
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put(share + "/no such folder", "does not exist");
    cases.put(share + "/folder1/no such folder", "does not exist");
    cases.put("NoSuchShare_bc", "share 'NoSuchShare_bc' does not exist");
    cases.put(share + "/target/keep.txt", "is a file, not a folder");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Map<String, Object> typo = config();
      typo.put("drive_path", c.getKey());
      ConfigurationException e = assertThrows(ConfigurationException.class,
          () -> SyncRunner.of("network_drive", INDEX, typo).run(), c.getKey());
      assertTrue(e.getMessage().contains("drive_path") && e.getMessage().contains(c.getValue()), e.getMessage());
      assertFalse(e.getMessage().contains(FixtureEnv.require("BC_SMB_PASSWORD", "samba")), e.getMessage());
    }
    assertEquals(before, inspector.documents(), "the index is untouched");
    assertEquals(totals, inspector.totals(), "no index or delete operation");
  }

  /**
   * Issue 6, deliver 10: directory links back to the configured folder, to a folder inside it and
   * to the share root (above the configured folder), with Samba following links (its default for
   * links inside the share). Each folder is listed once; nothing from outside the configured
   * folder is indexed; the links are counted, not reported as issues, so deletes still happen.
   */
  @Test
  @Order(9)
  void aDirectoryLinkLoopIsWalkedOnce() throws Exception {
    write("loopbase/a/f1.txt", "first".getBytes(StandardCharsets.UTF_8));
    write("loopbase/a/b/f2.txt", "second".getBytes(StandardCharsets.UTF_8));
    write("loopbase/a/b/f3.txt", "third".getBytes(StandardCharsets.UTF_8));
    Files.createSymbolicLink(shareDir.resolve("loopbase/self"), Path.of("."));
    Files.createSymbolicLink(shareDir.resolve("loopbase/a/up"), Path.of(".."));
    Files.createSymbolicLink(shareDir.resolve("loopbase/a/b/back"), Path.of(".."));
    Files.createSymbolicLink(shareDir.resolve("loopbase/a/b/root"), Path.of("../../.."));
    List<String> inside = List.of("loopbase/a", "loopbase/a/f1.txt", "loopbase/a/b", "loopbase/a/b/f2.txt",
        "loopbase/a/b/f3.txt");
    Map<String, String> expectedIds = new TreeMap<>();
    for (String rel : inside) {
      expectedIds.put(ino(rel), rel);
    }
    Map<String, Object> loopConfig = config();
    loopConfig.put("drive_path", share + "/loopbase");

    // The listing alone, for its counters: three folders listed once each, four links skipped.
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    NetworkDriveConnector connector = new NetworkDriveConnector();
    p.apply(connector.listing(connector.configuration(loopConfig)));
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertEquals(3, counter(result, "folders_listed"), "loopbase, a, b");
    assertEquals(4, counter(result, "folder_links_back_skipped"), "self, up, back, root");
    assertEquals(inside.size(), counter(result, "entries_listed"));
    assertEquals(0, counter(result, "folders_failed"));

    String loopIndex = INDEX + "-loop";
    try (IndexInspector loop = new IndexInspector(IndexInspector.connection(loopIndex))) {
      loop.deleteIndex();
      SyncSummary first = SyncRunner.of("network_drive", loopIndex, loopConfig).run();
      SyncAssertions.assertCleanFullSync(first, inside.size());
      Map<String, JsonNode> docs = loop.documents();
      assertEquals(expectedIds.keySet(), docs.keySet(), "only the folder's own entries, each once");
      for (Map.Entry<String, String> e : expectedIds.entrySet()) {
        assertEquals("\\\\" + host + "\\" + share + "\\" + e.getValue().replace('/', '\\'),
            docs.get(e.getKey()).path("path").asText(), "path of " + e.getValue());
      }
      SyncAssertions.assertNoOpSync(loop, () -> SyncRunner.of("network_drive", loopIndex, loopConfig).run());

      // The skipped links block nothing: a delete inside the loop goes through on a clean sync.
      String f3 = ino("loopbase/a/b/f3.txt");
      Files.delete(shareDir.resolve("loopbase/a/b/f3.txt"));
      SyncSummary deleted = SyncRunner.of("network_drive", loopIndex, loopConfig).run();
      assertTrue(deleted.clean(), deleted.issues().toString());
      assertEquals(1, deleted.get(SyncCounters.DELETED));
      assertFalse(loop.documents().containsKey(f3));

      // The configured folder becomes unreadable: the whole source failed, nothing is deleted.
      Map<String, JsonNode> before = loop.documents();
      Files.setPosixFilePermissions(shareDir.resolve("loopbase"), PosixFilePermissions.fromString("---------"));
      try {
        SyncSummary failed = SyncRunner.of("network_drive", loopIndex, loopConfig).run();
        assertFalse(failed.clean());
        assertTrue(failed.issues().stream().anyMatch(i -> i.startsWith("FAILED <whole source>")),
            failed.issues().toString());
        assertEquals(0, failed.get(SyncCounters.DELETED));
        assertEquals(before, loop.documents(), "the index is untouched");
      } finally {
        Files.setPosixFilePermissions(shareDir.resolve("loopbase"), PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      loop.deleteIndex();
    }
  }

  /**
   * Files are written by the step that downloads them (on the DirectRunner and Flink): documents
   * Elasticsearch refuses fail alone, are counted as failed, and the rest of the files are indexed;
   * the next sync finds the refused ones missing and fails them again. The index maps {@code body}
   * as a keyword, so a file of more than 32,766 bytes of text is refused (an immense term); folders
   * and small files are taken. Names with unicode, a separator and a space; an empty file.
   */
  @Test
  @Order(10)
  void filesTheIndexRefusesFailAloneAndTheRestIsWritten() throws Exception {
    String big = "x".repeat(40_000);
    write("refused/small.txt", "a short text".getBytes(StandardCharsets.UTF_8));
    write("refused/big.txt", big.getBytes(StandardCharsets.UTF_8));
    write("refused/empty.txt", new byte[0]);
    write("refused/sub;1/ünï 😀.txt", ("d\u00e9j\u00e0 " + big).getBytes(StandardCharsets.UTF_8));
    write("refused/sub;1/0.txt", "0".getBytes(StandardCharsets.UTF_8));
    List<String> acceptedPaths = List.of("refused/small.txt", "refused/empty.txt", "refused/sub;1", "refused/sub;1/0.txt");
    java.util.Set<String> accepted = new java.util.TreeSet<>();
    for (String rel : acceptedPaths) {
      accepted.add(ino(rel));
    }
    Map<String, Object> refusedConfig = config();
    refusedConfig.put("drive_path", share + "/refused");
    SyncAssertions.twiceOnEachRunner("network_drive", INDEX + "-refused", refusedConfig,
        "{\"body\": {\"type\": \"keyword\"}}", (summary, where, round, index) -> {
          // Five files and a folder listed; the two large files refused.
          SyncAssertions.assertRefusedFailAlone(summary, where, round, 6, 2);
          assertEquals(round == 1 ? 4 : 2, summary.get(SyncCounters.CONTENT_FETCHED), where + "downloaded: the files with bytes");
          assertEquals(accepted, index.documents().keySet(), where + "the index holds the accepted files and the folder");
        });
  }

  private static long counter(PipelineResult result, String name) {
    return CounterTotals.of(result, "network_drive", name);
  }
}
