package io.beamconnectors.launcher.runner.dataflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DataflowJobNameTest {

  @Test
  void sameIdSameNameAndNamesFollowDataflowsRule() {
    List<String> ids = List.of("aBc123XyZ", "abc123xyz", "ABC123XYZ", "0", "-", "__", "a/b c.d", "ünïcødé-日本",
        "日本", "x".repeat(500), "job_2024-01-01T00:00:00Z", "CAPS_AND_UNDERSCORES_", " leading space");
    Set<String> names = new HashSet<>();
    for (String id : ids) {
      String name = DataflowJobName.forSyncJob(id);
      assertTrue(name.matches(DataflowJobName.PATTERN), id + " -> " + name);
      assertTrue(name.length() <= 70, name);
      assertEquals(name, DataflowJobName.forSyncJob(id), "deterministic for " + id);
      names.add(name);
    }
    assertEquals(ids.size(), names.size(), "case twins and separator variants must not share a name: " + names);
  }

  @Test
  void nameIsReadableForTypicalIds() {
    String name = DataflowJobName.forSyncJob("Wq3_Zo0BAbCdEfGh");
    assertTrue(name.startsWith("bc-sync-wq3-zo0babcdefgh-"), name);
  }

  @Test
  void doesNotDependOnTheDefaultLocale() {
    Locale before = Locale.getDefault();
    try {
      Locale.setDefault(Locale.forLanguageTag("tr-TR"));
      String turkish = DataflowJobName.forSyncJob("INDEX_I");
      Locale.setDefault(Locale.ROOT);
      assertEquals(DataflowJobName.forSyncJob("INDEX_I"), turkish);
      assertTrue(turkish.matches(DataflowJobName.PATTERN), turkish);
    } finally {
      Locale.setDefault(before);
    }
  }

  @Test
  void emptyIdIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> DataflowJobName.forSyncJob(""));
    assertThrows(IllegalArgumentException.class, () -> DataflowJobName.forSyncJob(null));
    assertNotEquals(DataflowJobName.forSyncJob(" "), DataflowJobName.forSyncJob("  "));
  }
}
