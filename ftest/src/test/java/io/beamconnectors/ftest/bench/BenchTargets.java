package io.beamconnectors.ftest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Issue 11's targets read off one or more bench runs ({@code bench-<time>.json} files written by
 * {@code ftest/bench.sh}): for each target and runner, its value in every run, their median and
 * range, and whether the median meets the target. The bench never fails on timing; this only
 * reports. On this kind of machine one run's ratio can be a fifth off the next one's, so
 * {@code BENCH_REPEAT} runs the bench several times and reads the targets off all of them.
 *
 * <pre>BenchTargets [--json OUT.json] bench-A.json [bench-B.json ...]</pre>
 */
public final class BenchTargets {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The PostgreSQL size the issue gives the no-op and 1% changed targets for. */
  static final long SHARE_TARGET_ROWS = 1_000_000L;

  private BenchTargets() {}

  /** How a target's value is read from one run. */
  enum Measure {
    /** The full sync's CPU microseconds per listed document (the sync's JVM, or the cluster's too). */
    CPU_US_PER_DOC,
    /** The full sync's docs/s over the ceiling's. */
    RATIO_TO_CEILING,
    /** The step's pipeline seconds over the full sync's, of the same runner in the same run. */
    SHARE_OF_FULL
  }

  /** One target: where its value comes from and its limit ({@code NaN}: reported, no limit). */
  record Target(String what, String scenario, String step, Measure measure, double limit, boolean atMost) {
    boolean hasLimit() {
      return !Double.isNaN(limit);
    }
  }

  static final List<Target> TARGETS = List.of(
      new Target("sync CPU <= 50 us per document", "postgresql", "full", Measure.CPU_US_PER_DOC, 50, true),
      new Target("PostgreSQL full sync >= 0.8 of the ceiling", "postgresql", "full", Measure.RATIO_TO_CEILING, 0.8, false),
      new Target("no-op re-sync <= 15% of the full sync", "postgresql", "noop", Measure.SHARE_OF_FULL, 0.15, true),
      new Target("1% changed <= 20% of the full sync", "postgresql", "changed", Measure.SHARE_OF_FULL, 0.20, true),
      new Target("1% deleted (no target)", "postgresql", "deleted", Measure.SHARE_OF_FULL, Double.NaN, true),
      new Target("network drive full sync >= 0.5 of smbclient", "network_drive", "full", Measure.RATIO_TO_CEILING, 0.5,
          false),
      new Target("S3 full sync against the SDK client (no target)", "s3", "full", Measure.RATIO_TO_CEILING, Double.NaN,
          false));

  /** A target's values for one runner over the runs, in run order. */
  record Reading(Target target, String runner, List<Double> values, String sizeNote, boolean applies) {
    double median() {
      List<Double> sorted = new ArrayList<>(values);
      Collections.sort(sorted);
      int n = sorted.size();
      return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    double min() {
      return Collections.min(values);
    }

    double max() {
      return Collections.max(values);
    }

    /** "met", "not met", or "-" for a target without a limit or given for another size. */
    String status() {
      if (!target.hasLimit() || !applies) {
        return "-";
      }
      double m = median();
      return (target.atMost() ? m <= target.limit() : m >= target.limit()) ? "met" : "not met";
    }
  }

