package io.beamconnectors.launcher.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.ParDo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A real DirectRunner pipeline started on a thread of a {@link JobThreadGroup}: the lines its DoFn
 * logs on Beam's own worker threads carry the connector and job ids, through
 * {@link JobThreadMdcFilter} as the launcher's logback configurations install it.
 */
class JobThreadMdcFilterTest {
  private static final String WORKER_LOGGER = "io.beamconnectors.launcher.logging.test.worker";
  private static final String CONNECTOR = "conn ü,=]";
  private static final String JOB = "Job-ID_1 [x]";

  @RegisterExtension
  final CapturedLines lines = new CapturedLines(WORKER_LOGGER);

  @Test
  void beamWorkerThreadLinesCarryTheJobIds() throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<String> starter = new AtomicReference<>();
    Thread t = new Thread(new JobThreadGroup(CONNECTOR, JOB), () -> {
      try {
        starter.set(Thread.currentThread().getName());
        DirectOptions options = PipelineOptionsFactory.create().as(DirectOptions.class);
        options.setRunner(DirectRunner.class);
        options.setTargetParallelism(3);
        Pipeline p = Pipeline.create(options);
        p.apply(Create.of(IntStream.range(0, 40).boxed().toList())).apply(ParDo.of(new LogEachElement(WORKER_LOGGER)));
        p.run().waitUntilFinish();
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "job-starter");
    t.start();
    t.join(120_000);
    assertFalse(t.isAlive(), "the pipeline did not finish within 2 minutes");
    assertNull(failure.get(), () -> "the pipeline failed: " + failure.get());

    List<ILoggingEvent> events = new ArrayList<>(lines.events());
    assertEquals(40, events.size());
    Set<String> threads = events.stream().map(ILoggingEvent::getThreadName).collect(Collectors.toSet());
    assertFalse(threads.contains(starter.get()), "the elements ran on Beam's worker threads: " + threads);
    for (ILoggingEvent e : events) {
      assertEquals(JOB, e.getMDCPropertyMap().get(JobThreadMdcFilter.JOB_ID), e.getThreadName() + ": " + e.getMessage());
      assertEquals(CONNECTOR, e.getMDCPropertyMap().get(JobThreadMdcFilter.CONNECTOR_ID), e.getThreadName());
    }
  }

  @Test
  void threadsOutsideAJobGroupGetNoIdsAndExistingIdsAreKept() throws Exception {
    List<String> seen = new ArrayList<>();
    Thread outside = new Thread(() -> LoggerFactory.getLogger(WORKER_LOGGER).info("not a job line"));
    outside.start();
    outside.join();
    assertNull(lines.events().get(0).getMDCPropertyMap().get(JobThreadMdcFilter.JOB_ID));

    Thread inside = new Thread(new JobThreadGroup(null, "j2"), () -> {
      MDC.put(JobThreadMdcFilter.JOB_ID, "set-by-the-launcher");
      LoggerFactory.getLogger(WORKER_LOGGER).info("a launcher line");
      seen.add(MDC.get(JobThreadMdcFilter.JOB_ID));
    });
    inside.start();
    inside.join();
    assertEquals("set-by-the-launcher", lines.events().get(1).getMDCPropertyMap().get(JobThreadMdcFilter.JOB_ID));
    assertNull(lines.events().get(1).getMDCPropertyMap().get(JobThreadMdcFilter.CONNECTOR_ID));
    assertEquals(List.of("set-by-the-launcher"), seen);
  }

  /**
   * One long-lived thread of a shared group (a cluster thread serving job after job) logs while
   * job a runs alone, then b alone, then both, then none: each line names the job running alone,
   * or no job, never the one before.
   */
  @Test
  void aSharedWorkerThreadNamesTheOnlyJobRunningAtEachLine() throws Exception {
    SharedWorkerThreadGroup shared = new SharedWorkerThreadGroup("cluster");
    JobThreadGroup a = new JobThreadGroup("conn-a", "job-a");
    JobThreadGroup b = new JobThreadGroup(null, "job-b");
    List<String> beforeEachLine = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.SynchronousQueue<Runnable> steps = new java.util.concurrent.SynchronousQueue<>();
    java.util.concurrent.SynchronousQueue<Boolean> done = new java.util.concurrent.SynchronousQueue<>();
    Thread worker = new Thread(shared, () -> {
      try {
        for (Runnable step = steps.take(); step != END; step = steps.take()) {
          step.run();
          // Below the logger's level: no line, so the filter leaves the MDC as it was.
          LoggerFactory.getLogger(WORKER_LOGGER).debug("not written");
          beforeEachLine.add(String.valueOf(MDC.get(JobThreadMdcFilter.JOB_ID)));
          LoggerFactory.getLogger(WORKER_LOGGER).info("a cluster line");
          done.put(true);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "cluster-worker");
    worker.setDaemon(true);
    worker.start();
    List<Runnable> changes = List.of(() -> shared.jobStarted(a), () -> {
      shared.jobEnded(a);
      shared.jobStarted(b);
    }, () -> shared.jobStarted(a), () -> {
      shared.jobEnded(a);
      shared.jobEnded(b);
    });
    for (Runnable change : changes) {
      steps.put(change);
      done.take();
    }
    steps.put(END);
    worker.join(10_000);

    List<String> jobs = new ArrayList<>();
    List<String> connectors = new ArrayList<>();
    for (ILoggingEvent e : lines.events()) {
      jobs.add(e.getMDCPropertyMap().get(JobThreadMdcFilter.JOB_ID));
      connectors.add(e.getMDCPropertyMap().get(JobThreadMdcFilter.CONNECTOR_ID));
    }
    assertEquals(java.util.Arrays.asList("job-a", "job-b", null, null), jobs);
    assertEquals(java.util.Arrays.asList("conn-a", null, null, null), connectors);
    assertEquals(List.of("null", "job-a", "job-b", "null"), beforeEachLine);
  }

  private static final Runnable END = () -> { };

  @Test
  void theLaunchersLogbackConfigurationsInstallTheFilter() throws Exception {
    for (String xml : List.of("logback-plain.xml", "logback-ecs.xml")) {
      try (var in = JobThreadGroup.class.getResourceAsStream("/io/beamconnectors/launcher/" + xml)) {
        String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("<turboFilter class=\"" + JobThreadMdcFilter.class.getName() + "\"/>"), xml);
      }
    }
  }
}
