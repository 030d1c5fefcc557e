package io.beamconnectors.sources.networkdrive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.sources.networkdrive.WalkRules.Action;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jcifs.smb.NtStatus;
import jcifs.smb.SmbException;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;

class WalkRulesTest {
  private static final long SHARE_ROOT = 100;
  private static final long CONFIGURED = 200;
  private static final long A = 300;

  /** share root (100) / configured folder (200) / a (300): the chain of folder a. */
  private static final FolderChain IN_A = FolderChain.empty().child(SHARE_ROOT).child(CONFIGURED).child(A);

  private static SmbSession.Entry folder(String path, long id) {
    return SmbSession.Entry.listed(path, SmbPaths.name(path), true, 0, 1000L, id);
  }

  private static SmbSession.Entry file(String path, long id) {
    return SmbSession.Entry.listed(path, SmbPaths.name(path), false, 3, 1000L, id);
  }

  private static SmbSession.Entry failing(String path, Exception e) {
    return SmbSession.Entry.withoutId(path, SmbPaths.name(path), true, e);
  }

  @Test
  void filesAreRecordsAndNewFoldersAreWalked() {
    assertEquals(Action.RECORD, WalkRules.decide(file("base/a/f.txt", 301), IN_A));
    assertEquals(Action.RECORD_AND_DESCEND, WalkRules.decide(folder("base/a/b", 302), IN_A));
  }

  @Test
  void aLinkToAnyFolderAboveIsNeitherRecordedNorWalked() {
    assertEquals(Action.SKIP_LINK_BACK, WalkRules.decide(folder("base/a/self", A), IN_A), "link to itself");
    assertEquals(Action.SKIP_LINK_BACK, WalkRules.decide(folder("base/a/up", CONFIGURED), IN_A),
        "link to the configured folder");
    assertEquals(Action.SKIP_LINK_BACK, WalkRules.decide(folder("base/a/root", SHARE_ROOT), IN_A),
        "link to the share root, above the configured folder");
  }

  @Test
  void aFileSharingAnAncestorsIdIsStillAFile() {
    assertEquals(Action.RECORD, WalkRules.decide(file("base/a/odd", A), IN_A));
  }

  @Test
  void withoutFileIdsNothingLooksLikeALinkBack() {
    FolderChain noIds = FolderChain.empty().child(0).child(0);
    assertEquals(Action.RECORD_AND_DESCEND, WalkRules.decide(folder("x", 0), noIds));
  }

  @Test
  void aLinkToASiblingIsWalked() {
    // Not a cycle: the sibling is walked twice, its documents are listed twice and the engine
    // reports the repeated ids as duplicates (documented as a limitation).
    assertEquals(Action.RECORD_AND_DESCEND, WalkRules.decide(folder("base/a/sib", 400), IN_A));
  }

  @Test
  void onlyNotFoundIsAVanish() {
    for (int status : new int[] {NtStatus.NT_STATUS_OBJECT_NAME_NOT_FOUND, NtStatus.NT_STATUS_OBJECT_PATH_NOT_FOUND,
        NtStatus.NT_STATUS_NO_SUCH_FILE}) {
      assertEquals(Action.SKIP_VANISHED, WalkRules.decide(failing("gone", new SmbException(status, false)), IN_A),
          Integer.toHexString(status));
      assertEquals(Action.SKIP_VANISHED, WalkRules.decide(failing("gone",
          new IOException("wrapped", new SmbException(status, false))), IN_A), "wrapped " + Integer.toHexString(status));
    }
    for (int status : new int[] {NtStatus.NT_STATUS_OBJECT_NAME_INVALID, NtStatus.NT_STATUS_ACCESS_DENIED,
        NtStatus.NT_STATUS_DELETE_PENDING, NtStatus.NT_STATUS_NOT_FOUND}) {
      assertEquals(Action.FAIL, WalkRules.decide(failing("bad", new SmbException(status, false)), IN_A),
          Integer.toHexString(status));
    }
    assertEquals(Action.FAIL, WalkRules.decide(failing("io", new IOException("connection reset")), IN_A));
    assertEquals(Action.FAIL, WalkRules.decide(failing("rt", new IllegalStateException("bug")), IN_A));
  }

  @Test
  void workUnitsSurviveTheirCoder() throws Exception {
    KvCoder<String, List<Long>> coder = NetworkDriveListing.workUnitCoder();
    coder.verifyDeterministic();
    FolderChain chain = FolderChain.empty().child(0).child(-1L).child(Long.MIN_VALUE).child(2154721L);
    KV<String, List<Long>> unit = KV.of("dir #1/ünï 文件/ ", chain.ids());
    KV<String, List<Long>> back = CoderUtils.decodeFromByteArray(coder, CoderUtils.encodeToByteArray(coder, unit));
    assertEquals(unit, back);
    assertEquals(chain, FolderChain.of(back.getValue()));
    assertTrue(FolderChain.of(back.getValue()).repeats(-1L), "unsigned ids above 2^63 survive");
    assertFalse(FolderChain.of(back.getValue()).repeats(0), "0 is 'no id', never a repeat");
  }

  /**
   * The rules applied as the listing applies them, to a share with links back to the configured
   * folder, to its parent and to the share root: the walk ends, lists each folder once and emits
   * nothing from outside the configured folder.
   */
  @Test
  void aTreeWithLinkLoopsIsWalkedOnce() {
    // share root 1 -> outside (file 2), cfg 3; cfg -> a 4, f 5; a -> b 6, toCfg(=3), toRoot(=1); b -> g 7, toA(=4)
    Map<Long, Map<String, Long>> dirs = new LinkedHashMap<>();
    dirs.put(1L, Map.of("outside.txt", 2L, "cfg", 3L));
    dirs.put(3L, Map.of("a", 4L, "f.txt", 5L));
    dirs.put(4L, Map.of("b", 6L, "toCfg", 3L, "toRoot", 1L));
    dirs.put(6L, Map.of("g.txt", 7L, "toA", 4L));
    FolderChain configured = FolderChain.empty().child(1).child(3);
    List<String> records = new ArrayList<>();
    int listings = 0;
    int linksBack = 0;
    Deque<Object[]> stack = new ArrayDeque<>();
    stack.push(new Object[] {"cfg", 3L, configured});
    while (!stack.isEmpty()) {
      Object[] top = stack.pop();
      listings++;
      assertTrue(listings < 100, "the walk ends");
      FolderChain chain = (FolderChain) top[2];
      for (Map.Entry<String, Long> child : dirs.get((Long) top[1]).entrySet()) {
        String path = top[0] + "/" + child.getKey();
        boolean isDir = dirs.containsKey(child.getValue());
        SmbSession.Entry e = isDir ? folder(path, child.getValue()) : file(path, child.getValue());
        switch (WalkRules.decide(e, chain)) {
          case SKIP_LINK_BACK -> linksBack++;
          case RECORD -> records.add(path);
          case RECORD_AND_DESCEND -> {
            records.add(path);
            stack.push(new Object[] {path, child.getValue(), chain.child(child.getValue())});
          }
          default -> throw new AssertionError(path);
        }
      }
    }
    assertEquals(3, listings, "cfg, a, b: each once");
    assertEquals(3, linksBack, "toCfg, toRoot, toA");
    records.sort(null);
    assertEquals(List.of("cfg/a", "cfg/a/b", "cfg/a/b/g.txt", "cfg/f.txt"), records);
  }
}
