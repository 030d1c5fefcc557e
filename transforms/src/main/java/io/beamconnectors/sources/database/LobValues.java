package io.beamconnectors.sources.database;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.function.Function;

/**
 * Large values (CLOB, BLOB, {@code varchar(max)}, {@code varbinary(max)}, XML) read as a stream
 * with a size cap, so one huge value never has to fit in memory twice and never makes a document
 * Elasticsearch refuses. A value within the cap is exact; a value over it is replaced by the text
 * {@code sha256:<hex> (<n> bytes, over the <cap>-byte cap)}, computed over the whole stream: it is
 * deterministic and changes whenever the value changes, so change detection stays exact.
 */
public final class LobValues {
  /** The largest value kept as is: 1 MiB (of UTF-8 text, or of bytes). */
  public static final int CAP_BYTES = 1 << 20;

  private LobValues() {}

  /** Text from {@code reader} (null: SQL NULL), exact up to {@code capBytes} UTF-8 bytes. */
  public static ColumnValue text(Reader reader, int capBytes) throws SQLException {
    if (reader == null) {
      return ColumnValue.sqlNull();
    }
    try (Reader r = reader) {
      StringBuilder kept = new StringBuilder();
      MessageDigest digest = sha256();
      long bytes = 0;
      boolean over = false;
      char[] buffer = new char[8192];
      int n;
      char pendingHigh = 0;
      while ((n = r.read(buffer)) > 0) {
        // Encode whole code points only: a surrogate pair may span two reads.
        StringBuilder chunk = new StringBuilder(n + 1);
        if (pendingHigh != 0) {
          chunk.append(pendingHigh);
          pendingHigh = 0;
        }
        chunk.append(buffer, 0, n);
        if (Character.isHighSurrogate(chunk.charAt(chunk.length() - 1))) {
          pendingHigh = chunk.charAt(chunk.length() - 1);
          chunk.setLength(chunk.length() - 1);
        }
        byte[] utf8 = chunk.toString().getBytes(StandardCharsets.UTF_8);
        digest.update(utf8);
        bytes += utf8.length;
        if (!over) {
          if (bytes <= capBytes) {
            kept.append(chunk);
          } else {
            over = true;
            kept.setLength(0);
          }
        }
      }
      if (pendingHigh != 0) {
        byte[] utf8 = String.valueOf(pendingHigh).getBytes(StandardCharsets.UTF_8);
        digest.update(utf8);
        bytes += utf8.length;
        if (!over && bytes <= capBytes) {
          kept.append(pendingHigh);
        } else {
          over = true;
        }
      }
      return over ? ColumnValue.text(overCap(digest, bytes, capBytes)) : ColumnValue.text(kept.toString());
    } catch (IOException e) {
      throw new SQLException("reading a large text value failed: " + e.getMessage(), e);
    }
  }

  /**
   * Bytes from {@code in} (null: SQL NULL), exact up to {@code capBytes}, written as text by
   * {@code format} (each dialect prints binary its database's way).
   */
  public static ColumnValue bytes(InputStream in, int capBytes, Function<byte[], String> format) throws SQLException {
    if (in == null) {
      return ColumnValue.sqlNull();
    }
    try (InputStream s = in) {
      ByteArrayOutputStream kept = new ByteArrayOutputStream();
      MessageDigest digest = sha256();
      long bytes = 0;
      boolean over = false;
      byte[] buffer = new byte[8192];
      int n;
      while ((n = s.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
        bytes += n;
        if (!over) {
          if (bytes <= capBytes) {
            kept.write(buffer, 0, n);
          } else {
            over = true;
            kept.reset();
          }
        }
      }
      return ColumnValue.text(over ? overCap(digest, bytes, capBytes) : format.apply(kept.toByteArray()));
    } catch (IOException e) {
      throw new SQLException("reading a large binary value failed: " + e.getMessage(), e);
    }
  }

  static String overCap(MessageDigest digest, long bytes, int capBytes) {
    return "sha256:" + HexFormat.of().formatHex(digest.digest()) + " (" + bytes + " bytes, over the "
        + capBytes + "-byte cap)";
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
