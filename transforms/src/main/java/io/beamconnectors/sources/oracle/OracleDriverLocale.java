package io.beamconnectors.sources.oracle;

import java.util.Locale;

/**
 * Works around a locale bug of the thin driver (ojdbc11 23.26): {@code oracle.net.ns.SessionAtts}
 * builds a regular expression with {@code String.format} in the JVM's default format locale, so in a
 * locale with non-ASCII digits (e.g. {@code ar-EG}: {@code [A-z0-9,_]{٨}}) its static initializer
 * throws and no connection can ever be opened in that JVM. Before the first connection, that class
 * is initialized once with the format locale set to {@link Locale#ROOT}, then the locale is put
 * back. Each worker JVM does this itself (it is called whenever connection properties are built).
 */
final class OracleDriverLocale {
  static final String AFFECTED_CLASS = "oracle.net.ns.SessionAtts";
  private static volatile boolean initialized;

  private OracleDriverLocale() {}

  static void initializeDriverClasses() {
    if (initialized) {
      return;
    }
    synchronized (OracleDriverLocale.class) {
      if (initialized) {
        return;
      }
      Locale previous = Locale.getDefault(Locale.Category.FORMAT);
      try {
        Locale.setDefault(Locale.Category.FORMAT, Locale.ROOT);
        Class.forName(AFFECTED_CLASS, true, OracleDriverLocale.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        // Another driver version without that class or bug: nothing to do; the driver reports its own errors.
      } finally {
        Locale.setDefault(Locale.Category.FORMAT, previous);
        initialized = true;
      }
    }
  }
}
