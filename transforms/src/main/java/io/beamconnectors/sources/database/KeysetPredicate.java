package io.beamconnectors.sources.database;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The keyset predicate of a chunk for databases without row-value comparison (Oracle, not in every version;
 * SQL Server): {@code (a, b) >= (x, y)} written as {@code a >= x AND (a > x OR b >= y)}, the same
 * rows as {@code a > x OR (a = x AND b >= y)} but with a range on the leading key column that the
 * key's index can seek. Each parameter expression holds exactly one {@code ?} (e.g.
 * {@code CAST(? AS DATE)}); a key column's parameter appears twice for every column but the last,
 * and {@link #bind} sets them in the order {@link #where} wrote them.
 */
public final class KeysetPredicate {
  private KeysetPredicate() {}

  /** Sets one bound value (text of a {@link KeyBinding}) of a key column whose type is {@code keyType}. */
  @FunctionalInterface
  public interface Binder {
    void bind(PreparedStatement statement, int parameter, String keyType, String text) throws SQLException;
  }

  /**
   * {@code WHERE} condition (without the keyword) of a chunk that is not the whole table: the key
   * at or after the chunk's lower bound and before its upper bound, each side only where the chunk
   * has that bound.
   *
   * @param columns the key columns, quoted, in key order
   * @param parameters one parameter expression per key column, each with one {@code ?}
   */
  public static String where(TableChunk chunk, List<String> columns, List<String> parameters) {
    if (chunk.isWholeTable()) {
      throw new IllegalArgumentException(chunk + " is the whole table: it has no keyset predicate");
    }
    if (columns.size() != chunk.table().primaryKey().size() || parameters.size() != columns.size()) {
      throw new IllegalArgumentException("one quoted column and one parameter per key column of " + chunk.table()
          + " " + chunk.table().primaryKey() + ": got " + columns + " and " + parameters);
    }
    for (String p : parameters) {
      if (p.indexOf('?') != p.lastIndexOf('?') || p.indexOf('?') < 0) {
        throw new IllegalArgumentException("a parameter expression needs exactly one '?': " + p);
      }
    }
    List<String> conditions = new ArrayList<>(2);
    if (!chunk.lower().isEmpty()) {
      conditions.add("(" + compare(columns, parameters, 0, ">=", ">") + ")");
    }
    if (!chunk.upper().isEmpty()) {
      conditions.add("(" + compare(columns, parameters, 0, "<", "<") + ")");
    }
    return String.join(" AND ", conditions);
  }

  /**
   * Columns {@code from..n} compared with their parameters: the last column with {@code last}, each
   * earlier one as {@code c >=/<= p AND (c >/< p OR <the rest>)}.
   */
  private static String compare(List<String> columns, List<String> parameters, int from, String last, String strict) {
    String c = columns.get(from);
    String p = parameters.get(from);
    if (from == columns.size() - 1) {
      return c + " " + last + " " + p;
    }
    String loose = strict.equals(">") ? ">=" : "<=";
    return c + " " + loose + " " + p + " AND (" + c + " " + strict + " " + p + " OR "
        + compare(columns, parameters, from + 1, last, strict) + ")";
  }

  /** The key column (0-based) of each {@code ?} of one side of {@link #where}, in order: 0, 0, 1, 1, ..., n-1. */
  public static List<Integer> parameterColumns(int keyColumns) {
    List<Integer> out = new ArrayList<>(2 * keyColumns);
    for (int i = 0; i < keyColumns; i++) {
      out.add(i);
      if (i < keyColumns - 1) {
        out.add(i);
      }
    }
    return out;
  }

  /** Binds the chunk's bounds to the parameters of {@link #where}: the lower side's, then the upper side's. */
  public static void bind(PreparedStatement statement, TableChunk chunk, Binder binder) throws SQLException {
    int parameter = 1;
    List<Integer> order = parameterColumns(chunk.table().primaryKey().size());
    for (List<String> bound : List.of(chunk.lower(), chunk.upper())) {
      if (bound.isEmpty()) {
        continue;
      }
      for (int column : order) {
        binder.bind(statement, parameter++, chunk.keyTypes().get(column), bound.get(column));
      }
    }
  }
}
