package io.beamconnectors.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.sources.Scope;
import io.beamconnectors.sources.SourceRecord;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link ListedTally}, the per-bundle facts of the listing, and {@link ListedSummary}, their type and coder. */
class ListedTallyTest {
  private static final BoundedWindow OTHER = new IntervalWindow(new Instant(0), new Instant(1000));

  private static SourceRecord record(String id, String scope) {
    return SourceRecord.of(id, "t", Scope.parse(scope), "{}");
  }

  private static List<String> ids(byte[] packed) {
    List<String> out = new ArrayList<>();
    PackedIds.forEachSpan(packed, (b, off, len) -> out.add(new String(b, off, len, StandardCharsets.UTF_8)));
    return out;
  }

  /** Everything drained, by window. */
  private static Map<BoundedWindow, List<ListedSummary>> drain(ListedTally tally) {
    Map<BoundedWindow, List<ListedSummary>> out = new HashMap<>();
    tally.drain((s, w) -> out.computeIfAbsent(w, k -> new ArrayList<>()).add(s));
    return out;
  }

  @Test
  void drainsDistinctScopesIdsAndFoundCountsPerWindow() {
    ListedTally tally = new ListedTally(true);
    for (String id : List.of("", "0", "a|b", "Straße", "STRASSE", "🙂")) {
      assertNull(tally.add(record(id, "s1"), GlobalWindow.INSTANCE));
    }
    assertNull(tally.add(record("x", "s2"), GlobalWindow.INSTANCE));
    assertNull(tally.add(record("y", "s1"), OTHER));
    tally.addFound(GlobalWindow.INSTANCE, 4);
    tally.addFound(GlobalWindow.INSTANCE, 0);
    tally.addFound(GlobalWindow.INSTANCE, 2);
    tally.addHeld(GlobalWindow.INSTANCE, 7);
    tally.addHeld(GlobalWindow.INSTANCE, 3);
    tally.addHeld(GlobalWindow.INSTANCE, 5);

    Map<BoundedWindow, List<ListedSummary>> out = drain(tally);
    TreeSet<String> scopes = new TreeSet<>();
    List<String> listed = new ArrayList<>();
    List<Long> found = new ArrayList<>();
    List<Long> held = new ArrayList<>();
    for (ListedSummary s : out.get(GlobalWindow.INSTANCE)) {
      switch (s.kind()) {
        case SCOPE -> assertTrue(scopes.add(s.scope()), "scope sent twice: " + s.scope());
        case ID_CHUNK -> listed.addAll(ids(s.idChunk()));
        case FOUND -> found.add(s.count());
        case HELD -> held.add(s.count());
      }
    }
    assertEquals(new TreeSet<>(List.of(Scope.parse("s1").path(), Scope.parse("s2").path())), scopes);
    assertEquals(List.of("", "0", "a|b", "Straße", "STRASSE", "🙂", "x"), listed);
    assertEquals(List.of(6L), found, "the window's found counts, summed");
    assertEquals(List.of(3L), held, "the window's smallest held count");
    assertEquals(List.of(ListedSummary.scope(Scope.parse("s1").path()), ListedSummary.idChunk(ids("y"))), out.get(OTHER));
    assertEquals(Map.of(), drain(tally), "a drained tally starts empty");
  }

  private static byte[] ids(String... ids) {
    PackedIds p = new PackedIds();
    for (String id : ids) {
      p.add(id);
    }
    return p.toByteArray();
  }

  @Test
  void withoutIdsOnlyScopes() {
    ListedTally tally = new ListedTally(false);
    tally.add(record("a", "s1"), GlobalWindow.INSTANCE);
    tally.add(record("b", "s1"), GlobalWindow.INSTANCE);
    assertEquals(Map.of(GlobalWindow.INSTANCE, List.of(ListedSummary.scope(Scope.parse("s1").path()))), drain(tally));
  }

  @Test
  void aFullChunkIsHandedOnAtOnceAndTheRestAtTheEnd() {
    ListedTally tally = new ListedTally(true);
    String big = "k".repeat(400);
    List<String> handedOn = new ArrayList<>();
    int added = 0;
    ListedSummary full = null;
    while (full == null) {
      full = tally.add(record(big + added, "s"), GlobalWindow.INSTANCE);
      added++;
    }
    assertEquals(ListedSummary.Kind.ID_CHUNK, full.kind());
    assertTrue(full.idChunk().length >= ListedTally.ID_CHUNK_BYTES, "sent before it was full");
    assertTrue(full.idChunk().length < ListedTally.ID_CHUNK_BYTES + 500, "sent well after it was full");
    handedOn.addAll(ids(full.idChunk()));
    assertNull(tally.add(record("after", "s"), GlobalWindow.INSTANCE));
    for (ListedSummary s : drain(tally).get(GlobalWindow.INSTANCE)) {
      if (s.kind() == ListedSummary.Kind.ID_CHUNK) {
        handedOn.addAll(ids(s.idChunk()));
      }
    }
    assertEquals(added + 1, handedOn.size());
    assertEquals(big + 0, handedOn.get(0));
    assertEquals(big + (added - 1), handedOn.get(added - 1));
    assertEquals("after", handedOn.get(added));
  }

  @Test
  void everyKindSurvivesItsCoder() throws Exception {
    for (ListedSummary s : List.of(ListedSummary.scope(""), ListedSummary.scope("a/b\n|Ω🙂"), ListedSummary.idChunk(new byte[0]),
        ListedSummary.idChunk(ids("", "0", "Straße")), ListedSummary.found(0), ListedSummary.found(-1),
        ListedSummary.found(Long.MAX_VALUE), ListedSummary.held(0), ListedSummary.held(12345678901L),
        ListedSummary.issue(io.beamconnectors.sources.ListingIssue.failed(io.beamconnectors.sources.Scope.of("db", "t|Ω"), "")),
        ListedSummary.issue(io.beamconnectors.sources.ListingIssue.skipped(io.beamconnectors.sources.Scope.wholeSource(), "a\nb")))) {
      byte[] bytes = CoderUtils.encodeToByteArray(ListedSummary.Coder.of(), s);
      ListedSummary back = CoderUtils.decodeFromByteArray(ListedSummary.Coder.of(), bytes);
      assertEquals(s, back);
      assertEquals(s.kind(), back.kind());
    }
    byte[] chunk = ids("a", "b");
    assertArrayEquals(chunk, CoderUtils.decodeFromByteArray(ListedSummary.Coder.of(),
        CoderUtils.encodeToByteArray(ListedSummary.Coder.of(), ListedSummary.idChunk(chunk))).idChunk());
  }

  @Test
  void foundAndHeldAreDifferentFacts() {
    assertNotEquals(ListedSummary.found(3), ListedSummary.held(3));
  }

  @Test
  void aWrongKindByteIsAClearError() {
    CoderException e = assertThrows(CoderException.class, () -> ListedSummary.Coder.of().decode(new ByteArrayInputStream(new byte[] {9})));
    assertTrue(e.getMessage().contains("kind byte 9"), e.getMessage());
    // The first byte past the last kind.
    byte past = (byte) ListedSummary.Kind.values().length;
    e = assertThrows(CoderException.class, () -> ListedSummary.Coder.of().decode(new ByteArrayInputStream(new byte[] {past})));
    assertTrue(e.getMessage().contains("kind byte " + past), e.getMessage());
    assertThrows(CoderException.class, () -> ListedSummary.Coder.of().decode(new ByteArrayInputStream(new byte[0])));
  }
}
