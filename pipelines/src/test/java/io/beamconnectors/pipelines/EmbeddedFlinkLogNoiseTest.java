package io.beamconnectors.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a one-shot embedded Flink sync prints besides its own lines, with the logging configuration
 * the pipelines jar ships (src/main/resources/logback.xml): a job runs in a JVM of its own, as
 * {@code FullSyncPipeline --runner=FlinkRunner} runs one, and its stderr is read.
 */
class EmbeddedFlinkLogNoiseTest {

  /** A step name as long as a sync's (Beam's step paths): Flink warns about names over 80 characters. */
  static final String LONG_STEP = "FullSync postgresql/Reconcile/DecideByLookup/a step name as long as the ones a sync has";
  static final String MARKER = "the embedded job's own INFO line";

  /** The job the test's JVM runs: three elements through one long-named step on {@code [local]}. */
  public static void main(String[] args) {
    FlinkPipelineOptions options = PipelineOptionsFactory.fromArgs("--runner=FlinkRunner", "--flinkMaster=[local]",
        "--parallelism=2").as(FlinkPipelineOptions.class);
    LocalFlinkConfiguration.applyDefaults(options, System.getenv());
    Pipeline p = Pipeline.create(options);
    p.apply("Elements", Create.of(1, 2, 3)).apply(LONG_STEP, ParDo.of(new LogOnceFn()));
    p.run().waitUntilFinish();
    System.exit(0);
  }

  static final class LogOnceFn extends DoFn<Integer, Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedFlinkLogNoiseTest.class);

    @ProcessElement
    public void process(@Element Integer e, OutputReceiver<Integer> out) {
      if (e == 2) {
        LOG.info(MARKER);
      }
      out.output(e);
    }
  }

  @Test
  void anEmbeddedJobPrintsItsOwnLinesAndNoneOfFlinksNoise(@TempDir Path dir) throws Exception {
    Path err = dir.resolve("stderr.txt");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), EmbeddedFlinkLogNoiseTest.class.getName())
        .redirectError(err.toFile()).redirectOutput(dir.resolve("stdout.txt").toFile());
    pb.environment().remove("FLINK_CONF_DIR");
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the job's JVM ended");
    List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "exit code; stderr: " + lines);
    // The job ran, and the shipped configuration lets its INFO lines through: the check below
    // would pass for a JVM that logged nothing.
    List<String> own = lines.stream().filter(l -> l.contains(MARKER)).collect(Collectors.toList());
    assertEquals(1, own.size(), "the job's own line, once: " + lines);
    // Its task thread's name, the whole operator chain, is cut to its start and its subtask.
    assertTrue(own.get(0).matches(".* INFO  \\[CHAIN .{34}\\.\\.\\. \\([12]/2\\)#\\d+\\] .*"), own.get(0));
    List<String> noise = lines.stream().filter(l -> !l.contains(MARKER)).collect(Collectors.toList());
    assertEquals(List.of(), noise, "lines besides the job's own");
  }
}
