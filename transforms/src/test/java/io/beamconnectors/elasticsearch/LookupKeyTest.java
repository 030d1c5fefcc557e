package io.beamconnectors.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.beamconnectors.sources.Scope;
import io.beamconnectors.sources.SourceRecord;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LookupKeyTest {

  @Test
  void anyTokenComesBackExactlyWithItsIdsHash() {
    String fingerprint = StoredToken.of(SourceRecord.of("x", "", Scope.of("t"), "{}"));
    String[][] cases = {
        {"0", fingerprint},
        {"", "#0123456789abcdef0123456789abcdef"},
        {"a\u0000b", "t\u0000#1"},
        {"Ärger/日本語 😀,;=#", "2024-03-31T01:30:00+00:00|12|\"etag\"#0123456789abcdef0123456789abcdef"},
        {"x".repeat(512), StoredToken.RETRY},
        {"k", ""},
        {"k", "#0123456789ABCDEF0123456789ABCDEF"},
        {"k", "a#b#0123456789abcdef0123456789abcdef"},
        {"k", "#0123456789abcdef0123456789abcdeg"},
    };
    for (String[] c : cases) {
      assertEquals(new LookupKey.Entry(LookupKey.idHash(c[0]), c[1]), LookupKey.decode(LookupKey.encode(c[0], c[1])),
          c[0] + " / " + c[1]);
    }
  }

  @Test
  void aRowsValueIsAFormatByteTheIdHashAndTheFingerprintsSixteenBytes() {
    byte[] bytes = Base64.getDecoder().decode(LookupKey.encode("benchdev_public_items_1501_", "#55371ac20807f8d7d556bc6f65371975"));
    assertEquals(25, bytes.length);
    assertEquals(LookupKey.FINGERPRINTED, bytes[0]);
    assertEquals(0x55, bytes[9] & 0xFF);
    assertEquals(0x75, bytes[24] & 0xFF);
    byte[] retry = Base64.getDecoder().decode(LookupKey.encode("a", StoredToken.RETRY));
    assertEquals(LookupKey.VERBATIM, retry[0]);
    assertEquals(9 + StoredToken.RETRY.length(), retry.length);
  }

  @Test
  void theIdHashIsFixedAndTellsNearIdsApart() {
    // Stored in every document: a change of the function would make every lookup go the older way.
    // The values an independent implementation of FNV-1a 64 and MurmurHash3's fmix64 gives.
    assertEquals(3379516887045202082L, LookupKey.idHash("benchdev_public_items_1501_"));
    assertEquals(-9033471704281723301L, LookupKey.idHash("a"));
    assertEquals(-1166397803181037274L, LookupKey.idHash(""));
    Set<Long> hashes = new HashSet<>();
    for (int i = 0; i < 200_000; i++) {
      hashes.add(LookupKey.idHash("benchdev_public_items_" + i + "_"));
    }
    assertEquals(200_000, hashes.size());
    assertNotEquals(LookupKey.idHash("A"), LookupKey.idHash("a"), "case twins");
    assertNotEquals(LookupKey.idHash(""), LookupKey.idHash("\u0000"));
  }

  @Test
  void valuesNotWrittenByItReadAsNothing() {
    assertNull(LookupKey.decode("not base64!"));
    assertNull(LookupKey.decode(""));
    assertNull(LookupKey.decode(Base64.getEncoder().encodeToString(new byte[] {3, 0, 0, 0, 0, 0, 0, 0, 0})), "another format");
    assertNull(LookupKey.decode(Base64.getEncoder().encodeToString(new byte[] {1, 0, 0, 0, 0, 0, 0, 0})), "too short for the hash");
    assertNull(LookupKey.decode(Base64.getEncoder().encodeToString(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 7})),
        "too short for a fingerprint");
    assertEquals(new LookupKey.Entry(0, ""), LookupKey.decode(Base64.getEncoder().encodeToString(new byte[] {2, 0, 0, 0, 0, 0, 0, 0, 0})),
        "an empty token, verbatim");
  }
}
