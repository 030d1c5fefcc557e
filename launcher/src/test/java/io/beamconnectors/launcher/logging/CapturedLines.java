package io.beamconnectors.launcher.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * For a test ({@code @RegisterExtension}): around each test, {@link JobThreadMdcFilter} installed
 * as the launcher's logback configurations install it, and the lines one logger writes at INFO,
 * kept with their MDC.
 */
public final class CapturedLines implements BeforeEachCallback, AfterEachCallback {
  private final String loggerName;
  private LoggerContext context;
  private JobThreadMdcFilter filter;
  private ListAppender<ILoggingEvent> lines;

  public CapturedLines(String loggerName) {
    this.loggerName = loggerName;
  }

  @Override
  public void beforeEach(ExtensionContext test) {
    context = (LoggerContext) LoggerFactory.getILoggerFactory();
    filter = new JobThreadMdcFilter();
    filter.start();
    context.addTurboFilter(filter);
    lines = new ListAppender<>();
    lines.setContext(context);
    lines.start();
    Logger logger = context.getLogger(loggerName);
    logger.addAppender(lines);
    logger.setLevel(Level.INFO);
  }

  @Override
  public void afterEach(ExtensionContext test) {
    context.getTurboFilterList().remove(filter);
    context.getLogger(loggerName).detachAppender(lines);
  }

  /** The lines so far, in the order they were written. */
  public List<ILoggingEvent> events() {
    return List.copyOf(lines.list);
  }
}
