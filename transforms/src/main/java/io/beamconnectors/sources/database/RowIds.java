package io.beamconnectors.sources.database;

import java.util.List;

/**
 * Document ids of rows: the reference's {@code <database>_<schema>_<table>_<pk1>_<pk2>_} (no
 * {@code <schema>_} for dialects without schemas), made injective. Every component is written
 * with {@code %} as {@code %25} and {@code _} as {@code %5F}, so the {@code _} separators are the
 * only underscores left; every key value is written, the "falsy" ones (0, "", false) too, and SQL
 * NULL as {@code %00} (a percent sign in a value is always escaped, so it cannot be confused).
 * An id is therefore equal to the reference's whenever no component contains {@code _} or
 * {@code %} and no key value is falsy, and two different rows never share one.
 */
public final class RowIds {
  static final String NULL_KEY = "%00";

  private RowIds() {}

  /**
   * @param keyTexts the key columns' {@link ColumnValue#keyText()} in primary-key order (null for
   *     SQL NULL)
   */
  public static String id(String database, TableRef table, List<String> keyTexts) {
    StringBuilder sb = new StringBuilder();
    append(sb, database);
    if (!table.schema().isEmpty()) {
      append(sb, table.schema());
    }
    append(sb, table.name());
    for (String key : keyTexts) {
      if (key == null) {
        sb.append(NULL_KEY).append('_');
      } else {
        append(sb, key);
      }
    }
    return sb.toString();
  }

  private static void append(StringBuilder sb, String component) {
    for (int i = 0; i < component.length(); i++) {
      char ch = component.charAt(i);
      if (ch == '%') {
        sb.append("%25");
      } else if (ch == '_') {
        sb.append("%5F");
      } else {
        sb.append(ch);
      }
    }
    sb.append('_');
  }
}
