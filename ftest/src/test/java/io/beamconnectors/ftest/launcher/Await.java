package io.beamconnectors.ftest.launcher;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** Polls with a deadline (never a fixed sleep as synchronisation). */
final class Await {
  private Await() {}

  static <T> T until(String what, Duration timeout, Callable<T> probe, Predicate<T> done) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    T last = null;
    while (System.nanoTime() < end) {
      last = probe.call();
      if (last != null && done.test(last)) {
        return last;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last value: " + last);
  }
}
