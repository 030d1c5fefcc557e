package io.beamconnectors.sources.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one query every dialect finds chunk boundaries with: the table's keys numbered in key order
 * ({@code ROW_NUMBER() OVER (ORDER BY <key>)}, which a database answers from the key's index), of
 * which every {@code rowsPerChunk}-th after the first is kept with a modulo filter; never OFFSET.
 * What differs per dialect is only quoting, the FROM clause, the modulo's spelling and how a key
 * value is read.
 */
public final class ChunkBoundaries {
  private ChunkBoundaries() {}

  /** Reads key column {@code column} (1-based) of a boundary row, whose type is {@code keyType}, as text. */
  @FunctionalInterface
  public interface KeyReader {
    String read(ResultSet row, int column, String keyType) throws SQLException;
  }

  /**
   * The starts of every chunk but the first: keys number 1 + n, 1 + 2n, ... in key order, one
   * {@code ?} (n). Its columns are renamed ({@code bc_k1..}, {@code bc_row}), so no key column name
   * can collide with the query's own.
   *
   * @param quotedKey the key columns, quoted, in key order
   * @param from the table as the FROM clause names it
   * @param subqueryAlias how the dialect names a derived table, e.g. {@code AS numbered} or {@code numbered}
   * @param modulo the dialect's {@code (bc_row - 1) mod ?}, e.g. {@code (bc_row - 1) % ?} or {@code MOD(bc_row - 1, ?)}
   */
  public static String query(List<String> quotedKey, String from, String subqueryAlias, String modulo) {
    List<String> selected = new ArrayList<>();
    List<String> aliases = new ArrayList<>();
    for (int i = 0; i < quotedKey.size(); i++) {
      aliases.add("bc_k" + (i + 1));
      selected.add(quotedKey.get(i) + " AS bc_k" + (i + 1));
    }
    String key = String.join(", ", quotedKey);
    return "SELECT " + String.join(", ", aliases) + " FROM (SELECT " + String.join(", ", selected)
        + ", ROW_NUMBER() OVER (ORDER BY " + key + ") AS bc_row FROM " + from + ") " + subqueryAlias
        + " WHERE bc_row > 1 AND " + modulo + " = 0 ORDER BY bc_row";
  }

  /** Runs {@code sql} (from {@link #query}) with n = {@code rowsPerChunk} and reads the starts. */
  public static KeyBoundaries find(Connection c, String sql, long rowsPerChunk, List<String> keyTypes, KeyReader reader)
      throws SQLException {
    if (rowsPerChunk < 1) {
      throw new IllegalArgumentException("rowsPerChunk must be 1 or more: got " + rowsPerChunk);
    }
    List<List<String>> starts = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, rowsPerChunk);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          List<String> start = new ArrayList<>(keyTypes.size());
          for (int i = 0; i < keyTypes.size(); i++) {
            start.add(reader.read(rs, i + 1, keyTypes.get(i)));
          }
          starts.add(start);
        }
      }
    }
    return new KeyBoundaries(keyTypes, starts);
  }
}
