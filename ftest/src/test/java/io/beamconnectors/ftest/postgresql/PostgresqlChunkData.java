package io.beamconnectors.ftest.postgresql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The chunked-read database ({@code bc_chunks}): keys that a chunked read could get wrong, each
 * table read with {@link #CHUNK_SIZE} rows per chunk. Composite keys (text with case twins and
 * unicode, then sparse integers with zero and negatives), text keys under an ICU collation whose
 * order is not Java's, sparse big integers, a table smaller than a chunk, an empty table, a table
 * of exactly three chunks, and one of many chunks so that every worker gets some.
 */
final class PostgresqlChunkData {
  static final int CHUNK_SIZE = 7;
  /** Rows of {@code exact}: exactly three chunks. */
  static final int EXACT_ROWS = 3 * CHUNK_SIZE;
  static final int MANY_ROWS = 700;
  static final List<String> TABLES = List.of("composite", "texts", "sparse", "small", "empty", "exact", "many");
  static final List<String> TEXTS = List.of("a", "A", "b", "B", "", " ", "a b", "a_b", "a%b", "é", "e", "E", "ö", "o",
      "z", "ß", "ss", "SS", "\uFFFD", "\uD83D\uDE00", "日本", "0", "00", "10", "9", "'", "\"", "a,b", "(1)", "\\x");

  private PostgresqlChunkData() {}

  static void create(Connection c, String syncUser) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("""
          CREATE TABLE composite (region TEXT COLLATE "en-x-icu", n INT, qty INT, PRIMARY KEY (region, n));
          CREATE TABLE texts (k TEXT COLLATE "en-x-icu" PRIMARY KEY, v INT);
          CREATE TABLE sparse (id BIGINT PRIMARY KEY, v TEXT);
          INSERT INTO sparse SELECT i::bigint * i * i * 1000003, 'v' || i FROM generate_series(-20, 20) i;
          INSERT INTO sparse VALUES (9223372036854775807, 'max'), (-9223372036854775808, 'min');
          CREATE TABLE small (id INT PRIMARY KEY, v TEXT);
          INSERT INTO small VALUES (0, 'zero'), (1, 'one'), (2, 'two');
          CREATE TABLE empty (id INT PRIMARY KEY, v TEXT);
          CREATE TABLE exact (id INT PRIMARY KEY, v TEXT);
          CREATE TABLE many (id INT PRIMARY KEY, v TEXT);
          """);
      s.execute("INSERT INTO exact SELECT i, 'v' || i FROM generate_series(1, " + EXACT_ROWS + ") i");
      s.execute("INSERT INTO many SELECT i * 3, 'v' || i FROM generate_series(1, " + MANY_ROWS + ") i");
      s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + syncUser);
    }
    try (PreparedStatement texts = c.prepareStatement("INSERT INTO texts VALUES (?, ?)");
        PreparedStatement composite = c.prepareStatement("INSERT INTO composite VALUES (?, ?, ?)")) {
      int v = 0;
      for (String t : TEXTS) {
        texts.setString(1, t);
        texts.setInt(2, v++);
        texts.addBatch();
      }
      for (String region : List.of("a", "A", "é", "", "a_b")) {
        for (int n : new int[] {-1000, -1, 0, 1, 2, 10, 99, 1000, 1000000, Integer.MAX_VALUE}) {
          composite.setString(1, region);
          composite.setInt(2, n);
          composite.setInt(3, v++);
          composite.addBatch();
        }
      }
      texts.executeBatch();
      composite.executeBatch();
    }
  }

  /** The key texts of every row of {@code table}, as the documented id writes them. */
  static List<String[]> keys(Connection c, String table) throws SQLException {
    String key = switch (table) {
      case "composite" -> "region, n";
      case "texts" -> "k";
      default -> "id";
    };
    List<String[]> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + key + " FROM " + table)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        String[] k = new String[n];
        for (int i = 0; i < n; i++) {
          k[i] = rs.getString(i + 1);
        }
        out.add(k);
      }
    }
    return out;
  }
}
