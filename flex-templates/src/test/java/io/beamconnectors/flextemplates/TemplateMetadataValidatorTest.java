package io.beamconnectors.flextemplates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The schema checks themselves: each documented rule rejects a sample that breaks it. */
class TemplateMetadataValidatorTest {

  private static String withParameter(String parameterJson) {
    return "{\"name\":\"t\",\"description\":\"d\",\"parameters\":[" + parameterJson + "]}";
  }

  private static void rejected(String json, String expectedFragment) {
    List<String> problems = TemplateMetadataValidator.validate(json);
    assertTrue(problems.stream().anyMatch(p -> p.contains(expectedFragment)),
        "expected a problem containing '" + expectedFragment + "', got " + problems);
  }

  @Test
  void aMinimalDocumentedExampleIsValid() {
    assertEquals(List.of(), TemplateMetadataValidator.validate(withParameter(
        "{\"name\":\"inputFile\",\"label\":\"Input\",\"helpText\":\"File to read\",\"isOptional\":false,"
            + "\"regexes\":[\"^gs:\\\\/\\\\/[^\\\\n\\\\r]+$\"],\"paramType\":\"GCS_READ_FILE\"}")));
  }

  @Test
  void everyRuleRejectsItsViolation() {
    rejected("[]", "JSON object");
    rejected("not json", "not JSON");
    rejected("{\"description\":\"d\"}", "name is required");
    rejected("{\"name\":\"t\",\"extra\":1}", "'extra' is not a documented field");
    rejected("{\"name\":\"t\",\"streaming\":\"no\"}", "streaming must be a boolean");
    rejected("{\"name\":\"t\",\"parameters\":{}}", "parameters must be an array");
    rejected(withParameter("{\"name\":\"a\",\"label\":\"A\"}"), "helpText is required");
    rejected(withParameter("{\"name\":\"a\",\"helpText\":\"h\"}"), "label is required");
    rejected(withParameter("{\"name\":\"a-b\",\"label\":\"A\",\"helpText\":\"h\"}"), "letters, digits");
    rejected(withParameter("{\"name\":\"a\",\"label\":\"A\",\"helpText\":\"h\",\"parameterType\":\"TEXT\"}"),
        "'parameterType' is not a documented field");
    rejected(withParameter("{\"name\":\"a\",\"label\":\"A\",\"helpText\":\"h\",\"paramType\":\"STRING\"}"),
        "not a documented ParameterType");
    rejected(withParameter("{\"name\":\"a\",\"label\":\"A\",\"helpText\":\"h\",\"isOptional\":\"true\"}"),
        "isOptional must be a boolean");
    rejected(withParameter("{\"name\":\"a\",\"label\":\"A\",\"helpText\":\"h\",\"regexes\":\"^x$\"}"),
        "regexes must be an array");
    rejected(withParameter("{\"name\":\"a\",\"label\":\"A\",\"helpText\":\"h\",\"regexes\":[\"^(x$\"]}"),
        "does not compile");
    rejected(withParameter("{\"name\":\"a\",\"label\":\"A\",\"helpText\":\"h\",\"regexes\":[\"^(?!x).*$\"]}"),
        "RE2");
    rejected(withParameter("{\"name\":\"a\",\"label\":\"A\",\"helpText\":\"h\",\"regexes\":[\"^[0-9]+$\"],"
        + "\"defaultValue\":\"ten\"}"), "does not match its own regex");
    rejected(withParameter("{\"name\":\"a\",\"label\":\"A\",\"helpText\":\"h\",\"paramType\":\"ENUM\"}"),
        "needs enumOptions");
    rejected(withParameter("{\"name\":\"a\",\"label\":\"A\",\"helpText\":\"h\",\"enumOptions\":[{\"value\":\"X\"}]}"),
        "need paramType ENUM");
    rejected(withParameter("{\"name\":\"a\",\"label\":\"A\",\"helpText\":\"h\",\"paramType\":\"ENUM\","
        + "\"enumOptions\":[{\"value\":\"X\"},{\"value\":\"X\"}]}"), "appears twice");
    rejected(withParameter("{\"name\":\"a\",\"label\":\"A\",\"helpText\":\"h\",\"paramType\":\"ENUM\","
        + "\"enumOptions\":[{\"value\":\"X\",\"colour\":\"red\"}]}"), "'colour' is not a documented field");
    rejected(withParameter("{\"name\":\"a\",\"label\":\"A\",\"helpText\":\"h\",\"paramType\":\"ENUM\","
        + "\"enumOptions\":[{\"value\":\"X\"}],\"defaultValue\":\"Y\"}"), "not one of its enumOptions");
    rejected(withParameter("{\"name\":\"a\",\"label\":\"A\",\"helpText\":\"h\",\"parentName\":\"zzz\"}"),
        "is not a parameter");
    rejected(withParameter("{\"name\":\"a\",\"label\":\"A\",\"helpText\":\"h\"},{\"name\":\"a\",\"label\":\"A\","
        + "\"helpText\":\"h\"}"), "appears twice");
    rejected(withParameter("{\"name\":\"dbPassword\",\"label\":\"A\",\"helpText\":\"h\"}"),
        "must only accept Secret Manager names");
    rejected(withParameter("{\"name\":\"apiToken\",\"label\":\"A\",\"helpText\":\"h\",\"regexes\":[\".*\"]}"),
        "must only accept Secret Manager names");
  }
}
