package io.beamconnectors.ftest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarmJvmSyncsTest {
  @AfterEach
  void clearProperty() {
    System.clearProperty(WarmJvmSyncs.JFR_DIR_PROPERTY);
  }

  @Test
  void embeddedFlinkSyncsRunOnTheLaunchersClusterAndOthersAreLeftAlone() {
    List<String> direct = List.of("--runner=DirectRunner", "--esIndex=i");
    assertEquals(direct, WarmJvmSyncs.onTheLaunchersCluster(direct));
    List<String> flink = List.of("--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=3", "--esIndex=i");
    assertEquals(List.of("--runner=FlinkRunner", "--flinkMaster=[auto]", "--parallelism=3", "--esIndex=i"),
        WarmJvmSyncs.onTheLaunchersCluster(flink));
  }

  @Test
  void noRecordingWithoutADirectory() throws Exception {
    assertNull(WarmJvmSyncs.startRecording("postgresql-warm-noop"));
  }

  @Test
  void aStepIsRecordedWithTheProfileSettingsIntoItsOwnFile(@TempDir Path dir) throws Exception {
    System.setProperty(WarmJvmSyncs.JFR_DIR_PROPERTY, dir.toString());
    Recording r = WarmJvmSyncs.startRecording("postgresql-warm-noop");
    try {
      assertEquals("postgresql-warm-noop", r.getName());
      // JFR's profile settings: Java code sampled every 10 ms (its default settings: every 20).
      assertEquals("true", r.getSettings().get("jdk.ExecutionSample#enabled"));
      assertEquals("10 ms", r.getSettings().get("jdk.ExecutionSample#period"));
    } finally {
      r.stop();
      r.close();
    }
    Path file = dir.resolve("postgresql-warm-noop.jfr");
    assertTrue(Files.size(file) > 0, "written when stopped");
    try (RecordingFile events = new RecordingFile(file)) {
      assertTrue(events.hasMoreEvents(), "a readable recording");
    }
  }

  @Test
  void theJitCpuGrowsWhileTheJvmCompilesNewCode() throws Exception {
    long before = WarmJvmSyncs.jitCpuMillis();
    assertTrue(before > 0, "the compilers have run since the JVM started, and /proc names their threads");
    // Code this test's JVM has not run yet, each workload until it is compiled, then the next:
    // polled against a deadline, not counted, as how soon code is compiled is the JVM's business.
    List<java.util.function.LongUnaryOperator> workloads = List.of(
        i -> Long.toString(i * 31L, 7).hashCode(),
        i -> java.math.BigInteger.valueOf(i).pow(3).mod(java.math.BigInteger.valueOf(97)).longValue(),
        i -> java.util.regex.Pattern.matches("[0-9]+7", Long.toString(i)) ? 1 : 0,
        i -> java.time.LocalDate.ofEpochDay(i % 100_000).format(java.time.format.DateTimeFormatter.ISO_WEEK_DATE).length(),
        i -> java.util.stream.LongStream.rangeClosed(0, i % 50).map(x -> x * x).sum(),
        i -> String.format(java.util.Locale.ROOT, "%08.3f", i / 7.0).length());
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    long sum = 0;
    for (int w = 0; WarmJvmSyncs.jitCpuMillis() == before && System.nanoTime() < deadline; w++) {
      java.util.function.LongUnaryOperator work = workloads.get(w % workloads.size());
      for (long i = 0; i < 50_000; i++) {
        sum += work.applyAsLong(i);
      }
    }
    assertTrue(WarmJvmSyncs.jitCpuMillis() > before, "compiling adds to the compilers' CPU (" + sum + ")");
  }
}
