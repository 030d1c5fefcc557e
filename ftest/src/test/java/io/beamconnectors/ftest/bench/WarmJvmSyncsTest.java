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
}
