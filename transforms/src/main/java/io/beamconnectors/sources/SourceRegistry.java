package io.beamconnectors.sources;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Service type to connector class. Sources are discovered with Java's {@link ServiceLoader}: every
 * jar on the classpath that lists a {@link SourceConnector} in
 * {@code META-INF/services/io.beamconnectors.sources.SourceConnector} contributes its service type
 * (the built-in sources are listed there by this module). config.yml's {@code sources} map
 * (service type to fully qualified class name) adds or replaces entries by name, for a jar that
 * does not register itself.
 */
public final class SourceRegistry {
  private final Map<String, String> classes;

  private SourceRegistry(Map<String, String> classes) {
    this.classes = java.util.Collections.unmodifiableMap(new TreeMap<>(classes));
  }

  /** Every source the classpath registers, by service type (sorted). */
  public static SourceRegistry builtIn() {
    return new SourceRegistry(discovered());
  }

  /** The discovered sources plus (and overridden by) {@code extra}: service type to class name. */
  public static SourceRegistry withSources(Map<String, String> extra) {
    Map<String, String> m = new LinkedHashMap<>(discovered());
    if (extra != null) {
      m.putAll(extra);
    }
    return new SourceRegistry(m);
  }

  private static Map<String, String> discovered() {
    Map<String, String> found = new TreeMap<>();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    for (ServiceLoader.Provider<SourceConnector> p : ServiceLoader.load(SourceConnector.class,
        loader == null ? SourceRegistry.class.getClassLoader() : loader).stream().toList()) {
      SourceConnector c = p.get();
      String previous = found.putIfAbsent(c.serviceType(), c.getClass().getName());
      if (previous != null && !previous.equals(c.getClass().getName())) {
        throw new IllegalStateException("two sources claim service_type '" + c.serviceType() + "': " + previous
            + " and " + c.getClass().getName() + "; remove one jar or choose one under 'sources' in config.yml");
      }
    }
    return found;
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
              serviceType, new TreeMap<>(classes).keySet()));
    }
    try {
      Class<?> c = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
      SourceConnector connector = (SourceConnector) c.getDeclaredConstructor().newInstance();
      if (!serviceType.equals(connector.serviceType())) {
        throw new ConfigurationException(String.format("source class '%s' says its service_type is '%s', not '%s':"
            + " fix the 'sources' entry in config.yml", className, connector.serviceType(), serviceType));
      }
      return connector;
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new ConfigurationException(
          String.format(
              "source class '%s' for service_type '%s' cannot be loaded (%s): check that its jar"
                  + " is on the classpath and that it implements SourceConnector with a public"
                  + " no-argument constructor",
              className, serviceType, e.getClass().getSimpleName()));
    }
  }
}
