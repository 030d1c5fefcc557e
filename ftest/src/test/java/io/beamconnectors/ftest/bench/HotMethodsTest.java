package io.beamconnectors.ftest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HotMethodsTest {

  @Test
  void ranksSelfByTopFrameAndTotalByAnyFrameOncePerSample() {
    HotMethods.Tally tally = new HotMethods.Tally();
    // Innermost first. "a.B.rec" is recursive in the first sample: it counts once there.
    tally.add(List.of("a.B.leaf", "a.B.rec", "a.B.rec", "java.lang.Thread.run"), false);
    tally.add(List.of("a.B.leaf", "a.B.other", "java.util.concurrent.FutureTask.run"), false);
    tally.add(List.of("a.B.rec", "java.lang.Thread.run"), true);
    tally.add(List.of(), false);
    HotMethods.Profile p = tally.profile(10);

    assertEquals(4, p.samples());
    assertEquals(1, p.truncatedStacks());
    assertEquals(List.of(new HotMethods.Entry("a.B.leaf", 2, 50.0), new HotMethods.Entry("a.B.rec", 1, 25.0)), p.self());
    // "a.B.other" passes all its samples to "a.B.leaf": a pass-through frame, left out like the plumbing.
    assertEquals(List.of(new HotMethods.Entry("a.B.leaf", 2, 50.0), new HotMethods.Entry("a.B.rec", 2, 50.0)),
        p.total(), "plumbing and pass-through frames are left out, ties by name");
    assertEquals(1, tally.profile(1).total().size());
    assertThrows(IllegalArgumentException.class, () -> tally.profile(0));
  }

  @Test
  void showsAChainOfCallsOnceWhereItsTimeFansOut() {
    HotMethods.Tally tally = new HotMethods.Tally();
    for (int i = 0; i < 60; i++) {
      tally.add(List.of("x.Jar.read", "x.Loader.find", "x.Loader.load", "x.Main.run"), false);
    }
    for (int i = 0; i < 40; i++) {
      tally.add(List.of("x.Jar.define", "x.Loader.find", "x.Loader.load", "x.Main.run"), false);
    }
    for (int i = 0; i < 3; i++) {
      tally.add(List.of("x.Main.run"), false);
    }
    HotMethods.Profile p = tally.profile(10);
    // load passes everything to find; find splits 60/40; Main.run keeps 3 of its 103 samples to itself.
    assertEquals(List.of("x.Main.run", "x.Loader.find", "x.Jar.read", "x.Jar.define"),
        p.total().stream().map(HotMethods.Entry::method).toList());
  }

  @Test
  void shortensPackagesButKeepsClassesAndNestedNames() {
    assertEquals("o.a.b.r.d.WatermarkManager.extractFiredTimers",
        HotMethods.shorten("org.apache.beam.runners.direct.WatermarkManager.extractFiredTimers"));
    assertEquals("c.f.j.d.ObjectMapper$1.lambda$x$0", HotMethods.shorten("com.fasterxml.jackson.databind.ObjectMapper$1.lambda$x$0"));
    assertEquals("Top.main", HotMethods.shorten("Top.main"));
  }

  @Test
  void findsTheBusyMethodInARealRecording(@TempDir Path dir) throws Exception {
    // Record this JVM while it spins in a method of its own, until a recording holds samples of it
    // (a deadline, not a fixed sleep: sampling is periodic, the first recordings may hold none).
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String busy = HotMethodsTest.class.getName() + ".spinForTheProfiler";
    HotMethods.Profile profile = null;
    for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
      Path file = dir.resolve("attempt" + attempt + ".jfr");
      try (Recording r = new Recording()) {
        r.enable(HotMethods.EXECUTION_SAMPLE).withPeriod(Duration.ofMillis(1));
        r.start();
        spinForTheProfiler(Duration.ofMillis(300));
        r.stop();
        r.dump(file);
      }
      profile = HotMethods.read(file, 10);
      if (profile.total().stream().anyMatch(e -> e.method().equals(busy))) {
        break;
      }
    }
    assertTrue(profile != null && profile.samples() > 0, "no execution sample recorded in 30 s");
    HotMethods.Entry entry = profile.total().stream().filter(e -> e.method().equals(busy)).findFirst().orElseThrow(
        () -> new AssertionError("the busy method is not in the total ranking"));
    assertTrue(entry.percent() > 0 && entry.percent() <= 100, "a share of all samples: " + entry);
    assertTrue(HotMethods.format(profile).contains("HotMethodsTest.spinForTheProfiler"), HotMethods.format(profile));
    assertThrows(IllegalArgumentException.class, () -> HotMethods.read(dir.resolve("missing.jfr"), 10));
  }

  /** Pure CPU work that the JIT cannot remove (its result is used). */
  private static long spinForTheProfiler(Duration length) {
    long end = System.nanoTime() + length.toNanos();
    long x = 1;
    while (System.nanoTime() < end) {
      for (int i = 0; i < 10_000; i++) {
        x = x * 6364136223846793005L + 1442695040888963407L;
      }
    }
    if (x == 42) {
      System.out.println("unlikely");
    }
    return x;
  }
}
