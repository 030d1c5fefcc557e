package io.beamconnectors.ftest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.launcher.config.LauncherConfig;
import io.beamconnectors.launcher.runner.EmbeddedFlinkCluster;
import io.beamconnectors.pipelines.FullSyncOptions;
import io.beamconnectors.pipelines.FullSyncPipeline;
import io.beamconnectors.sync.SyncSummary;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

/**
 * The bench's "warm" runner: a scenario's syncs one after another in one JVM, the way the launcher
 * runs DirectRunner syncs inside its own long-lived JVM, so the JIT compilation, class loading and
 * pipeline-building code paths a one-shot JVM pays for every sync are paid once, by a warm-up sync.
 *
 * <pre>WarmJvmSyncs WORK_DIR LABEL STEP... -- SYNC_ARGS...</pre>
 *
 * A STEP is {@code warmup} (a full sync into {@code <index>-warmup}, then a re-sync of it that finds
 * every row unchanged and deletes {@link #STRAYS} documents planted in the index after the full
 * sync, then the index is deleted: it only warms the JVM and is not reported), {@code warmup-full}
 * (the full sync alone, the warm-up before the twenty-ninth round of docs/benchmarks.md), a step
 * name such as {@code full}, {@code noop} or {@code changed} (one sync of SYNC_ARGS, reported), or {@code exec:COMMAND} (a {@code bash -c} command between
 * syncs, e.g. the update that makes the "changed" step). For each reported step it writes what
 * {@code bench.sh}'s one-shot runs write: {@code LABEL-STEP.summary.json},
 * {@code LABEL-STEP.time} ("peak_rss_kb wall_s cpu_s 0": the JVM's CPU over the step, all of its
 * threads, from the OperatingSystem MXBean; the peak RSS is the JVM's so far) and
 * {@code LABEL-STEP.escpu} (Elasticsearch's process CPU in ms before and after), and one more:
 * {@code LABEL-STEP.jit} (the JIT compiler threads' CPU seconds over the step, see
 * {@link #jitCpuMillis}). Each sync starts once Elasticsearch runs no merge, as in {@code bench.sh}. Embedded Flink syncs
 * ({@code --flinkMaster=[local]}) run on one cluster kept for all of them, as the launcher runs them
 * ({@link #onTheLaunchersCluster}).
 *
 * <p>With {@code -Dbench.jfrDir=DIR} ({@code BENCH_JFR}) each reported step is recorded with JFR's
 * profile settings into {@code DIR/LABEL-STEP.jfr}, from its start to its end only: the warm-up
 * syncs and the steps before are not in it, unlike a recording of the whole JVM.
 */
public final class WarmJvmSyncs {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Where each reported step's JFR recording goes; unset: none. */
  static final String JFR_DIR_PROPERTY = "bench.jfrDir";
  /** A warm-up: a full sync and a re-sync (see the class comment). */
  static final String WARMUP = "warmup";
  /** A warm-up of a full sync only, as before the twenty-ninth round. */
  static final String WARMUP_FULL_ONLY = "warmup-full";
  /** Documents planted for the warm-up's re-sync to delete. */
  static final int STRAYS = 100;
  /** Linux's USER_HZ, the unit of /proc's CPU times: 100 on every architecture it runs on today. */
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  private WarmJvmSyncs() {}

