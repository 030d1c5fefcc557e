package io.beamconnectors.sources.objectstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

class ObjectDocumentsTest {
  private static final Instant T = Instant.parse("2024-03-31T01:30:00Z");

  @Test
  void scopeIsContainerAndParentPath() {
    assertEquals("b", ObjectDocuments.scope("b", "a.txt").path());
    assertEquals("b", ObjectDocuments.scope("b", "/a.txt").path());
    assertEquals("b/x/y", ObjectDocuments.scope("b", "x/y/a.txt").path());
    assertEquals("b/x/y", ObjectDocuments.scope("b", "x//y/a.txt").path(), "empty segments are dropped");
    assertEquals("b/x", ObjectDocuments.scope("b", "x/").path(), "a folder placeholder lies in its own prefix");
    assertEquals("b/x", ObjectDocuments.prefixScope("b", "x/").path());
    assertEquals("b/x", ObjectDocuments.prefixScope("b", "x").path());
    assertTrue(ObjectDocuments.prefixScope("b", "x/").covers(ObjectDocuments.scope("b", "x/").path()));
    assertTrue(ObjectDocuments.prefixScope("b", "x/").covers(ObjectDocuments.scope("b", "x/y/z.txt").path()));
    assertFalse(ObjectDocuments.prefixScope("b", "x/").covers(ObjectDocuments.scope("b", "xy/z.txt").path()));
  }

  @Test
  void tokenSeesASameSecondSameSizeOverwrite() {
    String before = ObjectDocuments.token(T, 12, "\"9b2cf535f27731c974343645a3985328\"");
    String after = ObjectDocuments.token(T, 12, "\"6f1ed002ab5595859014ebf0951522d9\"");
    assertNotEquals(before, after);
    assertNotEquals(before, ObjectDocuments.token(T, 13, "\"9b2cf535f27731c974343645a3985328\""));
    assertNotEquals(before, ObjectDocuments.token(T.plusMillis(1), 12, "\"9b2cf535f27731c974343645a3985328\""));
    assertEquals("2024-03-31T01:30:00+00:00;12;\"9b2cf535f27731c974343645a3985328\"", before);
    assertEquals(";0;", ObjectDocuments.token(null, 0, null));
  }

  @Test
  void tokensAndTimesDoNotDependOnTheMachine() {
    Locale locale = Locale.getDefault();
    TimeZone zone = TimeZone.getDefault();
    String token = ObjectDocuments.token(T.plusNanos(123_456_000), 1234567, "7");
    try {
      Locale.setDefault(Locale.forLanguageTag("ar-EG"));
      TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Chatham"));
      assertEquals(token, ObjectDocuments.token(T.plusNanos(123_456_000), 1234567, "7"));
      assertEquals("2024-03-31T01:30:00.123456+00:00;1234567;7", token);
      assertEquals("2024-03-31T01:30:00+00:00", ObjectDocuments.timestamp(T));
    } finally {
      Locale.setDefault(locale);
      TimeZone.setDefault(zone);
    }
    assertNull(ObjectDocuments.timestamp(null));
  }

  @Test
  void md5AndSortedMetadata() {
    // printf 'b/a.txt' | md5sum
    assertEquals("17bd983bbf2dea1d05de707f77bd9d69", ObjectDocuments.md5Hex("b/a.txt"));
    Map<String, String> m = new LinkedHashMap<>();
    m.put("z", "1");
    m.put("A", "");
    m.put("\u00e9", "x");
    assertEquals("{\"A\":\"\",\"z\":\"1\",\"\u00e9\":\"x\"}", ObjectDocuments.sortedObject(m).toString());
    assertNull(ObjectDocuments.sortedObject(null));
  }
}
