package io.beamconnectors.pipelines;

import io.beamconnectors.sources.ConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;

/**
 * The Flink configuration a one-shot embedded Flink sync runs with when its user gives none: a
 * command-line {@code FullSyncPipeline} or {@code JobSyncPipeline} with {@code --runner=FlinkRunner}
 * and {@code --flinkMaster=[local]} (or Beam's default {@code [auto]}, which outside a Flink
 * client means the same). Beam starts a mini cluster for the job, and without a configuration its
 * RPC services, blob server and REST endpoint listen on every interface while the job runs, with
 * no credentials, and the REST endpoint accepts jar uploads. Here they listen on 127.0.0.1 and
 * take no jars, as the launcher's kept cluster does.
 *
 * <p>A configuration the user gives ({@code --flinkConfDir}, or the {@code FLINK_CONF_DIR}
 * environment variable, which Beam reads when the option is unset) is used as it is: it is theirs
 * to bind. One that names no folder is refused before anything runs, naming where it was set
 * (Flink's own error names only the path, deep in the job's start). Remote masters and other
 * runners are left alone.
 */
public final class LocalFlinkConfiguration {
  /**
   * Flink's settings for a mini cluster on loopback that takes no jars, in file order: what a
   * one-shot sync's configuration folder holds, and what the launcher's kept cluster sets.
   */
  public static final Map<String, String> SETTINGS = settings();

  private LocalFlinkConfiguration() {}

  private static Map<String, String> settings() {
    String loopback = "127.0.0.1";
    Map<String, String> s = new LinkedHashMap<>();
    s.put(JobManagerOptions.BIND_HOST.key(), loopback);
    s.put(TaskManagerOptions.BIND_HOST.key(), loopback);
    s.put(RestOptions.BIND_ADDRESS.key(), loopback);
    s.put(RestOptions.ADDRESS.key(), loopback);
    s.put(WebOptions.SUBMIT_ENABLE.key(), "false");
    return Collections.unmodifiableMap(s);
  }

  /**
   * Points {@code options} at a new configuration folder with {@link #SETTINGS} when the sync
   * would start a local Flink mini cluster without a configuration of the user's. The folder is
   * deleted when the JVM exits. Returns the folder, or null when nothing was changed.
   *
   * @param env the process environment (for {@code FLINK_CONF_DIR})
   */
  public static Path applyDefaults(PipelineOptions options, Map<String, String> env) {
    if (!"FlinkRunner".equals(options.getRunner().getSimpleName())) {
      return null;
    }
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    String master = flink.getFlinkMaster();
    if (!"[local]".equals(master) && !"[auto]".equals(master)) {
      return null;
    }
    if (!isBlank(flink.getFlinkConfDir())) {
      requireFolder(flink.getFlinkConfDir(), "--flinkConfDir", "pass the folder that holds your Flink config.yaml,"
          + " or leave the option out");
      return null;
    }
    if (!isBlank(env.get("FLINK_CONF_DIR"))) {
      requireFolder(env.get("FLINK_CONF_DIR"), "The environment variable FLINK_CONF_DIR", "point it at the folder that"
          + " holds your Flink config.yaml, or unset it");
      return null;
    }
    Path dir = write();
    flink.setFlinkConfDir(dir.toString());
    return dir;
  }

  private static Path write() {
    try {
      Path dir = Files.createTempDirectory("bc-flink-conf-");
      Path file = dir.resolve(GlobalConfiguration.FLINK_CONF_FILENAME);
      StringBuilder yaml = new StringBuilder("# Written by beam-connectors for one embedded Flink sync: see LocalFlinkConfiguration.\n");
      SETTINGS.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
      // Registered folder first: the JVM deletes in the reverse order, the file before its folder.
      dir.toFile().deleteOnExit();
      file.toFile().deleteOnExit();
      Files.writeString(file, yaml, StandardCharsets.UTF_8);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the embedded Flink cluster's configuration to a temporary folder"
          + " (java.io.tmpdir): " + e.getMessage() + "; pass --flinkConfDir with your own", e);
    }
  }

  private static void requireFolder(String dir, String where, String fix) {
    if (!Files.isDirectory(Path.of(dir))) {
      throw ConfigurationException.ofSetting(where + " names '" + dir + "', which is not a folder, and the embedded"
          + " Flink cluster reads its configuration there: " + fix + ".");
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