  public static void main(String[] argv) throws Exception {
    List<String> all = Arrays.asList(argv);
    int dashes = all.indexOf("--");
    if (argv.length < 4 || dashes < 3) {
      System.err.println("usage: WarmJvmSyncs WORK_DIR LABEL STEP... -- SYNC_ARGS...");
      System.exit(2);
    }
    Path work = Path.of(argv[0]);
    String label = argv[1];
    List<String> steps = all.subList(2, dashes);
    String[] syncArgs = onTheLaunchersCluster(all.subList(dashes + 1, all.size())).toArray(new String[0]);
    Map<String, String> env = System.getenv();
    FullSyncOptions probe = options(syncArgs);
    try (RestClient es = FullSyncPipeline.elasticsearchConnection(probe, env, probe.getEsIndex()).createClient()) {
      for (String step : steps) {
        if (step.startsWith("exec:")) {
          Process p = new ProcessBuilder("bash", "-c", step.substring(5)).inheritIO().start();
          if (p.waitFor() != 0) {
            throw new IllegalStateException("step '" + step + "' exited " + p.exitValue());
          }
          continue;
        }
        boolean warmup = step.equals(WARMUP) || step.equals(WARMUP_FULL_ONLY);
        List<String> args = new ArrayList<>(Arrays.asList(syncArgs));
        String index = probe.getEsIndex() + (warmup ? "-warmup" : "");
        args.removeIf(a -> a.startsWith("--esIndex=") || a.startsWith("--summaryJson="));
        args.add("--esIndex=" + index);
        String name = label + "-" + step;
        if (!warmup) {
          args.add("--summaryJson=" + work.resolve(name + ".summary.json"));
        }
        System.out.println("== " + name + (warmup ? " (warm-up sync, not reported)" : ""));
        waitForNoMerges(es);
        Recording recording = warmup ? null : startRecording(name);
        long esBefore = esCpuMillis(es);
        long cpuBefore = processCpuNanos();
        long jitBefore = jitCpuMillis();
        long wallBefore = System.nanoTime();
        SyncSummary summary = sync(args.toArray(new String[0]), env);
        long wall = System.nanoTime() - wallBefore;
        long cpu = processCpuNanos() - cpuBefore;
        long jit = jitCpuMillis() - jitBefore;
        long esAfter = esCpuMillis(es);
        if (recording != null) {
          recording.stop(); // writes the recording to its destination
          recording.close();
        }
        System.out.println(summary.format());
        if (warmup) {
          if (step.equals(WARMUP)) {
            resync(args.toArray(new String[0]), env, es, index);
          }
          delete(es, index);
          continue;
        }
        Files.writeString(work.resolve(name + ".time"),
            peakRssKb() + " " + seconds(wall) + " " + seconds(cpu) + " 0\n", StandardCharsets.UTF_8);
        Files.writeString(work.resolve(name + ".escpu"), esBefore + "\n" + esAfter + "\n", StandardCharsets.UTF_8);
        if (jitBefore >= 0) {
          Files.writeString(work.resolve(name + ".jit"), seconds(jit * 1_000_000L) + "\n", StandardCharsets.UTF_8);
        }
      }
    }
    System.exit(0); // the DirectRunner's and the clients' non-daemon threads would keep a finished JVM up
  }

  /**
   * The warm-up's re-sync: most of a launcher's syncs are re-syncs, which run code a full sync
   * never does (lookups that find their rows, the index state's read, the deletes). Warmed by
   * full syncs only, the measured no-op paid for compiling it (twenty-ninth round).
   */
  private static void resync(String[] args, Map<String, String> env, RestClient es, String index) throws Exception {
    int planted = plantStrays(es, index, STRAYS, STRAY_REQUEST_BYTES).documents();
    System.out.println("== re-sync of " + index + " (warm-up, not reported): " + planted + " planted documents to delete");
    waitForNoMerges(es);
    SyncSummary again = sync(args, env);
    System.out.println(again.format());
    if (again.get("deleted") != planted) {
      throw new IllegalStateException("the warm-up re-sync of " + index + " deleted " + again.get("deleted") + " documents, not the "
          + planted + " planted: it did not run the paths it is there to warm (see the summary above)");
    }
  }


