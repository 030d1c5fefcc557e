package io.beamconnectors.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user of the one-shot command line sees for a mistake: one line naming it, exit code 2. */
class CommandLineErrorsTest {

  /** Runs FullSyncPipeline's main in its own JVM; returns the exit code and the lines on stderr. */
  private static Map.Entry<Integer, List<String>> run(Path dir, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), FullSyncPipeline.class.getName()));
    cmd.addAll(List.of(args));
    Path err = dir.resolve("stderr.txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(dir.resolve("stdout.txt").toFile());
    pb.environment().remove("FLINK_CONF_DIR");
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the command line ended");
    return Map.entry(p.exitValue(), Files.readAllLines(err, StandardCharsets.UTF_8));
  }

  @Test
  void aMissingOptionIsOneLineNamingIt(@TempDir Path dir) throws Exception {
    Map.Entry<Integer, List<String>> r = run(dir, Map.of(), "--serviceType=network_drive");
    assertEquals(2, r.getKey(), "exit code: " + r.getValue());
    assertEquals(1, r.getValue().size(), "one line: " + r.getValue());
    assertTrue(r.getValue().get(0).startsWith("Missing required value for [--esIndex"), r.getValue().get(0));
  }

  @Test
  void aFlinkConfigurationFolderThatIsNotThereIsOneLineNamingTheVariable(@TempDir Path dir) throws Exception {
    String gone = dir.resolve("gone").toString();
    Map.Entry<Integer, List<String>> r = run(dir, Map.of("FLINK_CONF_DIR", gone),
        "--runner=FlinkRunner", "--serviceType=network_drive", "--esIndex=x");
    assertEquals(2, r.getKey(), "exit code: " + r.getValue());
    assertEquals(List.of("The environment variable FLINK_CONF_DIR names '" + gone + "', which is not a folder, and the"
        + " embedded Flink cluster reads its configuration there: point it at the folder that holds your Flink"
        + " config.yaml, or unset it."), r.getValue());
  }
}
