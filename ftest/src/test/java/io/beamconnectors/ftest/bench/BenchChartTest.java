package io.beamconnectors.ftest.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.jfree.data.category.DefaultCategoryDataset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchChartTest {
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  /** The shape ftest/bench.sh writes, cut down: two scenarios, three runners, a scenario name with '_'. */
  private static final String SAMPLE = """
      {"cpus": 2, "bulk_parallel_requests": 4, "scenarios": {
        "postgresql": {"size": {"rows": 20000},
          "ceiling": {"what": "plain bulk client", "docs": 20000, "seconds": 1.25, "docs_per_s": 16000},
          "syncs": {
            "direct-full": {"runner": "direct", "step": "full", "docs_per_s": 4000},
            "direct-noop": {"runner": "direct", "step": "noop", "docs_per_s": 12000},
            "direct-changed": {"runner": "direct", "step": "changed", "docs_per_s": 11500},
            "flink-full": {"runner": "flink", "step": "full", "docs_per_s": 3000},
            "flink-noop": {"runner": "flink", "step": "noop", "docs_per_s": 8000},
            "flink-changed": {"runner": "flink", "step": "changed", "docs_per_s": 7900},
            "cluster-full": {"runner": "cluster", "step": "full", "docs_per_s": 2500}}},
        "network_drive": {"size": {"small_files": 500, "large_files_1mib": 10},
          "ceiling": {"what": "smbclient", "docs": 510, "seconds": 0.9, "docs_per_s": 567},
          "syncs": {
            "direct-full": {"runner": "direct", "step": "full", "docs_per_s": 150},
            "direct-noop": {"runner": "direct", "step": "noop", "docs_per_s": 700}}}}}
      """;

  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  @Test
  void rendersOnePanelPerScenarioAsAPng(@TempDir Path dir) throws Exception {
    Path json = Files.writeString(dir.resolve("bench-20261203T150000Z.json"), SAMPLE, StandardCharsets.UTF_8);
    Path png = dir.resolve("out/bench-20261203T150000Z.png");

    BenchChart.render(json, png);

    byte[] bytes = Files.readAllBytes(png);
    assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, 8), "a PNG file");
    assertTrue(bytes.length > 10_000, "a drawn chart, not an empty image: " + bytes.length + " bytes");
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(BenchChart.WIDTH, image.getWidth());
    assertEquals(2 * BenchChart.PANEL_HEIGHT + 40, image.getHeight(), "one panel per scenario under a heading");
    Set<Integer> colors = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 3) {
      for (int x = 0; x < image.getWidth(); x += 3) {
        colors.add(image.getRGB(x, y) & 0xffffff);
      }
    }
    // The bar colours (DirectRunner, embedded Flink, the session cluster, ceiling) are all drawn.
    assertTrue(colors.contains(0x1f77b4) && colors.contains(0xff7f0e) && colors.contains(0xd62728)
        && colors.contains(0x8c8c8c), "bar colours drawn");
  }

  @Test
  void labelsSyncBarsWithTheirRatioToTheCeiling() {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    data.addValue(4000, "DirectRunner", "full sync");
    data.addValue(16000, "ceiling", "full sync");
    BenchChart.RateAndRatioLabels labels = new BenchChart.RateAndRatioLabels(1);
    assertEquals("4,000 (0.25x)", labels.generateLabel(data, 0, 0));
    assertEquals("16,000", labels.generateLabel(data, 1, 0));
  }

  @Test
  void refusesAFileThatIsNotABenchResult(@TempDir Path dir) throws Exception {
    Path json = Files.writeString(dir.resolve("other.json"), "{\"counters\": {}}", StandardCharsets.UTF_8);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BenchChart.render(json, dir.resolve("x.png")));
    assertTrue(e.getMessage().contains("'scenarios'"), e.getMessage());
    assertTrue(!Files.exists(dir.resolve("x.png")), "no half-written chart");
    Path noCeiling = Files.writeString(dir.resolve("bad.json"),
        "{\"scenarios\": {\"s3\": {\"syncs\": {}}}}", StandardCharsets.UTF_8);
    e = assertThrows(IllegalArgumentException.class, () -> BenchChart.render(noCeiling, dir.resolve("y.png")));
    assertTrue(e.getMessage().contains("'s3'") && e.getMessage().contains("ceiling.docs_per_s"), e.getMessage());
  }
}
