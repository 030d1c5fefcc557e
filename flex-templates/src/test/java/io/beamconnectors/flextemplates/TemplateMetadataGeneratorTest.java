package io.beamconnectors.flextemplates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.services.dataflow.model.ParameterMetadata;
import com.google.api.services.dataflow.model.TemplateMetadata;
import io.beamconnectors.pipelines.FullSyncOptions;
import io.beamconnectors.sources.SpreadOptions;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;
import org.junit.jupiter.api.Test;

class TemplateMetadataGeneratorTest {

  private static Map<String, ParameterMetadata> byName(TemplateMetadata m) {
    Map<String, ParameterMetadata> out = new TreeMap<>();
    for (ParameterMetadata p : m.getParameters()) {
      out.put(p.getName(), p);
    }
    return out;
  }

  /** Getters of an interface, found independently of the generator (declared methods named get/is). */
  private static List<Method> getters(Class<?> iface) {
    List<Method> out = new ArrayList<>();
    for (Method m : iface.getDeclaredMethods()) {
      if (m.getParameterCount() == 0 && (m.getName().startsWith("get") || m.getName().startsWith("is"))
          && !m.isAnnotationPresent(org.apache.beam.sdk.options.Hidden.class)) {
        out.add(m);
      }
    }
    return out;
  }

  private static String optionName(Method getter) {
    String rest = getter.getName().startsWith("is") ? getter.getName().substring(2) : getter.getName().substring(3);
    return Character.toLowerCase(rest.charAt(0)) + rest.substring(1);
  }

  @Test
  void everyPipelineOptionIsAParameterWithHelpTextAndItsFormat() {
    Map<String, ParameterMetadata> params = byName(TemplateMetadataGenerator.generate(FlexTemplateOptions.class));
    List<Method> all = new ArrayList<>(getters(FullSyncOptions.class));
    all.addAll(getters(SpreadOptions.class));
    all.addAll(getters(FlexTemplateOptions.class));
    assertTrue(all.size() >= 22, "the options interfaces were read: " + all.size());
    assertEquals(all.size(), params.size(), "one parameter per option, no Beam options: " + params.keySet());
    // The sync's own bookkeeping options are @Hidden: never a template parameter.
    assertFalse(params.containsKey("directRunnerThreadsBySource"), params.keySet().toString());
    assertFalse(params.containsKey("spreadGroupsFollowThreads"), params.keySet().toString());
    for (Method g : all) {
      String name = optionName(g);
      ParameterMetadata p = params.get(name);
      assertNotNull(p, "option " + name + " is missing from the metadata");
      String description = g.getAnnotation(Description.class).value();
      assertTrue(p.getHelpText().startsWith(description.strip()), name + ": help text is the @Description");
      assertFalse(p.getLabel().isBlank(), name);
      // serviceType and esIndex: required by the full sync, but a launcher's sync job (syncJobId) or a
      // self-reported run takes them from its document, so a launch may leave them out.
      boolean documentProvided = FlexTemplateOptions.DOCUMENT_PROVIDED.contains(name);
      assertEquals(!g.isAnnotationPresent(Validation.Required.class) || documentProvided, p.getIsOptional(),
          name + " isOptional");
      if (documentProvided) {
        assertTrue(g.isAnnotationPresent(Validation.Required.class), name + " is required outside the document modes");
        assertTrue(p.getHelpText().contains("Required unless syncJobId or selfReportConnectorId is set"), p.getHelpText());
      }
      Class<?> t = g.getReturnType();
      if (t == int.class || t == long.class || t == Integer.class || t == Long.class) {
        assertEquals(List.of(TemplateMetadataGenerator.INTEGER_REGEX), p.getRegexes(), name);
        assertEquals("TEXT", p.getParamType(), name);
      } else if (t == boolean.class || t == Boolean.class) {
        assertEquals("BOOLEAN", p.getParamType(), name);
        assertEquals(List.of(TemplateMetadataGenerator.BOOLEAN_REGEX), p.getRegexes(), name);
      }
      if (g.isAnnotationPresent(Default.Integer.class)) {
        assertEquals(Integer.toString(g.getAnnotation(Default.Integer.class).value()), p.getDefaultValue(), name);
      }
      if (g.isAnnotationPresent(Default.String.class)) {
        assertEquals(g.getAnnotation(Default.String.class).value(), p.getDefaultValue(), name);
      }
    }
    assertTrue(params.containsKey("syncJobId"), "the launcher's dataflow runner passes syncJobId");
    for (String beamOption : List.of("runner", "jobName", "tempLocation", "project", "region", "appName")) {
      assertFalse(params.containsKey(beamOption), beamOption + " is set by Dataflow, not a template parameter");
    }
  }

