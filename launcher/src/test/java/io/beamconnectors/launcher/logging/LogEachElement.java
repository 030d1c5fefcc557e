package io.beamconnectors.launcher.logging;

import org.apache.beam.sdk.transforms.DoFn;
import org.slf4j.LoggerFactory;

/** For a test: logs each element at INFO, from whatever thread the runner calls it on. */
public final class LogEachElement extends DoFn<Integer, Integer> {
  private final String loggerName;

  public LogEachElement(String loggerName) {
    this.loggerName = loggerName;
  }

  @ProcessElement
  public void process(@Element Integer i, OutputReceiver<Integer> out) {
    LoggerFactory.getLogger(loggerName).info("element {} on {}", i, Thread.currentThread().getName());
    out.output(i);
  }
}
