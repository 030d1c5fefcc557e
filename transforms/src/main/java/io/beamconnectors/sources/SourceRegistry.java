package io.beamconnectors.sources;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Service type to connector class. The built-in sources are registered by default; config.yml's
 * {@code sources} map (service type to fully qualified class name) adds or replaces entries, so a
 * third party can ship a source in its own jar.
 */
public final class SourceRegistry {
  private static final Map<String, String> BUILT_IN = new LinkedHashMap<>();

  static {
    BUILT_IN.put("postgresql", "io.beamconnectors.sources.postgresql.PostgresqlConnector");
    BUILT_IN.put("network_drive", "io.beamconnectors.sources.networkdrive.NetworkDriveConnector");
    BUILT_IN.put("s3", "io.beamconnectors.sources.s3.S3Connector");
    BUILT_IN.put("google_cloud_storage", "io.beamconnectors.sources.gcs.GcsConnector");
    BUILT_IN.put("azure_blob_storage", "io.beamconnectors.sources.azureblob.AzureBlobConnector");
  }

  private final Map<String, String> classes;

  private SourceRegistry(Map<String, String> classes) {
    this.classes = Map.copyOf(classes);
  }

  public static SourceRegistry builtIn() {
    return new SourceRegistry(BUILT_IN);
  }

  /** The built-in sources plus (and overridden by) {@code extra}. */
  public static SourceRegistry withSources(Map<String, String> extra) {
    Map<String, String> m = new LinkedHashMap<>(BUILT_IN);
    m.putAll(extra);
    return new SourceRegistry(m);
  }

  public Map<String, String> serviceTypes() {
    return classes;
  }

  public SourceConnector create(String serviceType) {
    String className = classes.get(serviceType);
    if (className == null) {
      throw new ConfigurationException(
          String.format(
              "service_type '%s' is not a registered source: use one of %s or add it under"
                  + " 'sources' in config.yml",
              serviceType, classes.keySet()));
    }
    try {
      Class<?> c = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
      return (SourceConnector) c.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new ConfigurationException(
          String.format(
              "source class '%s' for service_type '%s' cannot be loaded (%s): check that its jar"
                  + " is on the classpath and that it implements SourceConnector with a public"
                  + " no-argument constructor",
              className, serviceType, e));
    }
  }
}
