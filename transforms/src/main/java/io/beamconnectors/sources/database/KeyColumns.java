package io.beamconnectors.sources.database;

import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** The types of a table's primary-key columns, as a dialect's catalog gave them, checked for chunking. */
public final class KeyColumns {
  private KeyColumns() {}

  /**
   * The type of each key column of {@code table}, in key order, from {@code typesByColumn}. Fails
   * when a key column is gone (the table changed since it was listed), and when a type does not
   * split a table ({@code splits} false; {@link SQLFeatureNotSupportedException}: the table is then
   * read as one chunk).
   */
  public static List<String> types(ListedTable table, Map<String, String> typesByColumn, Predicate<String> splits)
      throws SQLException {
    List<String> types = new ArrayList<>();
    for (String column : table.primaryKey()) {
      String type = typesByColumn.get(column);
      if (type == null) {
        throw new SQLException("primary-key column " + column + " of table " + table + " no longer exists");
      }
      if (!splits.test(type)) {
        throw new SQLFeatureNotSupportedException("primary-key column " + column + " of table " + table
            + " is of type " + type + ", which chunks are not cut by");
      }
      types.add(type);
    }
    return types;
  }
}
