package io.beamconnectors.launcher.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamconnectors.deployment.InstalledJar;
import io.beamconnectors.launcher.config.LauncherConfig;
import io.beamconnectors.pipelines.JobSyncPipeline;
import io.beamconnectors.pipelines.SyncJobOptions;
import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.Secrets;
import io.beamconnectors.sources.SourceRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The {@code flink} runner: a Flink session cluster at {@code runner.flink.master} (its REST
 * address). The pipeline is built in the launcher and submitted detached
 * ({@code --attachedMode=false}) with the shaded pipelines jar staged and {@code --jobName}
 * {@code bc-sync-<sync job id>}; state, cancel and re-attachment after a launcher restart go
 * through Flink's REST API ({@code /jobs/overview}, {@code PATCH /jobs/<jid>}). Flink states map
 * to {@link RunState}: CREATED, INITIALIZING, RUNNING, RESTARTING, FAILING, CANCELLING,
 * RECONCILING are RUNNING; FINISHED is DONE; CANCELED is CANCELLED; FAILED is FAILED; SUSPENDED
 * (or a job the cluster no longer lists) is LOST.
 */
public final class FlinkRunnerAdapter implements RunnerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(FlinkRunnerAdapter.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long one call to the cluster's REST API may take, connecting included. */
  private static final Duration REST_TIMEOUT = Duration.ofSeconds(10);
  private static final Pattern MISSING_CLASS =
      Pattern.compile("java\\.lang\\.(?:ClassNotFoundException|NoClassDefFoundError): ([\\w.$/]+)\\s*$");

  private final LauncherConfig config;
  private final SourceRegistry registry;
  private final List<String> secrets;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(REST_TIMEOUT).build();
  private final ExecutorService submitter;
  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  private Path markerDirectory;

  private static final class Run {
    volatile JobSyncPipeline.Started started;
    volatile String flinkJobId;
    volatile RunStatus failedBeforeRunning;
    volatile boolean cancelRequested;
    /** The cluster accepted the cancel request (a cancel asked for before the job was listed is sent when it is). */
    volatile boolean cancelSent;
    volatile RunStatus finalStatus;
    volatile Map<String, Long> finalCounters;
    /** When the overview first said the job ended (FINISHED or FAILED) while its details still lagged. */
    volatile long finishedSeenAt;
  }

  public FlinkRunnerAdapter(LauncherConfig config) {
    this.config = config;
    this.registry = config.sourceRegistry();
    this.secrets = config.secrets();
    this.submitter = Executors.newFixedThreadPool(Math.max(1, config.service().maxConcurrentContentSyncs()), r -> {
      Thread t = new Thread(r, "flink-submit");
      t.setDaemon(true);
      return t;
    });
  }

  /** The Flink job name of a sync job: the key a restarted launcher finds it by. */
  public static String jobName(String syncJobId) {
    return "bc-sync-" + syncJobId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
  }

  @Override
  public String name() {
    return "flink";
  }

  @Override
  public boolean runsInLauncherProcess() {
    return false;
  }

  @Override
  public RunHandle submit(String syncJobId, String contentApiKey) {
    LauncherConfig.Flink flink = config.runner().flink();
    List<String> args = new ArrayList<>(PipelineArguments.of(syncJobId, config.elasticsearch(), contentApiKey != null));
    args.add("--runner=FlinkRunner");
    args.add("--flinkMaster=" + flink.master());
    args.add("--attachedMode=false");
    args.add("--parallelism=" + flink.parallelism());
    args.add("--jobName=" + jobName(syncJobId));
    Map<String, String> env = new HashMap<>(System.getenv());
    if (config.elasticsearch().credential() != null) {
      env.put(PipelineArguments.CREDENTIAL_ENV, config.elasticsearch().credential());
    }
    if (contentApiKey != null) {
      env.put(PipelineArguments.CONTENT_API_KEY_ENV, contentApiKey);
    }
    Run run = new Run();
    runs.put(syncJobId, run);
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    submitter.submit(() -> {
      if (mdc != null) {
        MDC.setContextMap(mdc);
      }
      try {
        args.add("--filesToStage=" + filesToStage(flink));
        LOG.info("Submitting sync job {} to Flink at {} with arguments {}", syncJobId, flink.master(), args);
        SyncJobOptions options = PipelineOptionsFactory.fromArgs(args.toArray(new String[0])).as(SyncJobOptions.class);
        options.setRunner(FlinkRunner.class);
        options.as(FlinkPipelineOptions.class).setAttachedMode(false);
        run.started = JobSyncPipeline.start(options, env, registry);
      } catch (ConfigurationException e) {
        run.failedBeforeRunning = new RunStatus(RunState.FAILED, Secrets.redact(e.getMessage(), secrets), null);
      } catch (Throwable e) {
        LOG.debug("Submitting job {} to Flink failed", syncJobId, e);
        // A JobMaster that cannot load the job's classes fails the submission itself when it fails
        // fast enough (else the job is listed FAILED, handled in status()): the same fix applies.
        String innermost = innermostCause(stackTrace(e));
        String missing = flink.jarInstalled() ? missingClass(innermost) : null;
        run.failedBeforeRunning = new RunStatus(RunState.FAILED, missing != null
            ? "Submitting to Flink failed: " + Secrets.redact(describeCause(innermost, true), secrets)
            : e instanceof RuntimeException && e.getClass().getSimpleName().equals("SourceUnreachableException")
            ? Secrets.redact(e.getMessage(), secrets)
            : "Submitting to Flink failed: " + Secrets.describe(e, secrets), null);
      } finally {
        MDC.clear();
      }
    });
    return new RunHandle(syncJobId, jobName(syncJobId));
  }

  /**
   * What a job stages: the shaded jar itself, or, when the cluster's nodes hold it in their
   * {@code lib/} ({@code runner.flink.jar_installed}), a marker of it (a jar of one entry, its
   * SHA-256) that the workers check their own jar against ({@link InstalledJar}). Staging the jar
   * costs every job an upload of about 250 MB and a class loader that loads and compiles our
   * classes afresh on every TaskManager.
   */
  private String filesToStage(LauncherConfig.Flink flink) throws IOException {
    if (!flink.jarInstalled()) {
      return flink.jar();
    }
    synchronized (this) {
      if (markerDirectory == null) {
        markerDirectory = Files.createTempDirectory("bc-flink-marker");
        markerDirectory.toFile().deleteOnExit();
      }
    }
    Path marker = InstalledJar.writeMarker(Path.of(flink.jar()), markerDirectory);
    marker.toFile().deleteOnExit();
    return marker.toString();
  }

  @Override
  public RunStatus status(RunHandle handle) {
    Run run = runs.computeIfAbsent(handle.syncJobId(), k -> new Run());
    if (run.finalStatus != null) {
      return run.finalStatus;
    }
    if (run.failedBeforeRunning != null) {
      return run.failedBeforeRunning;
    }
    Optional<JsonNode> job;
    try {
      job = findJob(handle.runnerJobId());
    } catch (IOException | InterruptedException e) {
      LOG.debug("Flink REST not reachable", e);
      return RunStatus.of(RunState.RUNNING); // unknown for now: the heartbeat stops if this lasts
    }
    if (job.isEmpty()) {
      return RunStatus.of(run.started == null ? RunState.STARTING : RunState.LOST);
    }
    run.flinkJobId = job.get().path("jid").asText();
    String state = job.get().path("state").asText("");
    RunState mapped = map(state);
    if (mapped == RunState.RUNNING && run.cancelRequested && !run.cancelSent) {
      sendCancel(run, handle);
    }
    if (mapped == RunState.DONE) {
      // Just finished: /jobs/overview is current, but the per-job handlers answer from a cache of
      // the job's graph (web.refresh-interval, 3 s by default), so the accumulators can still be a
      // running snapshot (seen here: 0 written where the cluster later said 40). They count once
      // the job's own details say it ended: then the cached graph is the final one.
      Map<String, Long> c = detailsSayEnded(run.flinkJobId) ? restCounters(run.flinkJobId) : Map.of();
      if (!c.containsKey("listed")) {
        if (run.finishedSeenAt == 0) {
          run.finishedSeenAt = System.currentTimeMillis();
        }
        if (System.currentTimeMillis() - run.finishedSeenAt < 60_000) {
          return RunStatus.of(RunState.RUNNING);
        }
        LOG.warn("Flink job {} finished but its counters cannot be read; the job document gets zero counters",
            run.flinkJobId);
      }
      run.finalCounters = c;
      long listingFailures = c.getOrDefault("listing_failures", 0L);
      long failedWrites = c.getOrDefault("failed", 0L);
      if (listingFailures > 0 || failedWrites > 0) {
        run.finalStatus = new RunStatus(RunState.FAILED, String.format("The sync finished but was not clean: %d listing"
            + " failures, %d skipped parts, %d failed writes, %d deletes held back", listingFailures,
            c.getOrDefault("skipped_parts", 0L), failedWrites, c.getOrDefault("deletes_blocked", 0L)), null);
      } else {
        run.finalStatus = new RunStatus(RunState.DONE, null, null);
      }
    } else if (mapped == RunState.FAILED) {
      // As with the counters above: the job's exceptions come from the cached graph, which can
      // still be a running one just after the overview says FAILED.
      if (!detailsSayEnded(run.flinkJobId)) {
        if (run.finishedSeenAt == 0) {
          run.finishedSeenAt = System.currentTimeMillis();
        }
        if (System.currentTimeMillis() - run.finishedSeenAt < 60_000) {
          return RunStatus.of(RunState.RUNNING);
        }
      }
      String cause = describeCause(rootCause(run.flinkJobId), config.runner().flink().jarInstalled());
      run.finalStatus = new RunStatus(RunState.FAILED, "the Flink job " + run.flinkJobId + " failed"
          + (cause == null ? "" : ": " + Secrets.redact(cause, secrets)) + " (its exceptions are in the Flink UI at "
          + config.runner().flink().master() + ")", null);
    } else if (mapped.terminal()) {
      run.finalStatus = RunStatus.of(mapped);
    }
    return run.finalStatus != null ? run.finalStatus : RunStatus.of(mapped);
  }

  static RunState map(String flinkState) {
    return switch (flinkState) {
      case "FINISHED" -> RunState.DONE;
      case "CANCELED" -> RunState.CANCELLED;
      case "FAILED" -> RunState.FAILED;
      case "SUSPENDED" -> RunState.LOST;
      default -> RunState.RUNNING;
    };
  }

  @Override
  public JobCounters counters(RunHandle handle) {
    Run run = runs.get(handle.syncJobId());
    if (run == null) {
      return JobCounters.ZERO;
    }
    if (run.flinkJobId == null) {
      return JobCounters.ZERO;
    }
    Map<String, Long> c = run.finalCounters != null ? run.finalCounters : restCounters(run.flinkJobId);
    return new JobCounters(c.getOrDefault("indexed_ok", 0L), c.getOrDefault("deleted_ok", 0L),
        c.getOrDefault("bytes_written", 0L));
  }

  @Override
  public void cancel(RunHandle handle) {
    Run run = runs.computeIfAbsent(handle.syncJobId(), k -> new Run());
    run.cancelRequested = true;
    try {
      if (findJob(handle.runnerJobId()).isPresent()) {
        sendCancel(run, handle);
      }
      // Not listed yet (still being submitted): status() sends the cancel once the cluster lists it.
    } catch (IOException e) {
      LOG.warn("Cancelling Flink job {} failed (sent again at the next check): {}", handle.runnerJobId(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** PATCH /jobs/<jid>?mode=cancel for the newest job of this name; remembered once the cluster accepts it. */
  private void sendCancel(Run run, RunHandle handle) {
    try {
      Optional<JsonNode> job = findJob(handle.runnerJobId());
      if (job.isEmpty()) {
        return;
      }
      HttpRequest patch = HttpRequest.newBuilder(base().resolve("/jobs/" + job.get().path("jid").asText() + "?mode=cancel"))
          .method("PATCH", HttpRequest.BodyPublishers.noBody()).timeout(REST_TIMEOUT).build();
      int code = http.send(patch, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (code / 100 == 2) {
        run.cancelSent = true;
        LOG.info("Asked Flink to cancel job {} ({})", handle.runnerJobId(), job.get().path("jid").asText());
      } else {
        LOG.warn("Flink answered HTTP {} to cancelling job {} (sent again at the next check)", code, handle.runnerJobId());
      }
    } catch (IOException e) {
      LOG.warn("Cancelling Flink job {} failed (sent again at the next check): {}", handle.runnerJobId(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public Optional<RunHandle> recover(String syncJobId) {
    try {
      Optional<JsonNode> job = findJob(jobName(syncJobId));
      // A running job is watched again; a job that ended while no launcher watched it (FINISHED,
      // CANCELED, FAILED: the cluster keeps ended jobs for jobstore.expiration-time, an hour by
      // default) is "re-attached" too, so its job document gets the run's real outcome and counters
      // instead of the idle-job error.
      if (job.isPresent() && map(job.get().path("state").asText("")) != RunState.LOST) {
        Run run = new Run();
        run.flinkJobId = job.get().path("jid").asText();
        runs.put(syncJobId, run);
        return Optional.of(new RunHandle(syncJobId, jobName(syncJobId)));
      }
    } catch (IOException | InterruptedException e) {
      LOG.warn("Looking for Flink job {} failed: {}", jobName(syncJobId), e.toString());
    }
    return Optional.empty();
  }

  @Override
  public void release(RunHandle handle) {
    runs.remove(handle.syncJobId());
  }

  /**
   * The engine's counters ({@code sync} namespace) of a Flink job, from the REST API's
   * {@code __metricscontainers} accumulator: Beam's attempted sum_int64 metrics, each payload a
   * base64 varint. Works for jobs this launcher did not submit (re-attached ones). Empty if unreadable.
   */
  Map<String, Long> restCounters(String flinkJobId) {
    Map<String, Long> out = new HashMap<>();
    try {
      for (JsonNode acc : getJson("/jobs/" + flinkJobId + "/accumulators").path("user-task-accumulators")) {
        if (!"__metricscontainers".equals(acc.path("name").asText())) {
          continue;
        }
        for (JsonNode m : JSON.readTree(acc.path("value").asText()).path("metrics").path("attempted")) {
          JsonNode labels = m.path("labels");
          if ("sync".equals(labels.path("NAMESPACE").asText())
              && m.path("type").asText().endsWith("sum_int64:v1")) {
            out.merge(labels.path("NAME").asText(), varint(java.util.Base64.getDecoder().decode(m.path("payload").asText())),
                Long::sum);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("Counters of Flink job {} not readable", flinkJobId, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }

  /** True if {@code /jobs/<jid>} (the cached graph the accumulators come from) says the job ended. */
  private boolean detailsSayEnded(String flinkJobId) {
    try {
      return map(getJson("/jobs/" + flinkJobId).path("state").asText("")).terminal();
    } catch (IOException e) {
      LOG.debug("Details of Flink job {} not readable", flinkJobId, e);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * The innermost cause of a failed job, one line, from {@code /jobs/<jid>/exceptions}: the last
   * {@code Caused by:} of the root exception's stack trace (Flink wraps the task's exception in its
   * own). Null if the cluster does not say.
   */
  private String rootCause(String flinkJobId) {
    try {
      return innermostCause(getJson("/jobs/" + flinkJobId + "/exceptions").path("root-exception").asText(""));
    } catch (IOException e) {
      LOG.debug("Exceptions of Flink job {} not readable", flinkJobId, e);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * What a user reads of a failed job's innermost cause: its message without the exception's class
   * name, or, for a class the cluster cannot load while the jar is meant to be installed there, what
   * to do about it.
   */
  static String describeCause(String cause, boolean jarInstalled) {
    if (cause == null) {
      return null;
    }
    String missing = missingClass(cause);
    if (jarInstalled && missing != null) {
      return "the cluster cannot load " + missing + ": runner.flink.jar_installed is true, so every"
          + " Flink node's lib/ must hold runner.flink.jar; copy it there and restart the nodes, or set"
          + " runner.flink.jar_installed: false to stage the jar with each job";
    }
    int colon = cause.indexOf(": ");
    String message = colon > 0 && cause.substring(0, colon).matches("[\\w.$]+") ? cause.substring(colon + 2).strip() : cause;
    return message.isEmpty() ? null : message;
  }

  /**
   * The class a cause ending in "ClassNotFoundException: x" or "NoClassDefFoundError: x" names, else
   * null. Ending in, since Flink's {@code SerializedThrowable} prints the original class twice.
   */
  static String missingClass(String cause) {
    Matcher m = cause == null ? null : MISSING_CLASS.matcher(cause);
    return m != null && m.find() ? m.group(1) : null;
  }

  /**
   * A throwable printed as the cluster's REST API prints a job's exception. Flink sends a remote
   * failure as a {@code SerializedThrowable}, which prints the original's whole trace, causes included.
   */
  static String stackTrace(Throwable e) {
    java.io.StringWriter out = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(out));
    return out.toString();
  }

  /** The last {@code Caused by:} line of a printed stack trace (else its first line), capped at 500 characters. */
  static String innermostCause(String trace) {
    String line = null;
    for (String l : trace.split("\\R")) {
      if (line == null && !l.isBlank()) {
        line = l;
      } else if (l.startsWith("Caused by: ")) {
        line = l.substring("Caused by: ".length());
      }
    }
    if (line == null) {
      return null;
    }
    line = line.strip();
    return line.isEmpty() ? null : line.length() > 500 ? line.substring(0, 500) + "..." : line;
  }

  /** A protobuf-style unsigned varint (how Beam encodes a sum_int64 payload). */
  static long varint(byte[] b) {
    long v = 0;
    int shift = 0;
    for (byte x : b) {
      v |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        break;
      }
      shift += 7;
    }
    return v;
  }

  /** The newest job of the cluster with this name. */
  private Optional<JsonNode> findJob(String name) throws IOException, InterruptedException {
    JsonNode best = null;
    for (JsonNode j : getJson("/jobs/overview").path("jobs")) {
      if (name.equals(j.path("name").asText()) && (best == null
          || j.path("start-time").asLong() > best.path("start-time").asLong())) {
        best = j;
      }
    }
    return Optional.ofNullable(best);
  }

  /** GET {@code path} of the cluster's REST API, as JSON; any answer but HTTP 200 is an IOException naming both. */
  private JsonNode getJson(String path) throws IOException, InterruptedException {
    HttpRequest get = HttpRequest.newBuilder(base().resolve(path)).timeout(REST_TIMEOUT).GET().build();
    HttpResponse<String> r = http.send(get, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("Flink REST " + path + " answered HTTP " + r.statusCode());
    }
    return JSON.readTree(r.body());
  }

  private URI base() {
    String m = config.runner().flink().master();
    return URI.create(m.startsWith("http") ? m : "http://" + m);
  }


  @Override
  public void close() {
    submitter.shutdownNow();
  }
}
