package io.beamconnectors.launcher.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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

  private LoggerContext context;
  private JobThreadMdcFilter filter;
  private ListAppender<ILoggingEvent> lines;

  @BeforeEach
  void install() {
    context = (LoggerContext) LoggerFactory.getILoggerFactory();
    filter = new JobThreadMdcFilter();
    filter.start();
    context.addTurboFilter(filter);
    lines = new ListAppender<>();
    lines.setContext(context);
    lines.start();
    Logger worker = context.getLogger(WORKER_LOGGER);
    worker.addAppender(lines);
    worker.setLevel(ch.qos.logback.classic.Level.INFO);
  }

  @AfterEach
  void remove() {
    context.getTurboFilterList().remove(filter);
    context.getLogger(WORKER_LOGGER).detachAppender(lines);
  }

  /** Logs each element from whatever thread the runner calls it on. */
  static final class LogFromWorker extends DoFn<Integer, Integer> {
    @ProcessElement
    public void process(@Element Integer i, OutputReceiver<Integer> out) {
      LoggerFactory.getLogger(WORKER_LOGGER).info("element {} on {}", i, Thread.currentThread().getName());
      out.output(i);
    }
  }

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
        p.apply(Create.of(IntStream.range(0, 40).boxed().toList())).apply(ParDo.of(new LogFromWorker()));
        p.run().waitUntilFinish();
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "job-starter");
    t.start();
    t.join(120_000);
    assertFalse(t.isAlive(), "the pipeline did not finish within 2 minutes");
    assertNull(failure.get(), () -> "the pipeline failed: " + failure.get());

    List<ILoggingEvent> events = new ArrayList<>(lines.list);
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
    assertNull(lines.list.get(0).getMDCPropertyMap().get(JobThreadMdcFilter.JOB_ID));

    Thread inside = new Thread(new JobThreadGroup(null, "j2"), () -> {
      MDC.put(JobThreadMdcFilter.JOB_ID, "set-by-the-launcher");
      LoggerFactory.getLogger(WORKER_LOGGER).info("a launcher line");
      seen.add(MDC.get(JobThreadMdcFilter.JOB_ID));
    });
    inside.start();
    inside.join();
    assertEquals("set-by-the-launcher", lines.list.get(1).getMDCPropertyMap().get(JobThreadMdcFilter.JOB_ID));
    assertNull(lines.list.get(1).getMDCPropertyMap().get(JobThreadMdcFilter.CONNECTOR_ID));
    assertEquals(List.of("set-by-the-launcher"), seen);
  }

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
