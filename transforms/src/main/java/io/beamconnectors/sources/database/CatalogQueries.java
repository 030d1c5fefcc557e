package io.beamconnectors.sources.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The catalog lookups every dialect makes the same way, whatever its catalog's SQL. */
public final class CatalogQueries {
  private CatalogQueries() {}

  /** Turns the current row of a catalog query into a value. */
  @FunctionalInterface
  public interface RowValue<T> {
    T of(ResultSet row) throws SQLException;
  }

  /** The first column of every row of {@code sql}, run with {@code parameters} bound as text, in order. */
  public static List<String> firstColumn(Connection c, String sql, String... parameters) throws SQLException {
    return rows(c, sql, row -> row.getString(1), parameters);
  }

  /** Every row of {@code sql} as {@code value} makes it, keyed by its first column; parameters bound as text. */
  public static Map<String, String> byFirstColumn(Connection c, String sql, RowValue<String> value, String... parameters)
      throws SQLException {
    Map<String, String> out = new HashMap<>();
    for (String[] pair : rows(c, sql, row -> new String[] {row.getString(1), value.of(row)}, parameters)) {
      out.put(pair[0], pair[1]);
    }
    return out;
  }

  private static <T> List<T> rows(Connection c, String sql, RowValue<T> value, String... parameters) throws SQLException {
    List<T> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        s.setString(i + 1, parameters[i]);
      }
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(value.of(rs));
        }
      }
    }
    return out;
  }
}
