package io.beamconnectors.sources.objectstore;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.sources.IsoTimes;
import io.beamconnectors.sources.Scope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What every object store's documents mapping shares: scopes, change tokens, times, digests and
 * metadata objects. Pure functions, independent of the machine's time zone and locale.
 */
public final class ObjectDocuments {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ObjectDocuments() {}

  /**
   * The scope of an object: the container, then each non-empty segment of the key before its
   * last '/'. A "folder" placeholder ("a/b/") so lies in "container/a/b", under the prefix unit
   * that lists it.
   */
  public static Scope scope(String container, String key) {
    List<String> segments = new ArrayList<>();
    segments.add(container);
    int last = key.lastIndexOf('/');
    if (last > 0) {
      for (String s : key.substring(0, last).split("/")) {
        segments.add(s);
      }
    }
    return Scope.of(segments.toArray(new String[0]));
  }

  /** The scope of a top-level prefix unit ("photos/" of bucket b is "b/photos"); it covers its objects. */
  public static Scope prefixScope(String container, String prefix) {
    return scope(container, prefix.endsWith("/") ? prefix : prefix + "/");
  }

  /**
   * The change token of an object: its modification time (Python isoformat, UTC), its size and
   * the store's version of its bytes (ETag, MD5 or generation; "" when the store gives none), so
   * an overwrite within the same second with the same size still changes it when the bytes differ.
   */
  public static String token(Instant modified, long size, String version) {
    return (modified == null ? "" : IsoTimes.isoformat(modified)) + ";" + size + ";"
        + (version == null ? "" : version);
  }

  /** The object's {@code _timestamp}: its modification time as Python's isoformat, or null. */
  public static String timestamp(Instant modified) {
    return modified == null ? null : IsoTimes.isoformat(modified);
  }

  /** The MD5 of a string's UTF-8 bytes as 32 lower-case hex digits (the reference's S3 ids). */
  public static String md5Hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is not available", e);
    }
  }

  /** User metadata as a JSON object with its keys in sorted order (stable across listings), or null. */
  public static ObjectNode sortedObject(Map<String, String> metadata) {
    if (metadata == null) {
      return null;
    }
    ObjectNode o = JSON.createObjectNode();
    for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
      o.put(e.getKey(), e.getValue());
    }
    return o;
  }
}
