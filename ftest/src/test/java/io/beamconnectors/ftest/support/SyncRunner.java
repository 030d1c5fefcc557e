package io.beamconnectors.ftest.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamconnectors.pipelines.FullSyncOptions;
import io.beamconnectors.pipelines.FullSyncPipeline;
import io.beamconnectors.sync.SyncSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** Runs a real full sync (the pipeline's own entry point) against the fixture Elasticsearch. */
public final class SyncRunner {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String serviceType;
  private final String index;
  private final Map<String, Object> config;
  private final List<String> extraArgs = new ArrayList<>();

  private SyncRunner(String serviceType, String index, Map<String, Object> config) {
    this.serviceType = serviceType;
    this.index = index;
    this.config = config;
  }

  public static SyncRunner of(String serviceType, String index, Map<String, Object> config) {
    return new SyncRunner(serviceType, index, new HashMap<>(config));
  }

  public SyncRunner arg(String arg) {
    extraArgs.add(arg);
    return this;
  }

  public SyncRunner onFlink() {
    extraArgs.add("--runner=FlinkRunner");
    extraArgs.add("--flinkMaster=[local]");
    extraArgs.add("--parallelism=2");
    return this;
  }

  public SyncSummary run() throws IOException {
    Path file = Files.createTempFile("connector", ".json",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      JSON.writeValue(file.toFile(), config);
      List<String> args = new ArrayList<>();
      args.add("--serviceType=" + serviceType);
      args.add("--connectorConfig=" + file);
      args.add("--esUrl=" + FixtureEnv.require("BC_ES_URL", "elasticsearch"));
      args.add("--esUsername=" + FixtureEnv.require("BC_ES_USERNAME", "elasticsearch"));
      args.add("--esIndex=" + index);
      args.addAll(extraArgs);
      if (args.stream().noneMatch(a -> a.startsWith("--runner="))) {
        args.add("--runner=DirectRunner");
      }
      FullSyncOptions options = PipelineOptionsFactory.fromArgs(args.toArray(new String[0]))
          .withValidation().as(FullSyncOptions.class);
      Map<String, String> env = new HashMap<>(System.getenv());
      env.put("BC_ES_PASSWORD", FixtureEnv.require("BC_ES_PASSWORD", "elasticsearch"));
      SyncSummary summary = FullSyncPipeline.run(options, env);
      System.out.println(summary.format());
      return summary;
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
