package io.beamconnectors.launcher.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.beamconnectors.launcher.config.LauncherConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code flink} adapter against {@link FakeFlinkRest}, for what a real session cluster does
 * only by chance (LauncherFlinkFtest runs the same paths on a real one): a cancel asked for before
 * the cluster lists the job, per-job answers that lag {@code /jobs/overview}, and a job that ended
 * while no launcher watched it.
 */
class FlinkRunnerAdapterTest {
  private static final String SYNC_JOB = "Sync-Job_1";
  private static final String NAME = FlinkRunnerAdapter.jobName(SYNC_JOB);
  private static final String JID = "0123456789abcdef0123456789abcdef";

  private FakeFlinkRest flink;
  private FlinkRunnerAdapter adapter;

  @BeforeEach
  void setUp() throws IOException {
    flink = new FakeFlinkRest();
    LauncherConfig config = LauncherConfig.parse("elasticsearch:\n  host: http://127.0.0.1:9200\nrunner:\n  type: flink\n"
        + "  flink:\n    master: 127.0.0.1:" + flink.port() + "\n    jar: /nonexistent/bundled.jar\n", Map.of(), "config.yml");
    adapter = new FlinkRunnerAdapter(config);
  }

  @AfterEach
  void tearDown() {
    adapter.close();
    flink.close();
  }

  @Test
  void aCancelAskedForBeforeTheJobIsListedIsSentOnceItIs() {
    RunHandle handle = new RunHandle(SYNC_JOB, NAME);
    adapter.cancel(handle); // still being submitted: nothing to cancel yet
    assertEquals(List.of(), flink.cancels);
    flink.overviewState = "RUNNING";
    flink.detailsState = "RUNNING";
    assertEquals(RunState.RUNNING, adapter.status(handle).state());
    assertEquals(List.of(JID), flink.cancels, "sent as soon as the cluster lists the job");
    adapter.status(handle);
    assertEquals(List.of(JID), flink.cancels, "and only once");
  }

  @Test
  void countersOfAJustFinishedJobWaitForItsOwnDetailsToSayItEnded() {
    flink.overviewState = "RUNNING";
    flink.detailsState = "RUNNING";
    flink.counters = Map.of("listed", 40L); // a running snapshot
    RunHandle handle = adapter.recover(SYNC_JOB).orElseThrow();
    flink.overviewState = "FINISHED"; // the overview is current, the per-job handlers lag
    assertEquals(RunState.RUNNING, adapter.status(handle).state(), "not done while the job's details say RUNNING");
    flink.detailsState = "FINISHED";
    flink.counters = Map.of("listed", 40L, "indexed_ok", 39L, "deleted_ok", 1L, "bytes_written", 2_200_000L);
    assertEquals(RunState.DONE, adapter.status(handle).state());
    JobCounters c = adapter.counters(handle);
    assertEquals(39, c.indexed());
    assertEquals(1, c.deleted());
    assertEquals(2, c.volumeMiB());
  }

  @Test
  void aJobThatEndedWhileNoLauncherWatchedIsRecoveredWithItsOutcome() {
    flink.overviewState = "FINISHED";
    flink.detailsState = "FINISHED";
    flink.counters = Map.of("listed", 5L, "listing_failures", 1L, "deletes_blocked", 3L);
    RunHandle handle = adapter.recover(SYNC_JOB).orElseThrow();
    RunStatus s = adapter.status(handle);
    assertEquals(RunState.FAILED, s.state(), "a run that was not clean");
    assertTrue(s.error().contains("1 listing failures") && s.error().contains("3 deletes held back"), s.error());
    flink.overviewState = null;
    assertTrue(adapter.recover("another-sync-job").isEmpty(), "a job the cluster does not list is not recovered");
  }

