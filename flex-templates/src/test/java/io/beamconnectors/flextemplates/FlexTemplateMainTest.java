package io.beamconnectors.flextemplates;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.sources.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures before anything is submitted: no server is needed, none is contacted. */
class FlexTemplateMainTest {
  @TempDir
  Path dir;

  private static final SecretReference.SecretManager NO_SECRET_MANAGER = name -> {
    throw new AssertionError("unexpected Secret Manager lookup of " + name);
  };

  private static String[] args(String... extra) {
    List<String> a = new java.util.ArrayList<>(List.of("--runner=DirectRunner", "--serviceType=postgresql",
        "--esIndex=search-flex-unit", "--esUrl=http://127.0.0.1:1"));
    a.addAll(List.of(extra));
    return a.toArray(new String[0]);
  }

  private static long leftoverConfigFiles() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("bc-connector-config-")).count();
    }
  }

  @Test
  void aMissingRequiredParameterIsABeamValidationError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FlexTemplateMain.launch(new String[] {"--runner=DirectRunner", "--esIndex=x"}, Map.of(), NO_SECRET_MANAGER));
    assertTrue(e.getMessage().contains("serviceType"), e.getMessage());
  }

  @Test
  void aSyncJobTakesItsConfigurationFromTheJobDocumentOnly() throws Exception {
    Path f = Files.writeString(dir.resolve("c.json"), "{}");
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> FlexTemplateMain.launch(
        new String[] {"--runner=DirectRunner", "--syncJobId=job-1", "--connectorConfig=" + f}, Map.of(), NO_SECRET_MANAGER));
    assertTrue(e.getMessage().contains("--syncJobId takes the source configuration from the sync-job document"),
        e.getMessage());
  }

  @Test
  void aSyncJobAndASelfReportedRunAtOnceAreRefused() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> FlexTemplateMain.runSelfReported(
        new String[] {"--runner=DirectRunner", "--syncJobId=job-1", "--selfReportConnectorId=c"}, Map.of(),
        NO_SECRET_MANAGER));
    assertTrue(e.getMessage().contains("--selfReportConnectorId and --syncJobId are both set"), e.getMessage());
  }

  @Test
  void aSecretValueInsteadOfAReferenceIsRefusedUnquoted() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> FlexTemplateMain.launch(args("--esUsername=elastic", "--esPasswordSecret=Sup3r-S3cret!"), Map.of(),
            NO_SECRET_MANAGER));
    assertTrue(e.getMessage().contains("--esPasswordSecret"), e.getMessage());
    assertFalse(e.getMessage().contains("Sup3r-S3cret!"), e.getMessage());
  }

  @Test
  void bothConfigurationFormsAtOnceAreRefused() throws Exception {
    Path f = Files.writeString(dir.resolve("c.json"), "{}");
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> FlexTemplateMain.launch(
        args("--connectorConfig=" + f, "--connectorConfigSecret=file:" + f), Map.of(), NO_SECRET_MANAGER));
    assertTrue(e.getMessage().contains("--connectorConfig and --connectorConfigSecret"), e.getMessage());
  }

  @Test
  void aBrokenConfigurationSecretNamesTheOptionNotTheTemporaryFileAndLeavesNoFile() throws Exception {
    long before = leftoverConfigFiles();
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> FlexTemplateMain.launch(
        args("--connectorConfigSecret=env:CFG"), Map.of("CFG", "{\"password\": \"p4ss\", oops"), NO_SECRET_MANAGER));
    assertTrue(e.getMessage().contains("--connectorConfigSecret"), e.getMessage());
    assertFalse(e.getMessage().contains("bc-connector-config-"), e.getMessage());
    assertFalse(e.getMessage().contains("p4ss"), e.getMessage());
    assertTrue(leftoverConfigFiles() <= before, "the temporary configuration file is deleted");
  }

  @Test
  void anInvalidConnectorConfigurationFromSecretManagerStopsBeforeAnyConnection() throws Exception {
    long before = leftoverConfigFiles();
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> FlexTemplateMain.launch(
        args("--connectorConfigSecret=projects/p/secrets/cfg/versions/3"), Map.of(),
        name -> "{\"database\": \"x\", \"port\": \"not-a-port\", \"password\": \"p4ss\"}"));
    assertTrue(e.getMessage().contains("port"), e.getMessage());
    assertFalse(e.getMessage().contains("p4ss"), e.getMessage());
    assertTrue(leftoverConfigFiles() <= before, "the temporary configuration file is deleted");
  }
}
