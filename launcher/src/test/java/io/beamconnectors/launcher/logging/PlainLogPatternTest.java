package io.beamconnectors.launcher.logging;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** How the launcher's plain log lines show the thread a line came from. */
class PlainLogPatternTest {

  private static String line(String thread) throws Exception {
    String xml;
    try (InputStream in = PlainLogPatternTest.class.getResourceAsStream("/io/beamconnectors/launcher/logback-plain.xml")) {
      xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Matcher m = Pattern.compile("<pattern>(.*)</pattern>").matcher(xml);
    assertTrue(m.find(), "logback-plain.xml has a pattern");
    LoggerContext context = new LoggerContext();
    PatternLayout layout = new PatternLayout();
    layout.setContext(context);
    layout.setPattern(m.group(1));
    layout.start();
    LoggingEvent event = new LoggingEvent("x", context.getLogger("io.beamconnectors.Reader"), Level.INFO, "read", null, null);
    event.setThreadName(thread);
    event.setMDCPropertyMap(Map.of());
    return layout.doLayout(event);
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