  @Test
  void stringOptionsWithAFormatHaveTheirRegex() {
    Map<String, ParameterMetadata> params = byName(TemplateMetadataGenerator.generate(FlexTemplateOptions.class));
    assertEquals("ENUM", params.get("serviceType").getParamType());
    assertEquals(List.of("azure_blob_storage", "google_cloud_storage", "mssql", "network_drive", "oracle", "postgresql", "s3"),
        params.get("serviceType").getEnumOptions().stream().map(o -> o.getValue()).toList());
    assertEquals("ENUM", params.get("joinStrategy").getParamType());
    assertEquals("ENUM", params.get("contentMode").getParamType());
    accepts(params.get("esUrl"), "https://es.example.com:9243", "http://a:9200,http://b:9200");
    rejects(params.get("esUrl"), "es.example.com", "ftp://x", "http://a b");
    accepts(params.get("esIndex"), "search-ünï_codé", "a", "search-postgresql.v2");
    rejects(params.get("esIndex"), "Search", "_hidden", "-x", "a,b", "a b", "a:b", "a#b", "");
    accepts(params.get("contentExtensions"), "", ".pdf,.txt", "pdf, docx");
    rejects(params.get("contentExtensions"), ",,", ".pdf,,.txt");
    for (String secret : List.of("esPasswordSecret", "esApiKeySecret", "esBearerTokenSecret", "connectorConfigSecret")) {
      accepts(params.get(secret), "projects/my-proj/secrets/es-password/versions/latest",
          "projects/123456/secrets/a_b/versions/7");
      rejects(params.get(secret), "hunter2", "env:BC_ES_PASSWORD", "file:/tmp/x", "projects/p/secrets/s",
          "projects/p/secrets/s/versions/1/extra");
      assertEquals("Secrets", params.get(secret).getGroupName());
    }
  }

  private static void accepts(ParameterMetadata p, String... values) {
    for (String v : values) {
      for (String r : p.getRegexes()) {
        assertTrue(Pattern.compile(r).matcher(v).find(), p.getName() + " should accept '" + v + "' (" + r + ")");
      }
    }
  }

  private static void rejects(ParameterMetadata p, String... values) {
    for (String v : values) {
      boolean all = p.getRegexes().stream().allMatch(r -> Pattern.compile(r).matcher(v).find());
      assertFalse(all, p.getName() + " should reject '" + v + "'");
    }
  }

  /** An option someone adds later, in a sub-interface here (FullSyncOptions itself is not ours to edit). */
  public interface LaterOptions extends FlexTemplateOptions {
    @Description("A knob added after the template was written.")
    @Default.Integer(7)
    int getShinyNewKnob();

    void setShinyNewKnob(int v);

    @Description("Secret Manager secret version of a token added later.")
    String getLaterTokenSecret();

    void setLaterTokenSecret(String v);
  }

  public interface UndocumentedOptions extends FlexTemplateOptions {
    String getMystery();

    void setMystery(String v);
  }

  @Test
  void anOptionAddedLaterAppearsWithoutAnyOtherEdit() {
    Map<String, ParameterMetadata> params = byName(TemplateMetadataGenerator.generate(LaterOptions.class));
    ParameterMetadata knob = params.get("shinyNewKnob");
    assertNotNull(knob);
    assertEquals("A knob added after the template was written. Default: 7.", knob.getHelpText());
    assertEquals("Shiny new knob", knob.getLabel());
    assertEquals(List.of(TemplateMetadataGenerator.INTEGER_REGEX), knob.getRegexes());
    assertEquals(List.of(SecretReference.SECRET_VERSION_REGEX), params.get("laterTokenSecret").getRegexes());
    assertTrue(TemplateMetadataValidator.validate(json(LaterOptions.class)).isEmpty());
  }

  @Test
  void anOptionWithoutDescriptionStopsTheBuildWithItsName() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> TemplateMetadataGenerator.generate(UndocumentedOptions.class));
    assertTrue(e.getMessage().contains("mystery") && e.getMessage().contains("@Description"), e.getMessage());
  }

  @Test
  void generatedMetadataValidatesAndTheBuildWroteTheSame() throws Exception {
    String json = json(FlexTemplateOptions.class);
    assertEquals(List.of(), TemplateMetadataValidator.validate(json));
    Path built = Path.of("target", "metadata.json");
    assertTrue(Files.exists(built), "the build's process-classes phase writes target/metadata.json");
    assertEquals(json.strip(), Files.readString(built, StandardCharsets.UTF_8).strip(),
        "target/metadata.json is stale or generated differently");
    assertEquals(json, json(FlexTemplateOptions.class), "deterministic");
  }

  @Test
  void labelsReadAsWords() {
    assertEquals("Elasticsearch API key secret", TemplateMetadataGenerator.label("esApiKeySecret"));
    assertEquals("Elasticsearch URL", TemplateMetadataGenerator.label("esUrl"));
    assertEquals("Summary JSON", TemplateMetadataGenerator.label("summaryJson"));
    assertEquals("Max file size bytes", TemplateMetadataGenerator.label("maxFileSizeBytes"));
  }

  private static String json(Class<? extends org.apache.beam.sdk.options.PipelineOptions> options) {
    try {
      return TemplateMetadataGenerator.json(TemplateMetadataGenerator.generate(options));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
