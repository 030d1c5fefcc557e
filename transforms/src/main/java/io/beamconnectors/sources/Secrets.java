package io.beamconnectors.sources;

import java.util.Collection;

/** Keeps secret values out of messages that may reach logs, issues or job documents. */
public final class Secrets {
  private static final String MASK = "********";

  private Secrets() {}

  /**
   * Replaces every occurrence of each non-trivial secret in {@code message} with a mask. Drivers
   * sometimes echo connection strings or credentials in their exception messages; everything a
   * source records as an issue goes through here first.
   */
  public static String redact(String message, Collection<String> secrets) {
    if (message == null) {
      return "";
    }
    String out = message;
    for (String s : secrets) {
      if (s != null && s.length() >= 3) {
        out = out.replace(s, MASK);
      }
    }
    return out;
  }

  /** The sensitive values of a configuration, for {@link #redact}. */
  public static java.util.List<String> of(ConnectorConfiguration config) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (ConfigurableField f : config.spec().fields()) {
      if (f.sensitive()) {
        String v = config.getString(f.name());
        if (v != null) {
          out.add(v);
        }
      }
    }
    return out;
  }

  /** A short description of a throwable (class and redacted message, causes included). */
  public static String describe(Throwable t, Collection<String> secrets) {
    StringBuilder sb = new StringBuilder();
    Throwable cur = t;
    int depth = 0;
    while (cur != null && depth < 4) {
      if (depth > 0) {
        sb.append(" <- ");
      }
      sb.append(cur.getClass().getSimpleName());
      if (cur.getMessage() != null) {
        sb.append(": ").append(cur.getMessage());
      }
      cur = cur.getCause() == cur ? null : cur.getCause();
      depth++;
    }
    return redact(sb.toString(), secrets);
  }
}
