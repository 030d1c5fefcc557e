package io.beamconnectors.flextemplates;

import io.beamconnectors.content.ContentSettings;
import io.beamconnectors.sources.SourceRegistry;
import io.beamconnectors.sync.JoinStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the option getters' Java types cannot say about a template parameter: the format of a
 * String option (a regex, or the values of an enum it is parsed into) and a note for the template's
 * form. Numbers, booleans and Java enums get their format from the type alone
 * ({@link TemplateMetadataGenerator}); an option not listed here is free text.
 */
final class TemplateParameterFormats {

  /**
   * @param regex the format the value must match (RE2 syntax, as Dataflow checks it), or null
   * @param enumValues the allowed values for an ENUM parameter, or empty
   * @param templateNote a sentence appended to the help text in the template, or null
   */
  record Format(String regex, List<String> enumValues, String templateNote) {}

  /** Elasticsearch index names: lower case, none of \ / * ? " < > | space , # :, not starting with - _ +. */
  static final String INDEX_NAME_REGEX = "^[^-_+.A-Z\\\\/*?\"<>| ,#:][^A-Z\\\\/*?\"<>| ,#:]{0,254}$";
  /** A connector document id: not empty, no whitespace (Kibana's generated ids and readable names alike). */
  static final String CONNECTOR_ID_REGEX = "^\\S{1,512}$";
  static final String URL_LIST_REGEX = "^https?://[^\\s,]+(,\\s*https?://[^\\s,]+)*$";
  static final String EXTENSION_LIST_REGEX = "^(\\s*\\.?[^,\\s]+\\s*(,\\s*\\.?[^,\\s]+\\s*)*)?$";

  private TemplateParameterFormats() {}

  static Map<String, Format> all() {
    // serviceType sorted: the registry's map has no stable order, and the metadata must not change between builds.
    List<String> serviceTypes = new ArrayList<>(new TreeSet<>(SourceRegistry.builtIn().serviceTypes().keySet()));
    return Map.ofEntries(
        Map.entry("serviceType", new Format(null, serviceTypes, null)),
        Map.entry("joinStrategy", new Format(null, names(JoinStrategy.values()), null)),
        Map.entry("contentMode", new Format(null, names(ContentSettings.Mode.values()), null)),
        Map.entry("esUrl", new Format(URL_LIST_REGEX, List.of(), null)),
        Map.entry("esIndex", new Format(INDEX_NAME_REGEX, List.of(), null)),
        Map.entry("selfReportConnectorId", new Format(CONNECTOR_ID_REGEX, List.of(),
            "The template main then waits for the job: launch it from a Cloud Run job, not flexTemplates:launch"
                + " (see the README).")),
        Map.entry("contentExtensions", new Format(EXTENSION_LIST_REGEX, List.of(), null)),
        Map.entry("connectorConfig", new Format(null, List.of(),
            "In the template use connectorConfigSecret: a local path exists only in the launcher container.")),
        Map.entry("esUsername", new Format(null, List.of(), "In the template the password comes from esPasswordSecret.")),
        Map.entry("esCaCertificate", new Format(null, List.of(),
            "On Dataflow the file must exist in the launcher and worker images.")),
        Map.entry("summaryJson", new Format(null, List.of(),
            "Only written when the runner finishes the job before the template main returns (DirectRunner).")));
  }

  /**
   * The format of one option: from the table above, or for any option named {@code ...Secret} a
   * Secret Manager secret version name (so a later secret option is covered without an entry).
   */
  static Format of(String option) {
    Format f = all().get(option);
    if (f != null) {
      return f;
    }
    if (option.endsWith("Secret")) {
      return new Format(SecretReference.SECRET_VERSION_REGEX, List.of(), null);
    }
    return null;
  }

  private static List<String> names(Enum<?>[] values) {
    List<String> out = new ArrayList<>();
    for (Enum<?> v : values) {
      out.add(v.name());
    }
    return out;
  }
}
