package io.beamconnectors.flextemplates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * build.sh: its commands in dry-run mode, its errors, and (where the Google Cloud CLI is
 * installed) the real {@code gcloud dataflow flex-template build --print-only}, which writes
 * nothing and needs no Google Cloud project. Docker and Google Cloud are not reachable here, so
 * the image build, the push and the upload of the spec are not run.
 */
class BuildScriptTest {
  private static final Path SCRIPT = Path.of("build.sh").toAbsolutePath();
  private static final Path METADATA = Path.of("target", "metadata.json").toAbsolutePath();
  private static final String IMAGE = "europe-west1-docker.pkg.dev/my-project-123/bc/beam-connectors-flex:0.1.0";
  private static final String SPEC = "gs://bc-templates/flex/beam-connectors.json";

  @TempDir
  Path dir;

  private record Run(int code, String out, String err) {}

  private Run run(Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString());
    pb.environment().keySet().removeIf(k -> k.startsWith("BC_FLEX_"));
    pb.environment().put("CLOUDSDK_CONFIG", dir.resolve("gcloud-config").toString());
    pb.environment().putAll(env);
    pb.redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(240, TimeUnit.SECONDS), "build.sh finished");
    return new Run(p.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
  }

  @Test
  void dryRunBuildsPushesAndWritesTheSpecWithEveryArgumentFromTheEnvironment() throws Exception {
    Path jar = Files.writeString(dir.resolve("template jar, ü.jar"), "not really a jar");
    Run r = run(Map.of("BC_FLEX_DRY_RUN", "1", "BC_FLEX_TEMPLATE_PATH", SPEC, "BC_FLEX_IMAGE", IMAGE,
        "BC_FLEX_JAR", jar.toString(), "BC_FLEX_PROJECT", "my-project-123",
        "BC_FLEX_SERVICE_ACCOUNT_EMAIL", "bc-sync@my-project-123.iam.gserviceaccount.com",
        "BC_FLEX_TEMP_LOCATION", "gs://bc-temp/tmp", "BC_FLEX_MAX_WORKERS", "8",
        "BC_FLEX_ADDITIONAL_USER_LABELS", "app=beam-connectors", "BC_FLEX_DISABLE_PUBLIC_IPS", "true"));
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(3, lines.size(), r.out());
    assertTrue(lines.get(0).startsWith("docker build -t " + IMAGE + " "), lines.get(0));
    assertEquals("docker push " + IMAGE, lines.get(1).strip());
    assertEquals("gcloud dataflow flex-template build " + SPEC + " --image " + IMAGE + " --sdk-language JAVA"
        + " --metadata-file " + METADATA + " --project my-project-123"
        + " --service-account-email bc-sync@my-project-123.iam.gserviceaccount.com"
        + " --temp-location gs://bc-temp/tmp --max-workers 8 --additional-user-labels app=beam-connectors"
        + " --disable-public-ips", lines.get(2).strip());
  }

  @Test
  void cloudBuildIsTheOtherWayToBuildTheImage() throws Exception {
    Path jar = Files.writeString(dir.resolve("t.jar"), "x");
    Run r = run(Map.of("BC_FLEX_DRY_RUN", "1", "BC_FLEX_TEMPLATE_PATH", SPEC, "BC_FLEX_IMAGE", IMAGE,
        "BC_FLEX_JAR", jar.toString(), "BC_FLEX_IMAGE_BUILDER", "cloudbuild"));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().lines().findFirst().orElse("").startsWith("gcloud builds submit --tag " + IMAGE + " "), r.out());
  }

  @Test
  void missingOrWrongSettingsAreNamed() throws Exception {
    Run noImage = run(Map.of("BC_FLEX_TEMPLATE_PATH", SPEC));
    assertEquals(2, noImage.code());
    assertTrue(noImage.err().contains("BC_FLEX_IMAGE is not set"), noImage.err());
    Run localPath = run(Map.of("BC_FLEX_TEMPLATE_PATH", "/tmp/spec.json", "BC_FLEX_IMAGE", IMAGE));
    assertEquals(2, localPath.code());
    assertTrue(localPath.err().contains("BC_FLEX_TEMPLATE_PATH must be a gs://"), localPath.err());
    Run noJar = run(Map.of("BC_FLEX_TEMPLATE_PATH", SPEC, "BC_FLEX_IMAGE", IMAGE,
        "BC_FLEX_JAR", dir.resolve("missing.jar").toString()));
    assertEquals(2, noJar.code());
    assertTrue(noJar.err().contains("-Pshade"), noJar.err());
    Run badBool = run(Map.of("BC_FLEX_TEMPLATE_PATH", SPEC, "BC_FLEX_IMAGE", IMAGE, "BC_FLEX_PRINT_ONLY", "1",
        "BC_FLEX_DRY_RUN", "1", "BC_FLEX_DISABLE_PUBLIC_IPS", "yes"));
    assertEquals(2, badBool.code());
    assertTrue(badBool.err().contains("BC_FLEX_DISABLE_PUBLIC_IPS"), badBool.err());
  }

  @Test
  void realGcloudEmbedsTheGeneratedMetadataInTheSpec() throws Exception {
    boolean gcloud = false;
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      gcloud |= Files.isExecutable(Path.of(d, "gcloud"));
    }
    assumeTrue(gcloud, "the Google Cloud CLI is not installed: the spec file is not checked with gcloud");
    Run r = run(Map.of("BC_FLEX_PRINT_ONLY", "1", "BC_FLEX_TEMPLATE_PATH", SPEC, "BC_FLEX_IMAGE", IMAGE,
        "BC_FLEX_MAX_WORKERS", "8", "BC_FLEX_TEMP_LOCATION", "gs://bc-temp/tmp"));
    assertEquals(0, r.code(), r.err());
    // gcloud prints the spec as a YAML block scalar of JSON ("|-" then the indented JSON).
    String json = r.out().substring(r.out().indexOf('{'));
    JsonNode spec = new ObjectMapper().readTree(json);
    assertEquals(IMAGE, spec.path("image").asText());
    assertEquals("JAVA", spec.path("sdkInfo").path("language").asText());
    assertEquals(8, spec.path("defaultEnvironment").path("maxWorkers").asInt());
    assertEquals("gs://bc-temp/tmp", spec.path("defaultEnvironment").path("tempLocation").asText());
    JsonNode generated = new ObjectMapper().readTree(METADATA.toFile());
    for (String field : List.of("name", "description", "parameters")) { // gcloud drops "streaming": false
      assertEquals(generated.get(field), spec.path("metadata").get(field), "the spec carries the generated " + field);
    }
  }
}
