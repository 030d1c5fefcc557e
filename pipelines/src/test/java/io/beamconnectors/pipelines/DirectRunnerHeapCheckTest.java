package io.beamconnectors.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class DirectRunnerHeapCheckTest {
  private static final long GIB = 1024L * 1024 * 1024;

  @Test
  void itemsThatFitTheHeapPass() {
    long items = 2 * GIB / DirectRunnerHeapCheck.HEAP_BYTES_PER_ITEM;
    assertTrue(DirectRunnerHeapCheck.decide(items, 2 * GIB).fits(), "exactly the heap fits");
    assertTrue(DirectRunnerHeapCheck.decide(0, 64L * 1024 * 1024).fits(), "an empty source always fits");
  }

  @Test
  void oneItemOverTheHeapFails() {
    long items = 2 * GIB / DirectRunnerHeapCheck.HEAP_BYTES_PER_ITEM + 1;
    DirectRunnerHeapCheck.Decision d = DirectRunnerHeapCheck.decide(items, 2 * GIB);
    assertFalse(d.fits());
    assertEquals(items * DirectRunnerHeapCheck.HEAP_BYTES_PER_ITEM, d.neededBytes());
  }

  @Test
  void aSyncTooLargeSaysSoWithoutCallingItABadConnectorConfigurationAndTheLauncherGetsItsOwnFix() {
    DirectRunnerHeapCheck.Decision d = DirectRunnerHeapCheck.decide(10_000_000, 2 * GIB);
    DirectRunnerHeapCheck.TooLarge e = new DirectRunnerHeapCheck.TooLarge(d, "search-pg");
    assertEquals(d.message("search-pg"), e.getMessage(), "the line as the command line prints it, no prefix");
    assertTrue(e instanceof io.beamconnectors.sources.ConfigurationException, "exit code 2, like bad configuration");
    String m = e.decision().launcherMessage(e.index());
    assertFalse(m.contains("\n"));
    assertTrue(m.contains("runner.flink.master: \"[local]\""), m);
    assertTrue(m.contains("BC_LAUNCHER_JAVA_OPTS=-Xmx"), m);
    assertFalse(m.contains("--skipHeapCheck") || m.contains("--runner="), "no command-line flag: " + m);
    assertTrue(m.contains("10,000,000 items") && m.contains("2,048 MiB") && m.contains("search-pg"), m);
  }

  @Test
  void theMessageIsOneLineNamingTheFlinkRunnerAndTheOverride() {
    Locale before = Locale.getDefault();
    try {
      Locale.setDefault(Locale.forLanguageTag("ar-EG")); // digits and separators must not follow the locale
      String m = DirectRunnerHeapCheck.decide(10_000_000, 2 * GIB).message("search-pg");
      assertFalse(m.contains("\n"));
      assertTrue(m.contains("--runner=FlinkRunner"), m);
      assertTrue(m.contains("--skipHeapCheck=true"), m);
      assertTrue(m.contains("10,000,000 items"), m);
      assertTrue(m.contains("2,048 MiB"), m);
      assertTrue(m.contains("search-pg"), m);
    } finally {
      Locale.setDefault(before);
    }
  }

  @Test
  void theLargerEstimateWins() {
    assertEquals(7, DirectRunnerHeapCheck.items(7, OptionalLong.empty()));
    assertEquals(9, DirectRunnerHeapCheck.items(7, OptionalLong.of(9)));
    assertEquals(7, DirectRunnerHeapCheck.items(7, OptionalLong.of(3)));
    assertEquals(0, DirectRunnerHeapCheck.items(0, OptionalLong.empty()));
  }

  @Test
  void hugeEstimatesDoNotOverflow() {
    assertFalse(DirectRunnerHeapCheck.decide(Long.MAX_VALUE / 2, Long.MAX_VALUE - 1).fits());
  }

  @Test
  void nonsenseArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> DirectRunnerHeapCheck.decide(-1, GIB));
    assertThrows(IllegalArgumentException.class, () -> DirectRunnerHeapCheck.decide(1, 0));
  }
}