  @Test
  void aFailedJobsErrorNamesItsInnermostCauseWithoutSecrets() {
    LauncherConfig config = LauncherConfig.parse("elasticsearch:\n  host: http://127.0.0.1:9200\n  username: elastic\n"
        + "  password: pw-planted-1\nrunner:\n  type: flink\n  flink:\n    master: 127.0.0.1:" + flink.port()
        + "\n    jar: /nonexistent/bundled.jar\n", Map.of(), "config.yml");
    try (FlinkRunnerAdapter withSecret = new FlinkRunnerAdapter(config)) {
      flink.overviewState = "FAILED";
      flink.detailsState = "RUNNING"; // the per-job handlers lag the overview
      RunHandle handle = withSecret.recover(SYNC_JOB).orElseThrow();
      assertEquals(RunState.RUNNING, withSecret.status(handle).state(), "not failed while the job's details say RUNNING");
      flink.detailsState = "FAILED";
      flink.rootException = "org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy\n"
          + "\tat org.apache.flink.runtime.executiongraph.failover.ExecutionFailureHandler.handleFailure(ExecutionFailureHandler.java:180)\n"
          + "Caused by: java.lang.RuntimeException: wrapped\n\tat x.y(Z.java:1)\n"
          + "Caused by: java.lang.IllegalStateException: The cluster's jar is not the launcher's (pw-planted-1): copy it\n"
          + "\tat io.beamconnectors.deployment.InstalledJar.verifyWorker(InstalledJar.java:70)\n\t... 12 more\n";
      RunStatus s = withSecret.status(handle);
      assertEquals(RunState.FAILED, s.state());
      assertEquals("the Flink job " + JID + " failed: The cluster's jar is not the launcher's (<redacted>): copy it"
          + " (its exceptions are in the Flink UI at 127.0.0.1:" + flink.port() + ")", s.error().replace("********", "<redacted>"));
    }
  }

  @Test
  void theInnermostCauseIsTheLastCausedByOrElseTheFirstLine() {
    assertEquals("java.io.IOException: disk full",
        FlinkRunnerAdapter.innermostCause("a.B: outer\n\tat c\nCaused by: java.io.IOException: disk full\n"));
    assertEquals("a.B: outer message: with a colon", FlinkRunnerAdapter.innermostCause("a.B: outer message: with a colon\n\tat c\n"));
    assertEquals(null, FlinkRunnerAdapter.innermostCause(""));
    assertEquals(503, FlinkRunnerAdapter.innermostCause("x.Y: " + "m".repeat(900)).length(), "capped at 500 and an ellipsis");
  }

  @Test
  void aCauseIsShownWithoutItsClassAndAMissingClassOfAnInstalledJarNamesTheFix() {
    assertEquals("disk full", FlinkRunnerAdapter.describeCause("java.io.IOException: disk full", false));
    assertEquals("outer message: with a colon", FlinkRunnerAdapter.describeCause("a.B: outer message: with a colon", true));
    assertEquals("no class here: just words", FlinkRunnerAdapter.describeCause("no class here: just words", false));
    assertEquals(null, FlinkRunnerAdapter.describeCause(null, true));
    String missing = "java.lang.ClassNotFoundException: org.apache.beam.runners.flink.translation.wrappers.ImpulseInputFormat";
    assertEquals("org.apache.beam.runners.flink.translation.wrappers.ImpulseInputFormat",
        FlinkRunnerAdapter.describeCause(missing, false), "a staged jar: the plain message");
    String fix = FlinkRunnerAdapter.describeCause(missing, true);
    assertTrue(fix.startsWith("the cluster cannot load org.apache.beam.runners.flink.translation.wrappers.ImpulseInputFormat:"), fix);
    assertTrue(fix.contains("every Flink node's lib/ must hold runner.flink.jar"), fix);
    assertTrue(fix.contains("runner.flink.jar_installed: false"), fix);
  }

