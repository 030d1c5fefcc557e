package io.beamconnectors.ftest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The picture of one bench run: for each scenario a panel of grouped bars, one group per sync step
 * (full, no-op, 1% changed, 1% deleted), one bar per runner and one for the scenario's ceiling, in documents
 * per second; each sync bar is labelled with its docs/s and its ratio to the ceiling. Panels are
 * stacked in one PNG because the scenarios' rates differ by orders of magnitude. Drawn headless
 * with JFreeChart.
 *
 * <p>Usage: {@code BenchChart bench-<time>.json bench-<time>.png}.
 */
public final class BenchChart {
  static final int WIDTH = 1100;
  static final int PANEL_HEIGHT = 440;
  static final String CEILING = "ceiling";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> STEP_LABELS = Map.of("full", "full sync", "noop", "no-op re-sync",
      "changed", "1% changed", "deleted", "1% deleted");
  private static final Map<String, String> RUNNER_LABELS = Map.of("direct", "DirectRunner", "flink", "Flink (embedded)",
      "warm", "DirectRunner, warm JVM", "warmflink", "Flink (embedded), warm JVM", "cluster", "Flink (session cluster)");
  private static final Map<String, Color> COLORS = Map.of("direct", new Color(0x1f77b4), "flink", new Color(0xff7f0e),
      "warm", new Color(0x17becf), "warmflink", new Color(0x9467bd), "cluster", new Color(0xd62728),
      CEILING, new Color(0x8c8c8c));
  private static final Color OTHER_RUNNER = new Color(0x2ca02c);

