package io.beamconnectors.sources.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.jupiter.api.Test;

class TableChunkTest {
  private static final ListedTable TABLE =
      new ListedTable(new TableRef("sché_ma", "Tab le"), "r", List.of("order", "line no"));

  @Test
  void boundariesCutATableIntoConsecutiveChunks() {
    KeyBoundaries b = new KeyBoundaries(List.of("integer", "text"),
        List.of(List.of("0", ""), List.of("1", "é_ü")));
    List<TableChunk> chunks = TableChunk.split(TABLE, b);
    assertEquals(3, chunks.size());
    assertEquals(List.of(), chunks.get(0).lower());
    assertEquals(List.of("0", ""), chunks.get(0).upper());
    assertEquals(List.of("0", ""), chunks.get(1).lower(), "a chunk starts where the previous one ends");
    assertEquals(List.of("1", "é_ü"), chunks.get(1).upper());
    assertEquals(List.of("1", "é_ü"), chunks.get(2).lower());
    assertEquals(List.of(), chunks.get(2).upper());
    for (int i = 0; i < 3; i++) {
      assertEquals(i, chunks.get(i).index());
      assertEquals(3, chunks.get(i).count());
      assertTrue(!chunks.get(i).isWholeTable());
    }
    assertEquals("chunk 2/3 of sché_ma.Tab le", chunks.get(1).toString());
  }

  @Test
  void noBoundariesIsTheWholeTable() {
    List<TableChunk> chunks = TableChunk.split(TABLE, KeyBoundaries.none());
    assertEquals(List.of(TableChunk.whole(TABLE)), chunks);
    assertTrue(chunks.get(0).isWholeTable());
  }

  @Test
  void boundsMustMatchTheKey() {
    assertThrows(IllegalArgumentException.class,
        () -> new TableChunk(TABLE, 0, 2, List.of("integer"), List.of(), List.of("1")));
    assertThrows(IllegalArgumentException.class,
        () -> new TableChunk(TABLE, 2, 2, List.of("integer", "text"), List.of("1", "a"), List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> new KeyBoundaries(List.of("integer", "text"), List.of(List.of("1"))));
  }

  @Test
  void coderRoundTripsAndIsDeterministic() throws Exception {
    TableChunk awkward = new TableChunk(TABLE, 1, 3, List.of("integer", "text COLLATE \"C\""),
        List.of("0", ""), List.of("-1", "\uD83D\uDE00 \u0000 ' \""));
    CoderProperties.coderDecodeEncodeEqual(TableChunk.Coder.of(), awkward);
    CoderProperties.coderDecodeEncodeEqual(TableChunk.Coder.of(), TableChunk.whole(TABLE));
    CoderProperties.coderDeterministic(TableChunk.Coder.of(), awkward,
        new TableChunk(TABLE, 1, 3, List.of("integer", "text COLLATE \"C\""), List.of("0", ""),
            List.of("-1", "\uD83D\uDE00 \u0000 ' \"")));
    CoderProperties.coderSerializable(TableChunk.Coder.of());
  }
}
