package io.beamconnectors.launcher.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.beamconnectors.launcher.logging.CapturedLines;
import io.beamconnectors.launcher.logging.JobThreadGroup;
import io.beamconnectors.launcher.logging.JobThreadMdcFilter;
import io.beamconnectors.launcher.logging.LogEachElement;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real Beam pipelines on the FlinkRunner with {@link EmbeddedFlinkCluster#BEAM_MASTER}, one after
 * another, each started on a thread of its own {@link JobThreadGroup} as the launcher starts
 * syncs: they run on one mini cluster, and the lines their DoFn logs on Flink's task threads carry
 * their own job's id, not the first job's.
 */
class EmbeddedFlinkClusterTest {
  private static final String WORKER_LOGGER = "io.beamconnectors.launcher.runner.test.flinkworker";
  private static final int ELEMENTS = 20;

  @RegisterExtension
  final CapturedLines lines = new CapturedLines(WORKER_LOGGER);

  /** Runs a pipeline as the launcher runs a sync; returns its failure, or null. */
  private static Throwable runAsJob(EmbeddedFlinkCluster cluster, String jobId) throws InterruptedException {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = new Thread(new JobThreadGroup("connector-1", jobId), () -> {
      try {
        cluster.useOnThisThread();
        FlinkPipelineOptions options = PipelineOptionsFactory.create().as(FlinkPipelineOptions.class);
        options.setRunner(FlinkRunner.class);
        options.setFlinkMaster(EmbeddedFlinkCluster.BEAM_MASTER);
        options.setParallelism(2);
        options.setAttachedMode(true);
        Pipeline p = Pipeline.create(options);
        p.apply(Create.of(IntStream.range(0, ELEMENTS).boxed().toList())).apply(ParDo.of(new LogEachElement(WORKER_LOGGER)));
        p.run().waitUntilFinish();
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "sync-job-" + jobId);
    t.start();
    t.join(180_000);
    assertFalse(t.isAlive(), "the pipeline of " + jobId + " did not finish within 3 minutes");
    return failure.get();
  }

  @Test
  void jobsShareOneClusterAndTheirTaskThreadsNameTheirOwnJob() throws Exception {
    EmbeddedFlinkCluster cluster = new EmbeddedFlinkCluster(2, 2, new Configuration());
    try {
      assertEquals(0, cluster.starts(), "nothing starts before the first job");
      for (String job : List.of("job-a", "job-b", "job-c")) {
        assertNull(runAsJob(cluster, job), job);
      }
      assertEquals(1, cluster.starts(), "three jobs, one mini cluster");
    } finally {
      cluster.close();
    }

    List<ILoggingEvent> events = lines.events();
    assertEquals(3 * ELEMENTS, events.size());
    for (int j = 0; j < 3; j++) {
      String job = List.of("job-a", "job-b", "job-c").get(j);
      List<ILoggingEvent> ofJob = events.subList(j * ELEMENTS, (j + 1) * ELEMENTS);
      Set<String> threads = ofJob.stream().map(ILoggingEvent::getThreadName).collect(Collectors.toSet());
      assertFalse(threads.contains("sync-job-" + job), "the elements ran on Flink's task threads: " + threads);
      for (ILoggingEvent e : ofJob) {
        assertEquals(job, e.getMDCPropertyMap().get(JobThreadMdcFilter.JOB_ID), e.getThreadName() + ": " + e.getMessage());
        assertEquals("connector-1", e.getMDCPropertyMap().get(JobThreadMdcFilter.CONNECTOR_ID), e.getThreadName());
      }
    }

    Throwable refused = runAsJob(cluster, "job-after-close");
    assertNotNull(refused, "a closed cluster runs no job");
    boolean named = false;
    for (Throwable c = refused; c != null; c = c.getCause()) {
      named |= String.valueOf(c.getMessage()).contains("the embedded Flink cluster is closed");
    }
    assertTrue(named, "the failure says why: " + refused);
  }

  /** Its REST endpoint and blob server take no connection but from this host's loopback. */
  @Test
  void theClusterListensOnLoopbackOnly() throws Exception {
    List<InetAddress> others = new ArrayList<>();
    for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress a : Collections.list(n.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress() && n.isUp()) {
          others.add(a);
        }
      }
    }
    EmbeddedFlinkCluster cluster = new EmbeddedFlinkCluster(1, 1, new Configuration());
    try {
      List<Integer> ports = cluster.ports();
      assertEquals(2, ports.size());
      for (int port : ports) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        }
        for (InetAddress other : others) {
          try (Socket s = new Socket()) {
            assertThrows(ConnectException.class, () -> s.connect(new InetSocketAddress(other, port), 5_000),
                "port " + port + " answers on " + other);
          }
        }
      }
      Assumptions.assumeFalse(others.isEmpty(), "this host has no other IPv4 address to try the ports on");
    } finally {
      cluster.close();
    }
  }
}
