package io.beamconnectors.sources.networkdrive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.ftest.support.FixtureEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The network drive's directory listing on the real Samba server: a listing that reads each
 * entry's file id from the listing itself (FileIdBothDirectoryInformation) gives exactly what the
 * local file system behind the share says (inode, size, modification time, kind) and exactly what
 * the per-entry id query gives, for awkward names and for a folder whose entries take several
 * QUERY_DIRECTORY pages. Lives in the source's package to reach its package-private session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmbListingFtest {
  private static final String FOLDER = "smb-listing-ftest";
  /** Entries of the big folder, each with a name of about 120 UTF-16 units. */
  private static final int MANY = 1_200;
  private static final String LONG_NAME = "a long name so that one listing page holds only a couple of hundred entries "
      + "ü 文件 😀 ";

  private final Path shareDir = Path.of(FixtureEnv.require("BC_SMB_SHARE_DIR", "samba"));
  private Path root;

  @BeforeAll
  void setUp() throws IOException {
    root = shareDir.resolve(FOLDER);
    SambaShare.deleteTree(root);
    Map<String, byte[]> files = new TreeMap<>();
    files.put("weird #1 %x & ü/ünï 文件 #1 %20.txt", "unicode".getBytes(StandardCharsets.UTF_8));
    files.put("weird #1 %x & ü/Case.txt", "upper".getBytes(StandardCharsets.UTF_8));
    files.put("weird #1 %x & ü/case.txt", "lower, longer".getBytes(StandardCharsets.UTF_8));
    files.put("weird #1 %x & ü/empty.txt", new byte[0]);
    files.put("weird #1 %x & ü/.hidden", "dot file".getBytes(StandardCharsets.UTF_8));
    files.put("deep/er/est/leaf.txt", "deep".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < MANY; i++) {
      files.put("many/" + LONG_NAME + i + ".txt", new byte[i % 7]);
    }
    UserPrincipal owner = shareDir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("bcsmb");
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      Path p = root.resolve(e.getKey());
      Files.createDirectories(p.getParent());
      Files.write(p, e.getValue());
      Files.setOwner(p, owner);
    }
    Files.createDirectories(root.resolve("empty folder"));
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isDirectory).collect(Collectors.toList())) {
        Files.setOwner(p, owner);
      }
    }
  }

  @AfterAll
  void tearDown() throws IOException {
    SambaShare.deleteTree(root);
  }

  /** Walks the folder with one session: path inside the share -> "id size mtime kind" of every entry. */
  private static Map<String, String> walk(SmbSession session) throws IOException {
    Map<String, String> out = new TreeMap<>();
    Deque<String> folders = new ArrayDeque<>(List.of(FOLDER));
    while (!folders.isEmpty()) {
      for (SmbSession.Entry e : session.list(folders.pop())) {
        assertEquals(null, e.idError(), "id error of " + e.pathInShare());
        String previous = out.put(e.pathInShare(), Long.toUnsignedString(e.fileId()) + " " + e.size() + " "
            + e.modifiedMillis() + " " + (e.directory() ? "folder" : "file"));
        assertEquals(null, previous, "listed twice: " + e.pathInShare());
        if (e.directory()) {
          folders.push(e.pathInShare());
        }
      }
    }
    return out;
  }

  /** The same, from the file system behind the share (the inode is the file id Samba reports). */
  private Map<String, String> expected() throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(p -> !p.equals(root)).collect(Collectors.toList())) {
        boolean dir = Files.isDirectory(p);
        out.put(shareDir.relativize(p).toString(), Files.getAttribute(p, "unix:ino") + " " + (dir ? 0 : Files.size(p))
            + " " + Files.getLastModifiedTime(p).toMillis() + " " + (dir ? "folder" : "file"));
      }
    }
    return out;
  }

  @Test
  void idsFromTheListingAreTheFileSystemsAndThePerEntryQuerys() throws IOException {
    // Sanity of the fixture: the big folder cannot fit in one QUERY_DIRECTORY page (at most 64 KiB).
    int entryBytes = FileIdBothDirectoryInformation.FIXED_LENGTH + 2 * (LONG_NAME.length() + 8);
    assertTrue((long) MANY * entryBytes > 4L * 65_536, "the big folder needs several listing pages");

    Map<String, String> fromListing;
    try (SmbSession session = SmbSession.open(SambaShare.config(FOLDER))) {
      fromListing = walk(session);
    }
    Map<String, String> perEntry;
    try (SmbSession session = SmbSession.open(SambaShare.config(FOLDER))) {
      session.queryIdsPerEntry();
      perEntry = walk(session);
    }

    Map<String, String> expected = expected();
    assertEquals(MANY + 12, expected.size(), "entries on disk");
    assertEquals(expected, fromListing, "ids from the listing");
    assertEquals(expected, perEntry, "ids queried per entry");
  }

  @Test
  void anEmptyFolderListsNothingAndAMissingOneFails() throws IOException {
    try (SmbSession session = SmbSession.open(SambaShare.config(FOLDER))) {
      assertEquals(List.of(), session.list(FOLDER + "/empty folder"));
      IOException missing = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
          () -> session.list(FOLDER + "/no such folder"));
      assertTrue(SmbSession.isNotFound(missing), "reported as not found: " + missing);
      // The session is still usable after a failed listing (its handle was not left open or broken).
      assertEquals(MANY, session.list(FOLDER + "/many").size());
    }
  }
}