  @Test
  void theMissingClassOfAFailedSubmissionIsFoundThroughFlinksSerializedThrowable() {
    // How a JobMaster that cannot load a class fails a submission: its cause arrives serialized.
    Throwable remote = new org.apache.flink.util.SerializedThrowable(
        new ClassNotFoundException("org.apache.beam.runners.flink.translation.wrappers.ImpulseInputFormat"));
    Throwable chain = new RuntimeException("Pipeline execution failed", new java.util.concurrent.ExecutionException(
        new RuntimeException("Could not start the JobMaster.", new RuntimeException("Deserializing failed", remote))));
    String innermost = FlinkRunnerAdapter.innermostCause(FlinkRunnerAdapter.stackTrace(chain));
    assertTrue(innermost.startsWith("java.lang.ClassNotFoundException: "), innermost);
    assertEquals("org.apache.beam.runners.flink.translation.wrappers.ImpulseInputFormat", FlinkRunnerAdapter.missingClass(innermost));
    assertEquals("org/apache/beam/sdk/Pipeline", FlinkRunnerAdapter.missingClass("java.lang.NoClassDefFoundError: org/apache/beam/sdk/Pipeline"));
    assertEquals(null, FlinkRunnerAdapter.missingClass("java.io.IOException: disk full"));
    assertEquals(null, FlinkRunnerAdapter.missingClass("java.lang.ClassNotFoundException: a.B while doing something else"));
  }

  /**
   * A named fake of the five Flink REST calls the adapter makes ({@code /jobs/overview},
   * {@code /jobs/<jid>}, {@code /jobs/<jid>/accumulators}, {@code /jobs/<jid>/exceptions},
   * {@code PATCH /jobs/<jid>?mode=cancel}),
   * each answering from fields a test sets; a JDK HTTP server on a free loopback port.
   */
  static final class FakeFlinkRest implements AutoCloseable {
    volatile String overviewState; // null: the job is not listed
    volatile String detailsState = "RUNNING";
    volatile Map<String, Long> counters = Map.of();
    volatile String rootException = "";
    final List<String> cancels = new ArrayList<>();
    private final HttpServer server;

    FakeFlinkRest() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/jobs", exchange -> {
        String path = exchange.getRequestURI().getPath();
        String body;
        int status = 200;
        if (path.equals("/jobs/overview")) {
          body = overviewState == null ? "{\"jobs\":[]}" : "{\"jobs\":[{\"jid\":\"" + JID + "\",\"name\":\"" + NAME
              + "\",\"state\":\"" + overviewState + "\",\"start-time\":1}]}";
        } else if (path.equals("/jobs/" + JID + "/exceptions")) {
          body = "{\"root-exception\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(rootException) + "}";
        } else if (path.equals("/jobs/" + JID + "/accumulators")) {
          body = accumulators();
        } else if (path.equals("/jobs/" + JID) && exchange.getRequestMethod().equals("PATCH")) {
          synchronized (cancels) {
            cancels.add(JID);
          }
          status = 202;
          body = "{}";
        } else if (path.equals("/jobs/" + JID)) {
          body = "{\"jid\":\"" + JID + "\",\"state\":\"" + detailsState + "\"}";
        } else {
          status = 404;
          body = "{\"errors\":[\"not found\"]}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
      });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    /** Beam's metrics accumulator as Flink serves it: each sum_int64 payload a base64 varint. */
    private String accumulators() {
      StringBuilder attempted = new StringBuilder();
      for (Map.Entry<String, Long> e : counters.entrySet()) {
        if (attempted.length() > 0) {
          attempted.append(',');
        }
        attempted.append("{\"labels\":{\"NAMESPACE\":\"sync\",\"NAME\":\"").append(e.getKey())
            .append("\"},\"type\":\"beam:metrics:sum_int64:v1\",\"payload\":\"")
            .append(Base64.getEncoder().encodeToString(varint(e.getValue()))).append("\"}");
      }
      String value = "{\"metrics\":{\"attempted\":[" + attempted + "]}}";
      return "{\"user-task-accumulators\":[{\"name\":\"__metricscontainers\",\"type\":\"MetricsAccumulator\",\"value\":"
          + com.fasterxml.jackson.databind.node.TextNode.valueOf(value) + "}]}";
    }

    private static byte[] varint(long v) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      while ((v & ~0x7fL) != 0) {
        out.write((int) ((v & 0x7f) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
      return out.toByteArray();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
