package io.beamconnectors.launcher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.sources.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LauncherConfigTest {

  @Test
  void defaultsAreTheReferenceOnes() {
    LauncherConfig c = LauncherConfig.parse("", Map.of(), "config.yml");
    assertEquals(Duration.ofSeconds(30), c.service().idling());
    assertEquals(Duration.ofSeconds(300), c.service().heartbeat());
    assertEquals(1, c.service().maxConcurrentContentSyncs());
    assertEquals(Duration.ofSeconds(300), c.service().jobCleanupInterval());
    assertEquals(Duration.ofSeconds(300), c.service().idleJobThreshold());
    assertEquals(Duration.ofSeconds(10), c.service().jobReportingInterval());
    assertEquals(Duration.ofSeconds(5), c.service().jobCheckInterval());
    assertEquals(List.of("http://127.0.0.1:9200"), c.elasticsearch().hosts());
    assertEquals("direct", c.runner().type());
    assertNull(c.servedConnectorIds(), "no connectors: every connector of a known type");
  }

  @Test
  void environmentVariablesFillSecretsAndFractionsOfSecondsWork() {
    String yaml = "elasticsearch:\n  host: ${ES:-http://x:1}\n  username: elastic\n  password: ${PW}\n"
        + "service:\n  idling: 0.5\nconnectors:\n  - connector_id: 'a: b # c'\n    service_type: postgresql\n";
    LauncherConfig c = LauncherConfig.parse(yaml, Map.of("PW", "s3cr#t: x"), "config.yml");
    assertEquals("s3cr#t: x", c.elasticsearch().password());
    assertEquals(List.of("http://x:1"), c.elasticsearch().hosts());
    assertEquals(Duration.ofMillis(500), c.service().idling());
    assertEquals(List.of("a: b # c"), c.servedConnectorIds());
    assertTrue(!c.elasticsearch().toString().contains("s3cr#t"), "toString shows no password");
  }

  @Test
  void passwordFallsBackToBcEsPassword() {
    LauncherConfig c = LauncherConfig.parse("elasticsearch:\n  username: elastic\n", Map.of("BC_ES_PASSWORD", "pw"), "f");
    assertEquals("pw", c.elasticsearch().credential());
  }

  @Test
  void unknownKeyIsNamed() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> LauncherConfig.parse("service:\n  idlng: 3\n", Map.of(), "config.yml"));
    assertTrue(e.getMessage().contains("service.idlng"), e.getMessage());
  }

  @Test
  void badValuesAreNamed() {
    assertTrue(assertThrows(ConfigurationException.class,
        () -> LauncherConfig.parse("service:\n  idling: soon\n", Map.of(), "f")).getMessage().contains("idling"));
    assertTrue(assertThrows(ConfigurationException.class,
        () -> LauncherConfig.parse("service:\n  heartbeat: 0\n", Map.of(), "f")).getMessage().contains("heartbeat"));
    assertTrue(assertThrows(ConfigurationException.class,
        () -> LauncherConfig.parse("runner:\n  type: flink\n", Map.of(), "f")).getMessage().contains("runner.flink.master"));
    assertTrue(assertThrows(ConfigurationException.class,
        () -> LauncherConfig.parse("connectors:\n  - service_type: s3\n", Map.of(), "f")).getMessage()
        .contains("connectors[0].connector_id"));
    assertTrue(assertThrows(ConfigurationException.class,
        () -> LauncherConfig.parse("service: [1,\n", Map.of(), "f")).getMessage().contains("not valid YAML"));
  }

  @Test
  void aFlinkJarInstalledOnTheClusterIsATrueFalseKey() {
    String flink = "runner:\n  type: flink\n  flink:\n    master: 127.0.0.1:8081\n    jar: /opt/bc/pipelines.jar\n";
    assertEquals(false, LauncherConfig.parse(flink, Map.of(), "f").runner().flink().jarInstalled(), "staged by default");
    assertEquals(true, LauncherConfig.parse(flink + "    jar_installed: true\n", Map.of(), "f").runner().flink().jarInstalled());
    assertEquals(true, LauncherConfig.parse(flink + "    jar_installed: ${INSTALLED}\n", Map.of("INSTALLED", "TRUE"), "f")
        .runner().flink().jarInstalled());
    assertEquals(false, LauncherConfig.parse(flink + "    jar_installed: false\n", Map.of(), "f").runner().flink().jarInstalled());
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> LauncherConfig.parse(flink + "    jar_installed: yes please\n", Map.of(), "f"));
    assertTrue(e.getMessage().contains("runner.flink.jar_installed is 'yes please': set true or false"), e.getMessage());
  }

  @Test
  void anEmbeddedFlinkMasterNeedsNoJarAndUsesEveryCoreByDefault() {
    // Quoted or not: unquoted, YAML reads [local] as a list of one, which names the same master.
    for (String master : List.of("\"[local]\"", "[local]")) {
      LauncherConfig.Flink f = LauncherConfig.parse("runner:\n  type: flink\n  flink:\n    master: " + master + "\n",
          Map.of(), "f").runner().flink();
      assertTrue(f.embedded(), master);
      assertNull(f.jar());
      assertEquals(Runtime.getRuntime().availableProcessors(), f.parallelism(), "embedded: the cores by default");
    }
    String embedded = "runner:\n  type: flink\n  flink:\n    master: \"[local]\"\n";
    assertEquals(3, LauncherConfig.parse(embedded + "    parallelism: 3\n", Map.of(), "f").runner().flink().parallelism());
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> LauncherConfig.parse(embedded + "    jar_installed: true\n", Map.of(), "f"));
    assertTrue(e.getMessage().contains("remove runner.flink.jar_installed"), e.getMessage());
    e = assertThrows(ConfigurationException.class,
        () -> LauncherConfig.parse(embedded, Map.of("FLINK_CONF_DIR", "/nonexistent/flink-conf"), "f"));
    assertEquals("f: runner.flink.master is [local], and embedded Flink reads the environment variable FLINK_CONF_DIR,"
        + " which names '/nonexistent/flink-conf', not a folder: point it at a Flink configuration folder, or unset it",
        e.getMessage());
    assertTrue(LauncherConfig.parse(embedded, Map.of("FLINK_CONF_DIR", System.getProperty("java.io.tmpdir")), "f")
        .runner().flink().embedded(), "a folder is fine");
    LauncherConfig.Flink session = LauncherConfig.parse("runner:\n  type: flink\n  flink:\n    master: 127.0.0.1:8081\n"
        + "    jar: /opt/bc/pipelines.jar\n", Map.of(), "f").runner().flink();
    assertTrue(!session.embedded());
    assertEquals(1, session.parallelism(), "a session cluster: one slot by default");
    e = assertThrows(ConfigurationException.class,
        () -> LauncherConfig.parse("runner:\n  type: flink\n  flink:\n    master: 127.0.0.1:8081\n", Map.of(), "f"));
    assertTrue(e.getMessage().contains("runner.flink.master: \"[local]\" to run Flink inside the launcher"), e.getMessage());
  }

  @Test
  void exampleFileParsesWithEveryKey() throws Exception {
    Path example = Path.of("config.yml.example");
    LauncherConfig c = LauncherConfig.load(example, Map.of("BC_ES_PASSWORD", "x"));
    assertEquals(Duration.ofSeconds(30), c.service().idling());
    String text = Files.readString(example);
    for (String key : List.of("host:", "username:", "password:", "api_key:", "ca_certs:", "protocol:", "idling:",
        "heartbeat:", "max_concurrent_content_syncs:", "job_cleanup_interval:", "idle_job_threshold:",
        "job_reporting_interval:", "job_check_interval:", "log_level:", "worker_hostname:", "connectors:", "sources:",
        "runner:", "master:", "parallelism:", "jar:", "jar_installed:", "dataflow:")) {
      assertTrue(text.contains(key), key + " is documented in config.yml.example");
    }
  }

  @Test
  void extraSourcesJoinTheRegistry() {
    LauncherConfig c = LauncherConfig.parse("sources:\n  my_type: com.example.Mine\n", Map.of(), "f");
    assertEquals("com.example.Mine", c.sourceRegistry().serviceTypes().get("my_type"));
    assertTrue(c.sourceRegistry().serviceTypes().containsKey("postgresql"));
  }
}
