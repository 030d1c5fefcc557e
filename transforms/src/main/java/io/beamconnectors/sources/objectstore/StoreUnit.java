package io.beamconnectors.sources.objectstore;

import io.beamconnectors.sources.Scope;
import java.util.Objects;

/**
 * One unit of listing work: a container's top level ({@code prefix} empty), or one top-level
 * prefix of it (ending in '/', listed flat). {@code detail} is what the store wants to carry from
 * the container to every record of it (Azure: the container's metadata as JSON); "" when nothing.
 * Travels between stages with {@link StoreUnitCoder}.
 */
public record StoreUnit(String container, String prefix, String detail) {
  public StoreUnit {
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(detail, "detail");
    if (container.isEmpty()) {
      throw new IllegalArgumentException("a unit needs a container name");
    }
  }

  /** The top level of a container. */
  public static StoreUnit root(String container, String detail) {
    return new StoreUnit(container, "", detail);
  }

  /** One top-level prefix of this unit's container, with the same detail. */
  public StoreUnit child(String topLevelPrefix) {
    return new StoreUnit(container, topLevelPrefix, detail);
  }

  public boolean isRoot() {
    return prefix.isEmpty();
  }

  /** The scope a failure of this unit keeps: the container, or the container and the prefix's path. */
  public Scope scope() {
    return isRoot() ? Scope.of(container) : ObjectDocuments.prefixScope(container, prefix);
  }

  @Override
  public String toString() {
    return isRoot() ? container : container + "/" + prefix;
  }
}