  private BenchChart() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: BenchChart bench-<time>.json bench-<time>.png");
      System.exit(2);
    }
    System.setProperty("java.awt.headless", "true");
    render(Path.of(args[0]), Path.of(args[1]));
    System.out.println("chart written to " + args[1]);
  }

  /** Reads a bench result written by ftest/bench.sh and writes its chart as a PNG. */
  public static void render(Path benchJson, Path png) throws IOException {
    JsonNode bench = JSON.readTree(benchJson.toFile());
    JsonNode scenarios = bench == null ? null : bench.get("scenarios");
    if (scenarios == null || !scenarios.isObject() || scenarios.isEmpty()) {
      throw new IllegalArgumentException(benchJson + " has no 'scenarios' object with at least one scenario:"
          + " give a bench-<time>.json written by ftest/bench.sh");
    }
    List<JFreeChart> panels = new ArrayList<>();
    for (Map.Entry<String, JsonNode> scenario : scenarios.properties()) {
      panels.add(panel(scenario.getKey(), scenario.getValue(), benchJson));
    }
    BufferedImage image = new BufferedImage(WIDTH, PANEL_HEIGHT * panels.size() + 40, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.setColor(Color.DARK_GRAY);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
      g.drawString(heading(bench, benchJson), 12, 26);
      g.setStroke(new BasicStroke(1));
      for (int i = 0; i < panels.size(); i++) {
        panels.get(i).draw(g, new Rectangle2D.Double(0, 40 + i * PANEL_HEIGHT, WIDTH, PANEL_HEIGHT));
      }
    } finally {
      g.dispose();
    }
    Path parent = png.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (!ImageIO.write(image, "png", png.toFile())) {
      throw new IOException("no PNG writer in this JVM");
    }
  }

  private static String heading(JsonNode bench, Path file) {
    String name = file.getFileName().toString().replaceFirst("\\.json$", "");
    return name + ": documents per second, each sync against its ceiling ("
        + bench.path("cpus").asInt(Runtime.getRuntime().availableProcessors()) + " cores)";
  }

  private static JFreeChart panel(String scenario, JsonNode entry, Path file) {
    JsonNode syncs = entry.path("syncs");
    JsonNode ceiling = entry.path("ceiling");
    if (!syncs.isObject() || !ceiling.has("docs_per_s")) {
      throw new IllegalArgumentException(file + ": scenario '" + scenario + "' needs 'syncs' and 'ceiling.docs_per_s'");
    }
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    Map<String, String> runnerOfSeries = new LinkedHashMap<>();
    List<String> steps = new ArrayList<>();
    for (Map.Entry<String, JsonNode> named : syncs.properties()) {
      JsonNode sync = named.getValue();
      String runner = sync.path("runner").asText();
      String step = STEP_LABELS.getOrDefault(sync.path("step").asText(), sync.path("step").asText());
      String series = RUNNER_LABELS.getOrDefault(runner, runner);
      runnerOfSeries.put(series, runner);
      if (!steps.contains(step)) {
        steps.add(step);
      }
      data.addValue(sync.path("docs_per_s").asDouble(), series, step);
    }
    String ceilingSeries = CEILING + " (" + ceiling.path("what").asText("plain client") + ")";
    runnerOfSeries.put(ceilingSeries, CEILING);
    for (String step : steps) {
      data.addValue(ceiling.path("docs_per_s").asDouble(), ceilingSeries, step);
    }
    JFreeChart chart = ChartFactory.createBarChart(title(scenario, entry.path("size")), null, "documents / s", data,
        PlotOrientation.VERTICAL, true, false, false);
    chart.setBackgroundPaint(Color.WHITE);
    chart.setPadding(new RectangleInsets(6, 8, 16, 8));
    chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    chart.addSubtitle(new TextTitle("labels: docs/s and ratio to the ceiling", new Font(Font.SANS_SERIF, Font.PLAIN, 11)));
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    ((NumberAxis) plot.getRangeAxis()).setNumberFormatOverride(NumberFormat.getIntegerInstance(Locale.ROOT));
    // Head room for the labels, written upwards above each bar: side by side they would run into
    // the neighbouring bars once a panel has four runners and four steps.
    plot.getRangeAxis().setUpperMargin(0.4);
    BarRenderer bars = (BarRenderer) plot.getRenderer();
    bars.setBarPainter(new StandardBarPainter());
    bars.setShadowVisible(false);
    bars.setItemMargin(0.05);
    for (int row = 0; row < data.getRowCount(); row++) {
      String runner = runnerOfSeries.get((String) data.getRowKey(row));
      bars.setSeriesPaint(row, COLORS.getOrDefault(runner, OTHER_RUNNER));
    }
    bars.setDefaultItemLabelGenerator(new RateAndRatioLabels(data.getRowIndex(ceilingSeries)));
    bars.setDefaultItemLabelsVisible(true);
    bars.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    bars.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12,
        TextAnchor.CENTER_LEFT, TextAnchor.CENTER_LEFT, -Math.PI / 2));
    return chart;
  }

  private static String title(String scenario, JsonNode size) {
    String name = scenario.replace('_', ' ');
    if (size.has("rows")) {
      return String.format(Locale.ROOT, "%s: %,d rows of about 1.5 KB", name, size.get("rows").asLong());
    }
    if (size.has("small_files")) {
      return String.format(Locale.ROOT, "%s: %,d small files and %,d of 1 MiB", name, size.get("small_files").asLong(),
          size.path("large_files_1mib").asLong());
    }
    return name;
  }

  /** "12,345" on a ceiling bar, "3,456 (0.28x)" on a sync bar. */
  static final class RateAndRatioLabels extends StandardCategoryItemLabelGenerator {
    private static final long serialVersionUID = 1L;
    private final int ceilingRow;

    RateAndRatioLabels(int ceilingRow) {
      this.ceilingRow = ceilingRow;
    }

    @Override
    public String generateLabel(CategoryDataset dataset, int row, int column) {
      Number value = dataset.getValue(row, column);
      if (value == null) {
        return null;
      }
      String rate = String.format(Locale.ROOT, "%,.0f", value.doubleValue());
      Number ceiling = ceilingRow < 0 ? null : dataset.getValue(ceilingRow, column);
      if (row == ceilingRow || ceiling == null || ceiling.doubleValue() <= 0) {
        return rate;
      }
      return String.format(Locale.ROOT, "%s (%.2fx)", rate, value.doubleValue() / ceiling.doubleValue());
    }
  }
}
