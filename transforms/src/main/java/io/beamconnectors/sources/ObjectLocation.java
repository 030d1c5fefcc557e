package io.beamconnectors.sources;

import java.util.Objects;

/**
 * Where an object-store file lives, as a {@link ContentRef#location()}: {@code container/key}.
 * Bucket and container names never contain '/', so the first '/' splits them from the key (which
 * may contain any character). Shared by the S3, GCS and Azure sources.
 */
public record ObjectLocation(String container, String key) {
  public ObjectLocation {
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(key, "key");
    if (container.isEmpty() || container.indexOf('/') >= 0) {
      throw new IllegalArgumentException("not a bucket or container name: '" + container + "'");
    }
  }

  public String format() {
    return container + "/" + key;
  }

  public static ObjectLocation parse(String location) {
    int slash = location.indexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException("not a container/key location: " + location);
    }
    return new ObjectLocation(location.substring(0, slash), location.substring(slash + 1));
  }
}
