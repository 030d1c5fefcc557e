package io.beamconnectors.launcher.logging;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the launcher's plain log lines show the thread a line came from. */
class PlainLogPatternTest {

  /** One line as the launcher's plain configuration, loaded as logback loads it, lays it out. */
  private static String line(String thread) throws Exception {
    LoggerContext context = new LoggerContext();
    try {
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(PlainLogPatternTest.class.getResource("/io/beamconnectors/launcher/logback-plain.xml"));
      Appender<ILoggingEvent> stderr = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
      assertNotNull(stderr, "logback-plain.xml has the STDERR appender");
      @SuppressWarnings("unchecked")
      Layout<ILoggingEvent> layout = ((LayoutWrappingEncoder<ILoggingEvent>) ((ConsoleAppender<ILoggingEvent>) stderr).getEncoder()).getLayout();
      LoggingEvent event = new LoggingEvent("x", context.getLogger("io.beamconnectors.Reader"), Level.INFO, "read", null, null);
      event.setThreadName(thread);
      event.setMDCPropertyMap(Map.of());
      return layout.doLayout(event);
    } finally {
      context.stop();
    }
  }

  @Test
  void aFlinkTaskThreadShowsItsChainsStartAndItsSubtask() throws Exception {
    String chain = "CHAIN GroupReduce (GroupReduce at translateNode(FlinkBatchTransformTranslators.java:420))"
        + " -> FlatMap (FlatMap at FullSync postgresql/List postgresql/ReadTables/ReadChunk/ParMultiDo(ReadChunk))"
        + " -> FlatMap (FlatMap at FullSync postgresql/Reconcile/DecideByLookup) (2/4)#0";
    String line = line(chain);
    assertTrue(line.contains(" INFO  [CHAIN GroupReduce (GroupReduce at transl... (2/4)#0] [connector=- job=-] Reader - read"), line);
  }

  @Test
  void otherThreadsShowTheirWholeName() throws Exception {
    String line = line("direct-runner-worker");
    assertTrue(line.contains(" INFO  [direct-runner-worker] [connector=- job=-] Reader - read"), line);
  }
}
