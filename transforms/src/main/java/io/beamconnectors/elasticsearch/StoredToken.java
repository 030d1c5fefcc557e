package io.beamconnectors.elasticsearch;

import io.beamconnectors.sources.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The change token the engine stores in {@code _token} and compares as an exact string: the
 * source's own token (what the fields cannot show, such as a file's modification time, size and
 * ETag) followed by a fingerprint of the record's scope and fields. Any change of an indexed
 * field or of the scope therefore updates the document, even when the source's token did not move
 * (a folder moved with its files, a renamed column, a changed owner). Where the source fingerprints
 * its fields itself ({@link io.beamconnectors.sources.DeferredFields}, database rows), that
 * fingerprint is digested instead of the fields' JSON.
 */
public final class StoredToken {
  /** Separates the source token from the fingerprint; the fingerprint is fixed-width hex. */
  static final char SEPARATOR = '#';
  /** The fingerprint's bytes (the first of its SHA-256), written as twice as many hex digits. */
  static final int FINGERPRINT_BYTES = 16;
  /**
   * Stored for an item whose content could not be fetched or extracted this time (a transient
   * failure): never equal to a computed token, so the next sync fetches the item again.
   */
  public static final String RETRY = "retry";

  private StoredToken() {}

  public static String of(SourceRecord record) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    sha.update(record.scope().getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
    // A source that fingerprints its own fields (DeferredFields) saves writing their JSON: its
    // fingerprint (hex digits) stands for the JSON (an object, so never the same text).
    String fields = record.fieldsFingerprint() != null ? record.fieldsFingerprint() : record.fieldsJson();
    sha.update(fields.getBytes(StandardCharsets.UTF_8));
    byte[] digest = sha.digest();
    // 128 bits are plenty to tell two versions of one item apart.
    return record.token() + SEPARATOR + HexFormat.of().formatHex(digest, 0, FINGERPRINT_BYTES);
  }
}
