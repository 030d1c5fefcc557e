package io.beamconnectors.sources;

import java.io.Serializable;
import java.util.Objects;

/**
 * A part of a source, as a '/'-separated path: "" is the whole source, "public" a schema,
 * "public/customers" a table, "bucket/photos" a prefix. A listing failure of a scope blocks the
 * deletes of every document whose scope is that scope or lies under it.
 */
public final class Scope implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Scope WHOLE_SOURCE = new Scope("");

  private final String path;

  private Scope(String path) {
    this.path = path;
  }

  public static Scope wholeSource() {
    return WHOLE_SOURCE;
  }

  /** A scope from path segments; empty segments are dropped, '/' inside a segment is kept as is. */
  public static Scope of(String... segments) {
    StringBuilder sb = new StringBuilder();
    for (String s : segments) {
      if (s == null || s.isEmpty()) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(s);
    }
    return sb.length() == 0 ? WHOLE_SOURCE : new Scope(sb.toString());
  }

  public static Scope parse(String path) {
    return path == null || path.isEmpty() ? WHOLE_SOURCE : new Scope(path);
  }

  public String path() {
    return path;
  }

  /** True when {@code other} is this scope or lies under it. */
  public boolean covers(String other) {
    if (path.isEmpty()) {
      return true;
    }
    if (other == null) {
      return false;
    }
    return other.equals(path) || other.startsWith(path + "/");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Scope s && s.path.equals(path);
  }

  @Override
  public int hashCode() {
    return Objects.hash(path);
  }

  @Override
  public String toString() {
    return path.isEmpty() ? "<whole source>" : path;
  }
}
