package io.beamconnectors.sources;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Elasticsearch rejects an {@code _id} longer than 512 bytes. As the reference does, such an id is
 * replaced by the MD5 hex digest of it (32 characters), so the item is still indexed and stays
 * stable across syncs.
 */
public final class DocumentIds {
  public static final int MAX_ID_BYTES = 512;

  private DocumentIds() {}

  public static String normalize(String id) {
    if (id.length() * 3 <= MAX_ID_BYTES || id.getBytes(StandardCharsets.UTF_8).length <= MAX_ID_BYTES) {
      return id;
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(id.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
