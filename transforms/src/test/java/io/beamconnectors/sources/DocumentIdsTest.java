package io.beamconnectors.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class DocumentIdsTest {
  @Test
  void idsUpTo512BytesAreKeptLongerOnesBecomeTheirMd5() {
    String ok = "a".repeat(512);
    assertSame(ok, DocumentIds.normalize(ok));
    String tooLong = "é".repeat(300); // 600 UTF-8 bytes
    String hashed = DocumentIds.normalize(tooLong);
    assertEquals(32, hashed.length());
    assertEquals(hashed, DocumentIds.normalize(tooLong), "stable across syncs");
    assertEquals(hashed, SourceRecord.of(tooLong, "t", Scope.wholeSource(), "{}").id());
  }
}
