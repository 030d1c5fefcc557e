package io.beamconnectors.ftest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchTargetsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One bench run, cut down to what the targets read: a warm runner at {@code rows} rows, a direct one without a no-op. */
  private static JsonNode run(long rows, double fullSeconds, double noopSeconds, double ratio, double cpuUs,
      double smbRatio) throws Exception {
    return JSON.readTree(String.format(Locale.ROOT, """
        {"scenarios": {
          "postgresql": {"size": {"rows": %d}, "syncs": {
            "warm-full": {"runner": "warm", "step": "full", "pipeline_seconds": %s, "ratio_to_ceiling": %s,
                          "cpu_us_per_listed": %s},
            "warm-noop": {"runner": "warm", "step": "noop", "pipeline_seconds": %s},
            "direct-full": {"runner": "direct", "step": "full", "pipeline_seconds": 20, "ratio_to_ceiling": 0.4,
                            "cpu_us_per_listed": null}}},
          "network_drive": {"size": {"small_files": 10, "large_files_1mib": 1}, "syncs": {
            "warm-full": {"runner": "warm", "step": "full", "pipeline_seconds": 3, "ratio_to_ceiling": %s}}}}}
        """, rows, fullSeconds, ratio, cpuUs, noopSeconds, smbRatio));
  }

  private static BenchTargets.Reading reading(List<BenchTargets.Reading> all, String what, String runner) {
    return all.stream().filter(r -> r.target().what().startsWith(what) && r.runner().equals(runner)).findFirst()
        .orElseThrow(() -> new AssertionError("no reading for " + what + " on " + runner + " in " + all));
  }

  private static final List<Path> NAMES = List.of(Path.of("a.json"), Path.of("b.json"), Path.of("c.json"),
      Path.of("d.json"));

  @Test
  void takesTheMedianOfEachTargetOverTheRunsAndSaysWhetherItIsMet() throws Exception {
    List<JsonNode> runs = List.of(
        run(1_000_000, 100, 20, 0.70, 60, 0.40),
        run(1_000_000, 80, 12, 0.90, 30, 0.60),
        run(1_000_000, 90, 18, 0.85, 45, 0.55));

    List<BenchTargets.Reading> readings = BenchTargets.read(runs, NAMES.subList(0, 3));

    BenchTargets.Reading full = reading(readings, "PostgreSQL full", "warm");
    assertEquals(List.of(0.70, 0.90, 0.85), full.values());
    assertEquals(0.85, full.median(), 1e-9);
    assertEquals(0.70, full.min(), 1e-9);
    assertEquals(0.90, full.max(), 1e-9);
    assertEquals("met", full.status());
    assertEquals("met", reading(readings, "sync CPU", "warm").status(), "median 45 us <= 50");
    assertEquals(45, reading(readings, "sync CPU", "warm").median(), 1e-9);
    // The no-op's share is taken per run (20/100, 12/80, 18/90) before the median: 0.20, 0.15, 0.20.
    BenchTargets.Reading noop = reading(readings, "no-op", "warm");
    assertEquals(0.20, noop.median(), 1e-9);
    assertEquals(0.15, noop.min(), 1e-9);
    assertEquals("not met", noop.status());
    assertEquals("1,000,000 rows", noop.sizeNote());
    assertEquals("met", reading(readings, "network drive", "warm").status(), "median 0.55 >= 0.5");
    assertEquals("not met", reading(readings, "PostgreSQL full", "direct").status(), "0.4 < 0.8");
    assertTrue(readings.stream().noneMatch(r -> r.target().what().startsWith("sync CPU") && r.runner().equals("direct")),
        "a run without a CPU number gives no CPU reading: " + readings);
    assertTrue(readings.stream().noneMatch(r -> r.target().what().startsWith("no-op") && r.runner().equals("direct")),
        "a runner without a no-op step gives no no-op reading");
  }

  @Test
  void anEvenNumberOfRunsTakesTheMeanOfTheMiddleTwo() throws Exception {
    List<JsonNode> runs = List.of(run(100_000, 10, 3, 0.70, 60, 0.5), run(100_000, 10, 3, 0.80, 40, 0.5),
        run(100_000, 10, 3, 0.90, 40, 0.5), run(100_000, 10, 3, 0.75, 50, 0.5));

    BenchTargets.Reading full = reading(BenchTargets.read(runs, NAMES), "PostgreSQL full", "warm");

    assertEquals(0.775, full.median(), 1e-9);
    assertEquals("not met", full.status());
  }

  @Test
  void theNoOpTargetSaysItIsForAMillionRowsWhenTheRunIsAnotherSize() throws Exception {
    List<BenchTargets.Reading> readings = BenchTargets.read(List.of(run(100_000, 10, 3, 0.9, 40, 0.5)), NAMES.subList(0, 1));

    assertEquals("100,000 rows; the target is for 1,000,000", reading(readings, "no-op", "warm").sizeNote());
    assertEquals("-", reading(readings, "no-op", "warm").status(), "30% is neither met nor missed at this size");
    assertEquals("met", reading(readings, "PostgreSQL full", "warm").status(), "the full-sync target is for 100,000 too");
    assertEquals("10 small + 1 1 MiB files", reading(readings, "network drive", "warm").sizeNote());
    assertEquals("100,000 rows", reading(readings, "PostgreSQL full", "warm").sizeNote());
    String table = BenchTargets.format(readings, 1);
    assertTrue(table.contains("Targets (issue 11), this run:"), table);
    assertTrue(table.contains("30%"), "the no-op's share, 3 s of 10: " + table);
    assertTrue(table.contains("0.90"), table);
  }

  @Test
  void refusesRunsOfDifferentSizesNamingBothFiles() throws Exception {
    List<JsonNode> runs = List.of(run(100_000, 10, 3, 0.9, 40, 0.5), run(1_000_000, 90, 13, 0.8, 30, 0.5));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BenchTargets.read(runs, NAMES.subList(0, 2)));

    assertTrue(e.getMessage().contains("a.json") && e.getMessage().contains("b.json")
        && e.getMessage().contains("BENCH_ROWS"), e.getMessage());
  }

  @Test
  void mainPrintsTheRangeAndWritesTheReadingsAsJson(@TempDir Path dir) throws Exception {
    Path a = Files.writeString(dir.resolve("bench-1.json"), run(1_000_000, 100, 20, 0.70, 60, 0.4).toString());
    Path b = Files.writeString(dir.resolve("bench-2.json"), run(1_000_000, 80, 12, 0.90, 30, 0.6).toString());
    Path out = dir.resolve("set.json");
    PrintStream stdout = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      BenchTargets.main(new String[] {"--json", out.toString(), a.toString(), b.toString()});
    } finally {
      System.setOut(stdout);
    }

    String text = printed.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("median of 2 runs"), text);
    assertTrue(text.contains("0.80 [0.70-0.90]"), text);
    JsonNode written = JSON.readTree(out.toFile());
    assertEquals(List.of("bench-1.json", "bench-2.json"),
        List.of(written.path("runs").get(0).asText(), written.path("runs").get(1).asText()));
    JsonNode first = written.path("targets").get(0);
    assertEquals("sync CPU <= 50 us per document", first.path("target").asText());
    assertEquals(45.0, first.path("median").asDouble(), 1e-9);
    assertEquals(2, first.path("values").size());
    assertEquals("met", first.path("status").asText());
  }
}