  /**
   * Copies of one of the index's documents under {@code count} ids no source lists
   * ({@code bench-warmup-stray-N}, in {@code _id} and in the {@code id} field, which the sync reads
   * the index state by), so that a re-sync finds them indexed and not listed, in a listed scope:
   * delete candidates that pass the gate. Returns how many were planted (none when the index is
   * empty) and in how many requests.
   * The copied document is the smallest of the first {@link #STRAY_CANDIDATES} hits, and the copies
   * go in requests that stop growing once they reach {@code requestBytes} ({@link #STRAY_REQUEST_BYTES}
   * in the bench): a file tree's first hit can be a 1 MiB file, and a hundred copies of it in one
   * request are over what Elasticsearch accepts at once (HTTP 429, indexing pressure), which failed
   * a bench run.
   */
  static Planted plantStrays(RestClient es, String index, int count, int requestBytes) throws IOException {
    es.performRequest(new Request("POST", "/" + index + "/_refresh"));
    Request first = new Request("GET", "/" + index + "/_search");
    first.addParameter("size", Integer.toString(STRAY_CANDIDATES));
    JsonNode hits;
    try (InputStream in = es.performRequest(first).getEntity().getContent()) {
      hits = JSON.readTree(in).path("hits").path("hits");
    }
    if (hits.isEmpty()) {
      return new Planted(0, 0);
    }
    ObjectNode source = null;
    int smallest = Integer.MAX_VALUE;
    for (JsonNode hit : hits) {
      int size = JSON.writeValueAsString(hit.path("_source")).length();
      if (size < smallest) {
        smallest = size;
        source = (ObjectNode) hit.path("_source");
      }
    }
    StringBuilder bulk = new StringBuilder();
    int requests = 0;
    for (int i = 0; i < count; i++) {
      String id = "bench-warmup-stray-" + i;
      source.put("id", id);
      ObjectNode action = JSON.createObjectNode();
      action.putObject("index").put("_id", id);
      bulk.append(JSON.writeValueAsString(action)).append('\n')
          .append(JSON.writeValueAsString(source)).append('\n');
      if (bulk.length() >= requestBytes || i == count - 1) {
        writeStrays(es, index, bulk.toString());
        bulk.setLength(0);
        requests++;
      }
    }
    return new Planted(count, requests);
  }

  /** What {@link #plantStrays} did: the documents it planted and the bulk requests it took. */
  record Planted(int documents, int requests) {}

  static final int STRAY_CANDIDATES = 20;
  static final int STRAY_REQUEST_BYTES = 8 * 1024 * 1024;

  private static void writeStrays(RestClient es, String index, String bulk) throws IOException {
    Request write = new Request("POST", "/" + index + "/_bulk");
    write.addParameter("refresh", "true");
    write.setJsonEntity(bulk);
    try (InputStream in = es.performRequest(write).getEntity().getContent()) {
      JsonNode response = JSON.readTree(in);
      if (response.path("errors").asBoolean()) {
        throw new IllegalStateException("planting the warm-up's stray documents in " + index + " failed: " + response);
      }
    }
  }

  /**
   * Embedded Flink as the launcher runs it: SYNC_ARGS with {@code --flinkMaster=[local]} get one
   * {@link EmbeddedFlinkCluster} for all of this JVM's syncs instead of Beam's cluster per job.
   * Other arguments are returned as they are.
   */
  static List<String> onTheLaunchersCluster(List<String> syncArgs) {
    String local = "--flinkMaster=" + LauncherConfig.Flink.EMBEDDED;
    if (!syncArgs.contains(local)) {
      return syncArgs;
    }
    int parallelism = syncArgs.stream().filter(a -> a.startsWith("--parallelism="))
        .map(a -> Integer.parseInt(a.substring("--parallelism=".length()))).findFirst()
        .orElse(Runtime.getRuntime().availableProcessors());
    // Left open: the JVM ends with System.exit once the steps are done, as the launcher's would.
    @SuppressWarnings("resource")
    EmbeddedFlinkCluster cluster = new EmbeddedFlinkCluster(parallelism, 1, new org.apache.flink.configuration.Configuration());
    cluster.useOnThisThread();
    System.out.println("== embedded Flink: one cluster for every sync of this JVM, as the launcher runs them");
    List<String> args = new ArrayList<>(syncArgs);
    args.replaceAll(a -> a.equals(local) ? "--flinkMaster=" + EmbeddedFlinkCluster.BEAM_MASTER : a);
    return args;
  }

  /**
   * A JFR recording of one step with the JDK's "profile" settings and deep stacks (Beam's are, and
   * {@code HotMethods} ranks methods anywhere in a stack), written to {@code <jfrDir>/<name>.jfr}
   * when stopped; null without {@code -Dbench.jfrDir}.
   */
  static Recording startRecording(String name) throws IOException, java.text.ParseException {
    String dir = System.getProperty(JFR_DIR_PROPERTY);
    if (dir == null || dir.isEmpty()) {
      return null;
    }
    Recording r = new Recording(Configuration.getConfiguration("profile"));
    r.setName(name);
    r.setDestination(Path.of(dir, name + ".jfr"));
    r.setToDisk(true);
    r.start();
    return r;
  }

