package io.beamconnectors.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListedIdsTest {
  /** Awkward ids: empty, zero, separators, unicode, case twins, a long one. */
  private static final List<String> AWKWARD = List.of("", "0", "a,b;c\nd", "é/ü 1", "Straße", "STRASSE", "A", "a",
      "😀", "x".repeat(200), "a\u0000b");

  /** Packs {@code ids} into chunks of at most {@code perChunk} ids, as the listing's bundles do. */
  static List<byte[]> chunks(List<String> ids, int perChunk) {
    List<byte[]> out = new ArrayList<>();
    PackedIds packed = new PackedIds();
    for (String id : ids) {
      packed.add(id);
      if (packed.count() == perChunk) {
        out.add(packed.toByteArray());
        packed.clear();
      }
    }
    if (packed.count() > 0) {
      out.add(packed.toByteArray());
    }
    return out;
  }

  private static final ListedIds.IdHash ALL_COLLIDE = (bytes, offset, length) -> 7;

  @Test
  void eachIdListedOnceIsFoundOnceAndNothingRepeats() {
    for (ListedIds.IdHash hash : List.<ListedIds.IdHash>of(ListedIds::hash, ALL_COLLIDE)) {
      ListedIds ids = ListedIds.of(chunks(AWKWARD, 3), hash);
      assertEquals(AWKWARD.size(), ids.size());
      for (String id : AWKWARD) {
        assertEquals(1, ids.timesListed(id), id);
      }
      for (String never : List.of("b", "00", " ", "strasse", "x".repeat(199), "é/ü")) {
        assertEquals(0, ids.timesListed(never), never);
      }
      assertEquals(new ListedIds.Repeats(0, null), ids.repeats());
    }
  }

  @Test
  void repeatsAreCountedExactlyAcrossChunks() {
    List<String> listed = new ArrayList<>(AWKWARD);
    listed.addAll(List.of("b", "b", "é/ü 1", "b", "0"));
    for (ListedIds.IdHash hash : List.<ListedIds.IdHash>of(ListedIds::hash, ALL_COLLIDE)) {
      ListedIds ids = ListedIds.of(chunks(listed, 4), hash);
      // "b" 3 times (2 extra), "0" and "é/ü 1" twice (1 extra each); "0" sorts first.
      assertEquals(new ListedIds.Repeats(4, "0"), ids.repeats());
      assertEquals(2, ids.timesListed("b"));
      assertEquals(2, ids.timesListed("0"));
      assertEquals(1, ids.timesListed("a"), "a case twin of a repeat is not one");
      assertEquals(1, ids.timesListed("A"));
      assertEquals(0, ids.timesListed("c"));
    }
  }

  @Test
  void manyIdsOneRepeatedOften() {
    List<String> listed = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      listed.add("public_items_" + i);
    }
    for (int i = 0; i < 1_000; i++) {
      listed.add("public_items_77");
    }
    ListedIds ids = ListedIds.of(chunks(listed, 10_000));
    assertEquals(201_000, ids.size());
    assertEquals(new ListedIds.Repeats(1_000, "public_items_77"), ids.repeats());
    assertEquals(1, ids.timesListed("public_items_199999"));
    assertEquals(2, ids.timesListed("public_items_77"));
    assertEquals(0, ids.timesListed("public_items_200000"));
  }

  @Test
  void nothingListed() {
    ListedIds ids = ListedIds.of(List.of());
    assertEquals(0, ids.size());
    assertEquals(0, ids.timesListed(""));
    assertEquals(new ListedIds.Repeats(0, null), ids.repeats());
  }

  @Test
  void theChunksAreReadOnce() {
    List<byte[]> chunks = chunks(List.of("a", "b", "a"), 1);
    boolean[] read = {false};
    Iterable<byte[]> once = () -> {
      if (read[0]) {
        throw new IllegalStateException("read twice");
      }
      read[0] = true;
      return chunks.iterator();
    };
    ListedIds ids = ListedIds.of(once, ALL_COLLIDE);
    assertEquals(new ListedIds.Repeats(1, "a"), ids.repeats());
    assertEquals(2, ids.timesListed("a"));
  }

  @Test
  void aMalformedChunkIsRefused() {
    byte[] overlong = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ListedIds.of(List.of(overlong)));
    assertEquals("packed ids hold a length of more than 5 bytes", e.getMessage());
  }
}
