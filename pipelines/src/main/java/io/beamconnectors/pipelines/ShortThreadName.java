package io.beamconnectors.pipelines;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.beamconnectors.logging.ThreadNames;

/**
 * Logback's {@code %shortThread}: the event's thread as {@link ThreadNames#shortened} names it (a
 * Flink task thread's first 40 characters and its subtask, any other thread whole). Declared in
 * the pipelines' and the launcher's plain logging configurations with
 * {@code <conversionRule conversionWord="shortThread" class="io.beamconnectors.pipelines.ShortThreadName"/>}.
 */
public final class ShortThreadName extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return ThreadNames.shortened(event.getThreadName());
  }
}
