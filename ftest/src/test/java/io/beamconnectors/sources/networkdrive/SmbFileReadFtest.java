package io.beamconnectors.sources.networkdrive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.ftest.support.FixtureEnv;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.Random;
import jcifs.smb.NtStatus;
import jcifs.smb.SmbException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reading files on the real Samba server: a file listed under {@link SmbSession#READ_WHOLE_BELOW}
 * bytes is read in one compounded exchange, and whatever the file has become since it was listed
 * (grown past the buffer, grown a little, emptied, removed), the bytes read are the file's bytes
 * now, or the error the usual read gives. One session reads every file, so its reused buffer is
 * read after larger and smaller files.
 */
class SmbFileReadFtest {
  private static final String FOLDER = "smb-file-read-ftest";
  private final Path shareDir = Path.of(FixtureEnv.require("BC_SMB_SHARE_DIR", "samba"));
  private final Random random = new Random(7);
  private Path root;
  private UserPrincipal owner;

  @BeforeEach
  void setUp() throws IOException {
    root = shareDir.resolve(FOLDER);
    SambaShare.deleteTree(root);
    Files.createDirectories(root);
    owner = shareDir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("bcsmb");
    Files.setOwner(root, owner);
  }

  @AfterEach
  void tearDown() throws IOException {
    SambaShare.deleteTree(root);
  }

  @Test
  void eachFileReadsAsItIsNowInOneExchangeWhenSmallEnough() throws IOException {
    int limit = SmbSession.READ_WHOLE_BELOW;
    byte[] justUnder = put("just under ü 文件.bin", limit - 1);
    byte[] one = put("one byte #1 %20.txt", 1);
    byte[] atLimit = put("at the limit.bin", limit);
    byte[] grewPast = put("grew past the buffer.bin", 200_000);
    byte[] grewToBuffer = put("grew to the buffer.bin", limit + 1);
    byte[] grewALittle = put("grew a little.bin", 5_000);
    byte[] emptied = put("emptied.bin", 0);
    byte[] empty = put("empty.bin", 0);

    try (SmbSession session = SmbSession.open(SambaShare.config(FOLDER))) {
      // Listed sizes as the listing gave them, some stale: the file changed since.
      assertRead(session, "just under ü 文件.bin", limit - 1, justUnder, true);
      assertRead(session, "one byte #1 %20.txt", 1, one, true);
      assertRead(session, "at the limit.bin", limit, atLimit, false);
      assertRead(session, "grew past the buffer.bin", 10, grewPast, false);
      assertRead(session, "grew to the buffer.bin", 10, grewToBuffer, false);
      assertRead(session, "grew a little.bin", 10, grewALittle, true);
      assertRead(session, "empty.bin", 0, empty, false);
      assertArrayEquals(emptied, readAll(session, "emptied.bin", 10));
      SambaShare.openAlone(FOLDER, "emptied.bin"); // the compound's READ failed: its handle is closed all the same
      IOException gone = assertThrows(IOException.class, () -> readAll(session, "removed.bin", 10));
      assertTrue(SmbSession.isNotFound(gone), () -> "the usual read's not-found error: " + gone);
      assertRead(session, "one byte #1 %20.txt", 1, one, true);
    }
  }

  private void assertRead(SmbSession session, String name, long listedSize, byte[] expected, boolean inOneExchange)
      throws IOException {
    long before = session.filesReadWhole();
    assertArrayEquals(expected, readAll(session, name, listedSize), name);
    assertEquals(inOneExchange ? 1 : 0, session.filesReadWhole() - before, () -> name + " read in one exchange");
    SambaShare.openAlone(FOLDER, name); // no handle left open on it
  }

  /** The check that a read left no handle open fails while one is open: it can see a leak. */
  @Test
  void aFileHeldOpenCannotBeOpenedAlone() throws IOException {
    put("held open.txt", 10);
    try (SmbSession session = SmbSession.open(SambaShare.config(FOLDER))) {
      try (InputStream held = session.read(FOLDER + "/held open.txt")) {
        assertEquals(10, held.readAllBytes().length);
        SmbException refused = assertThrows(SmbException.class, () -> SambaShare.openAlone(FOLDER, "held open.txt"));
        assertEquals(NtStatus.NT_STATUS_SHARING_VIOLATION, refused.getNtStatus(), refused::toString);
      }
      SambaShare.openAlone(FOLDER, "held open.txt");
    }
  }

  /** Reads {@code name} in the test's folder, by its path inside the share, as the fetcher does. */
  private static byte[] readAll(SmbSession session, String name, long listedSize) throws IOException {
    try (InputStream in = session.read(FOLDER + "/" + name, listedSize)) {
      return in.readAllBytes();
    }
  }

  private byte[] put(String name, int size) throws IOException {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    Path p = root.resolve(name);
    Files.write(p, bytes);
    Files.setOwner(p, owner);
    return bytes;
  }
}
