package io.beamconnectors.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import io.beamconnectors.sources.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a one-shot embedded Flink sync gets the loopback configuration, and that its cluster then listens on loopback only. */
class LocalFlinkConfigurationTest {

  private static FlinkPipelineOptions options(String... args) {
    return PipelineOptionsFactory.fromArgs(args).as(FlinkPipelineOptions.class);
  }

  @Test
  void aLocalOrAutoMasterWithoutAConfigurationGetsTheLoopbackOne() {
    for (String master : List.of("[local]", "[auto]")) {
      FlinkPipelineOptions o = options("--runner=FlinkRunner", "--flinkMaster=" + master);
      Path dir = LocalFlinkConfiguration.applyDefaults(o, Map.of());
      assertNotNull(dir, master);
      assertEquals(dir.toString(), o.getFlinkConfDir());
      Configuration c = GlobalConfiguration.loadConfiguration(dir.toString());
      assertEquals("127.0.0.1", c.get(JobManagerOptions.BIND_HOST), master);
      assertEquals("127.0.0.1", c.get(TaskManagerOptions.BIND_HOST));
      assertEquals("127.0.0.1", c.get(RestOptions.BIND_ADDRESS));
      assertEquals("127.0.0.1", c.get(RestOptions.ADDRESS));
      assertFalse(c.get(WebOptions.SUBMIT_ENABLE), "no jar uploads");
    }
  }

  @Test
  void theUsersConfigurationARemoteMasterAndOtherRunnersAreLeftAlone(@TempDir Path mine) {
    FlinkPipelineOptions own = options("--runner=FlinkRunner", "--flinkMaster=[local]", "--flinkConfDir=" + mine);
    assertNull(LocalFlinkConfiguration.applyDefaults(own, Map.of()));
    assertEquals(mine.toString(), own.getFlinkConfDir());

    FlinkPipelineOptions fromEnv = options("--runner=FlinkRunner", "--flinkMaster=[local]");
    assertNull(LocalFlinkConfiguration.applyDefaults(fromEnv, Map.of("FLINK_CONF_DIR", mine.toString())));
    assertNull(fromEnv.getFlinkConfDir(), "Beam reads FLINK_CONF_DIR itself when the option is unset");

    FlinkPipelineOptions remote = options("--runner=FlinkRunner", "--flinkMaster=flink.example:8081");
    assertNull(LocalFlinkConfiguration.applyDefaults(remote, Map.of()));
    assertNull(remote.getFlinkConfDir());

    FlinkPipelineOptions direct = options("--runner=DirectRunner", "--flinkMaster=[local]");
    assertNull(LocalFlinkConfiguration.applyDefaults(direct, Map.of()));
  }

  @Test
  void aConfigurationFolderThatIsNotThereIsRefusedNamingWhereItWasSet(@TempDir Path dir) {
    String gone = dir.resolve("gone").toString();
    ConfigurationException option = assertThrows(ConfigurationException.class, () -> LocalFlinkConfiguration
        .applyDefaults(options("--runner=FlinkRunner", "--flinkMaster=[local]", "--flinkConfDir=" + gone), Map.of()));
    assertEquals("--flinkConfDir names '" + gone + "', which is not a folder, and the embedded Flink cluster reads its"
        + " configuration there: pass the folder that holds your Flink config.yaml, or leave the option out.",
        option.getMessage());
    ConfigurationException variable = assertThrows(ConfigurationException.class, () -> LocalFlinkConfiguration
        .applyDefaults(options("--runner=FlinkRunner"), Map.of("FLINK_CONF_DIR", gone)));
    assertTrue(variable.getMessage().startsWith("The environment variable FLINK_CONF_DIR names '" + gone + "'"),
        variable.getMessage());
    assertTrue(variable.getMessage().endsWith("or unset it."), variable.getMessage());
  }

  /**
   * A real Beam pipeline on Flink's {@code [local]} mini cluster, configured as a one-shot sync is:
   * while its DoFn runs, every listening TCP socket of this JVM (the cluster's blob server and REST
   * endpoint among them) is on a loopback address. Without the configuration they are on the
   * wildcard address. Linux only ({@code /proc}); reported as skipped elsewhere.
   */
  @Test
  void theJobsMiniClusterListensOnLoopbackOnly() {
    assumeTrue(Files.isReadable(Path.of("/proc/self/net/tcp")), "needs Linux's /proc to list this JVM's sockets");
    FlinkPipelineOptions o = options("--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=1");
    assertNotNull(LocalFlinkConfiguration.applyDefaults(o, Map.of()));
    Pipeline p = Pipeline.create(o);
    PCollection<String> listening = p.apply(Create.of(1)).apply(ParDo.of(new ListeningSockets()));
    PAssert.that(listening).satisfies(addresses -> {
      List<String> all = new ArrayList<>();
      addresses.forEach(all::add);
      assertFalse(all.isEmpty(), "the mini cluster listens on some port while its job runs");
      for (String a : all) {
        assertTrue(a.startsWith("127.") || a.equals("::1"), "a socket of the job's cluster listens on " + a + ": " + all);
      }
      return null;
    });
    p.run().waitUntilFinish();
  }

  /** Outputs the local address of every listening TCP socket this process holds, read from /proc. */
  static final class ListeningSockets extends DoFn<Integer, String> {
    private static final long serialVersionUID = 1L;

    @ProcessElement
    public void process(OutputReceiver<String> out) throws IOException {
      Set<String> inodes = new HashSet<>();
      try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
        fds.forEach(fd -> {
          try {
            String target = Files.readSymbolicLink(fd).toString();
            if (target.startsWith("socket:[")) {
              inodes.add(target.substring(8, target.length() - 1));
            }
          } catch (IOException e) {
            // a descriptor closed while listing: not a socket of interest
          }
        });
      }
      for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
        Path file = Path.of(table);
        if (!Files.isReadable(file)) {
          continue;
        }
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
          String[] f = line.trim().split("\\s+");
          if (f.length > 9 && "0A".equals(f[3]) && inodes.contains(f[9])) {
            out.output(address(f[1].substring(0, f[1].indexOf(':'))));
          }
        }
      }
    }

    /** A /proc/net address in hex (IPv4 or IPv6, each 32-bit word little-endian) as text. */
    static String address(String hex) {
      if (hex.length() == 8) {
        return Integer.parseInt(hex.substring(6, 8), 16) + "." + Integer.parseInt(hex.substring(4, 6), 16) + "."
            + Integer.parseInt(hex.substring(2, 4), 16) + "." + Integer.parseInt(hex.substring(0, 2), 16);
      }
      if (hex.equals("00000000000000000000000001000000")) {
        return "::1";
      }
      if (hex.startsWith("0000000000000000FFFF0000")) {
        return address(hex.substring(24)); // an IPv4-mapped address
      }
      return hex.equals("00000000000000000000000000000000") ? "::" : "ipv6:" + hex;
    }
  }
}
