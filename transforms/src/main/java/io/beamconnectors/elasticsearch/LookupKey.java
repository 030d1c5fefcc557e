package io.beamconnectors.elasticsearch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The value of {@link IndexFields#LOOKUP}: what a lookup needs of a document, its id and change
 * token, in one binary doc value, as Base64 in the document (how Elasticsearch takes a
 * {@code binary} field) and in a search's {@code docvalue_fields}. A lookup that reads this one
 * value per hit costs Elasticsearch about a third less CPU than one reading the keyword doc values
 * {@code id} and {@code _token} (measured in {@code docs/benchmarks.md}, nineteenth round).
 *
 * <p>Kept small, since every document carries it twice (in {@code _source} and as a doc value):
 * the id is there as a 64-bit hash ({@link #idHash}), which a lookup matches against the ids it
 * asked for (a search only ever hits ids it asked for, and a batch whose ids share a hash is
 * searched the older way, so a hash never stands for two ids); the token's fingerprint as its 16
 * bytes rather than 32 hex digits.
 * Layout: a format byte, the id hash (8 bytes, big-endian), then for format {@code 1} the
 * fingerprint's 16 bytes and the source token before it ({@code <source token>#<32 hex digits>},
 * see {@link StoredToken}), UTF-8; for format {@code 2} (any other token, such as
 * {@link StoredToken#RETRY}) the token itself, UTF-8. A row's value is 25 bytes, 36 in Base64.
 */
public final class LookupKey {
  static final byte FINGERPRINTED = 1;
  static final byte VERBATIM = 2;
  /** The token's fingerprint, as {@link StoredToken} writes it. */
  private static final int FINGERPRINT_BYTES = StoredToken.FINGERPRINT_BYTES;
  private static final HexFormat HEX = HexFormat.of();

  private LookupKey() {}

  /** The id and token as they appear in a document. */
  public static String encode(String id, String token) {
    byte[] fingerprint = fingerprint(token);
    String head = fingerprint == null ? token : token.substring(0, token.length() - 2 * FINGERPRINT_BYTES - 1);
    byte[] rest = head.getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(1 + 8 + (fingerprint == null ? 0 : FINGERPRINT_BYTES) + rest.length);
    out.put(fingerprint == null ? VERBATIM : FINGERPRINTED).putLong(idHash(id));
    if (fingerprint != null) {
      out.put(fingerprint);
    }
    out.put(rest);
    return Base64.getEncoder().encodeToString(out.array());
  }

  /** The 16 bytes of a token's fingerprint when it ends in {@code #} and 32 lower-case hex digits; null otherwise. */
  private static byte[] fingerprint(String token) {
    int hash = token.length() - 2 * FINGERPRINT_BYTES - 1;
    if (hash < 0 || token.charAt(hash) != StoredToken.SEPARATOR) {
      return null;
    }
    for (int i = hash + 1; i < token.length(); i++) {
      char c = token.charAt(i);
      if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
        return null;
      }
    }
    return HEX.parseHex(token, hash + 1, token.length());
  }

  /**
   * A 64-bit hash of the id's UTF-8 bytes, the same on every machine and JVM (it is stored): FNV-1a,
   * then MurmurHash3's final mix so that ids differing in one character differ in every bit. Not
   * cryptographic, and it need not be: a batch whose ids collide is searched the older way.
   */
  public static long idHash(String id) {
    long h = 0xcbf29ce484222325L;
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xFF;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /** An id's hash and its token, read back. */
  public record Entry(long idHash, String token) {}

  /** The id hash and token of a value written by {@link #encode}; null for any other value. */
  public static Entry decode(String base64) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (bytes.length < 9 || (bytes[0] != FINGERPRINTED && bytes[0] != VERBATIM)) {
      return null;
    }
    long idHash = ByteBuffer.wrap(bytes, 1, 8).getLong();
    if (bytes[0] == VERBATIM) {
      return new Entry(idHash, new String(bytes, 9, bytes.length - 9, StandardCharsets.UTF_8));
    }
    if (bytes.length < 9 + FINGERPRINT_BYTES) {
      return null;
    }
    int head = 9 + FINGERPRINT_BYTES;
    return new Entry(idHash, new String(bytes, head, bytes.length - head, StandardCharsets.UTF_8)
        + StoredToken.SEPARATOR + HEX.formatHex(bytes, 9, head));
  }
}