  private static FullSyncOptions options(String[] args) {
    FullSyncOptions options = PipelineOptionsFactory.fromArgs(args).withValidation().as(FullSyncOptions.class);
    FullSyncPipeline.directRunnerDefaults(options, args);
    return options;
  }

  private static SyncSummary sync(String[] args, Map<String, String> env) throws IOException {
    FullSyncOptions options = options(args);
    SyncSummary summary = FullSyncPipeline.run(options, env);
    if (options.getSummaryJson() != null) {
      JSON.writerWithDefaultPrettyPrinter().writeValue(Path.of(options.getSummaryJson()).toFile(), summary.toMap());
    }
    return summary;
  }

  private static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e9);
  }

  /** CPU of every thread of this JVM so far (JIT, GC and the runner's included). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /**
   * The CPU time of this JVM's JIT compiler threads so far, in ms, from /proc (their user and system
   * time; -1 where /proc is missing). Their CPU, not the Compilation MXBean's total, which is their
   * elapsed time and on a busy machine counts the time they waited for a core (on 2 cores it read
   * about twice the CPU). A compiler thread the JVM stopped (with more cores it adds and removes
   * some) is no longer counted, so this can fall short there, never over. A warm JVM keeps
   * compiling: code that runs once per sync (pipeline construction, Flink's job set-up) reaches
   * the compile thresholds only after many syncs, so this is part of each warm sync's CPU.
   */
  static long jitCpuMillis() throws IOException {
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return -1;
    }
    long ticks = 0;
    try (java.util.stream.Stream<Path> threads = Files.list(tasks)) {
      for (Path t : (Iterable<Path>) threads::iterator) {
        try {
          String name = Files.readString(t.resolve("comm"));
          if (!name.startsWith("C1 Compiler") && !name.startsWith("C2 Compiler")) {
            continue;
          }
          // After the command name in parentheses: fields 3 onwards; utime and stime are 14 and 15.
          String stat = Files.readString(t.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (java.nio.file.NoSuchFileException ended) {
          // The thread ended while listed.
        }
      }
    }
    return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
  }

  /** The JVM's peak resident set so far (VmHWM), in kB; 0 where /proc is missing. */
  private static long peakRssKb() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return 0;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return 0;
  }

  /** Elasticsearch's process CPU so far, in ms, summed over its nodes. */
  private static long esCpuMillis(RestClient es) throws IOException {
    Request r = new Request("GET", "/_nodes/stats/process");
    r.addParameter("filter_path", "nodes.*.process.cpu.total_in_millis");
    Response response = es.performRequest(r);
    long total = 0;
    try (InputStream in = response.getEntity().getContent()) {
      JsonNode nodes = JSON.readTree(in).path("nodes");
      for (Iterator<JsonNode> it = nodes.elements(); it.hasNext(); ) {
        total += it.next().path("process").path("cpu").path("total_in_millis").asLong();
      }
    }
    return total;
  }

  /**
   * Waits (up to 10 minutes, polling every second) until Elasticsearch runs no merge, as
   * {@code bench.sh}'s {@code es_quiet}: the merges a full sync leaves running are not the next step's.
   */
  private static void waitForNoMerges(RestClient es) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
    while (System.nanoTime() < deadline) {
      Request r = new Request("GET", "/_nodes/stats/indices");
      r.addParameter("filter_path", "nodes.*.indices.merges.current");
      long current = 0;
      try (InputStream in = es.performRequest(r).getEntity().getContent()) {
        for (Iterator<JsonNode> it = JSON.readTree(in).path("nodes").elements(); it.hasNext(); ) {
          current += it.next().path("indices").path("merges").path("current").asLong();
        }
      }
      if (current == 0) {
        return;
      }
      Thread.sleep(1000);
    }
    System.out.println("   (Elasticsearch still merging after 10 minutes: measuring anyway)");
  }

  private static void delete(RestClient es, String index) throws IOException {
    try {
      es.performRequest(new Request("DELETE", "/" + index));
    } catch (ResponseException e) {
      if (e.getResponse().getStatusLine().getStatusCode() != 404) {
        throw e;
      }
    }
  }
}