  public static void main(String[] args) throws IOException {
    List<Path> files = new ArrayList<>();
    Path jsonOut = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--json") && i + 1 < args.length) {
        jsonOut = Path.of(args[++i]);
      } else {
        files.add(Path.of(args[i]));
      }
    }
    if (files.isEmpty()) {
      System.err.println("usage: BenchTargets [--json OUT.json] bench-A.json [bench-B.json ...]");
      System.exit(2);
    }
    List<JsonNode> runs = new ArrayList<>();
    for (Path f : files) {
      runs.add(JSON.readTree(f.toFile()));
    }
    List<Reading> readings = read(runs, files);
    System.out.print(format(readings, runs.size()));
    if (jsonOut != null) {
      ObjectNode out = JSON.createObjectNode();
      ArrayNode names = out.putArray("runs");
      files.forEach(f -> names.add(f.getFileName().toString()));
      out.set("targets", toJson(readings));
      JSON.writerWithDefaultPrettyPrinter().writeValue(jsonOut.toFile(), out);
      System.out.println("written to " + jsonOut);
    }
  }

  /**
   * Every target's readings, per runner, over runs of the same sizes. A runner missing a step in
   * some run (another BENCH_RUNNERS) is read over the runs that have it.
   */
  static List<Reading> read(List<JsonNode> runs, List<Path> names) {
    checkSameSizes(runs, names);
    List<Reading> out = new ArrayList<>();
    for (Target t : TARGETS) {
      Set<String> runners = new LinkedHashSet<>();
      for (JsonNode run : runs) {
        run.path("scenarios").path(t.scenario()).path("syncs").forEach(s -> {
          if (t.step().equals(s.path("step").asText())) {
            runners.add(s.path("runner").asText());
          }
        });
      }
      for (String runner : runners) {
        List<Double> values = new ArrayList<>();
        for (JsonNode run : runs) {
          Double v = value(run.path("scenarios").path(t.scenario()), runner, t);
          if (v != null) {
            values.add(v);
          }
        }
        if (!values.isEmpty()) {
          JsonNode scenario = runs.get(0).path("scenarios").path(t.scenario());
          out.add(new Reading(t, runner, values, sizeNote(scenario, t), applies(scenario, t)));
        }
      }
    }
    return out;
  }

  private static Double value(JsonNode scenario, String runner, Target t) {
    JsonNode syncs = scenario.path("syncs");
    JsonNode step = syncs.path(runner + "-" + t.step());
    if (step.isMissingNode()) {
      return null;
    }
    return switch (t.measure()) {
      case CPU_US_PER_DOC -> step.path("cpu_us_per_listed").isNumber() ? step.path("cpu_us_per_listed").asDouble() : null;
      case RATIO_TO_CEILING -> step.path("ratio_to_ceiling").isNumber() ? step.path("ratio_to_ceiling").asDouble() : null;
      case SHARE_OF_FULL -> {
        double full = syncs.path(runner + "-full").path("pipeline_seconds").asDouble(0);
        yield full > 0 && step.path("pipeline_seconds").isNumber() ? step.path("pipeline_seconds").asDouble() / full : null;
      }
    };
  }

  /** The no-op and 1% changed targets are given for 1,000,000 rows only. */
  private static boolean applies(JsonNode scenario, Target t) {
    JsonNode rows = scenario.path("size").path("rows");
    return t.measure() != Measure.SHARE_OF_FULL || !rows.isNumber() || rows.asLong() == SHARE_TARGET_ROWS;
  }

  private static String sizeNote(JsonNode scenario, Target t) {
    JsonNode size = scenario.path("size");
    JsonNode rows = size.path("rows");
    if (!rows.isNumber()) {
      return size.path("small_files").isNumber() ? String.format(Locale.ROOT, "%,d small + %,d 1 MiB files",
          size.path("small_files").asLong(), size.path("large_files_1mib").asLong()) : "";
    }
    String note = String.format(Locale.ROOT, "%,d rows", rows.asLong());
    if (t.measure() == Measure.SHARE_OF_FULL && t.hasLimit() && rows.asLong() != SHARE_TARGET_ROWS) {
      note += String.format(Locale.ROOT, "; the target is for %,d", SHARE_TARGET_ROWS);
    }
    return note;
  }

  /** Runs of different sizes measure different things: refuse to take a median over them. */
  private static void checkSameSizes(List<JsonNode> runs, List<Path> names) {
    for (int i = 1; i < runs.size(); i++) {
      for (String sc : List.of("postgresql", "network_drive", "s3")) {
        JsonNode a = runs.get(0).path("scenarios").path(sc).path("size");
        JsonNode b = runs.get(i).path("scenarios").path(sc).path("size");
        if (!a.isMissingNode() && !b.isMissingNode() && !a.equals(b)) {
          throw new IllegalArgumentException(String.format("%s has %s size %s but %s has %s: give runs of the same"
              + " BENCH_ROWS and file counts", names.get(0).getFileName(), sc, a, names.get(i).getFileName(), b));
        }
      }
    }
  }

  static String format(List<Reading> readings, int runCount) {
    StringBuilder b = new StringBuilder();
    b.append(runCount == 1 ? "\nTargets (issue 11), this run:\n"
        : String.format(Locale.ROOT, "\nTargets (issue 11), median of %d runs [lowest-highest]:\n", runCount));
    b.append(String.format(Locale.ROOT, "%-50s%-11s%-28s%-9s%s%n", "target", "runner", "value", "status", "size"));
    for (Reading r : readings) {
      String value = runCount == 1 ? show(r.target(), r.median())
          : show(r.target(), r.median()) + " [" + show(r.target(), r.min()) + "-" + show(r.target(), r.max()) + "]";
      b.append(String.format(Locale.ROOT, "%-50s%-11s%-28s%-9s%s%n", r.target().what(), r.runner(), value, r.status(),
          r.sizeNote()));
    }
    return b.toString();
  }

  private static String show(Target t, double v) {
    return switch (t.measure()) {
      case CPU_US_PER_DOC -> String.format(Locale.ROOT, "%.0f us", v);
      case RATIO_TO_CEILING -> String.format(Locale.ROOT, "%.2f", v);
      case SHARE_OF_FULL -> String.format(Locale.ROOT, "%.0f%%", v * 100);
    };
  }

  private static ArrayNode toJson(List<Reading> readings) {
    ArrayNode a = JSON.createArrayNode();
    for (Reading r : readings) {
      ObjectNode o = a.addObject();
      o.put("target", r.target().what());
      o.put("scenario", r.target().scenario());
      o.put("step", r.target().step());
      o.put("runner", r.runner());
      ArrayNode values = o.putArray("values");
      r.values().forEach(values::add);
      o.put("median", r.median());
      o.put("min", r.min());
      o.put("max", r.max());
      if (r.target().hasLimit()) {
        o.put("limit", r.target().limit());
      }
      o.put("status", r.status());
      o.put("size", r.sizeNote());
    }
    return a;
  }
}
