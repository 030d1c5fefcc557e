package io.beamconnectors.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackedIdsTest {
  @Test
  void everyIdComesBackInOrder() {
    List<String> ids = List.of("", "0", "a\u0000b", "é/ü 1", "Straße", "STRASSE", "😀", "x".repeat(127), "y".repeat(128),
        "z".repeat(16_384), "a,b;c\nd", "a");
    PackedIds packed = new PackedIds();
    ids.forEach(packed::add);
    assertEquals(ids.size(), packed.count());
    assertEquals(ids, decoded(packed.toByteArray()));

    packed.clear();
    assertEquals(0, packed.count());
    assertEquals(0, packed.toByteArray().length);
  }

  @Test
  void aTruncatedRunIsRefused() {
    PackedIds packed = new PackedIds();
    packed.add("y".repeat(300));
    byte[] bytes = packed.toByteArray();
    assertThrows(IllegalArgumentException.class, () -> decoded(Arrays.copyOf(bytes, 1)));
    assertThrows(IllegalArgumentException.class, () -> decoded(Arrays.copyOf(bytes, 100)));
  }

  private static List<String> decoded(byte[] packed) {
    List<String> ids = new ArrayList<>();
    PackedIds.forEachSpan(packed, (bytes, offset, length) -> ids.add(new String(bytes, offset, length, StandardCharsets.UTF_8)));
    return ids;
  }
}
