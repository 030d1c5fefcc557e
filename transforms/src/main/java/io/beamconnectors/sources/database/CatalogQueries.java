package io.beamconnectors.sources.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The catalog lookups every dialect makes the same way, whatever its catalog's SQL. */
public final class CatalogQueries {
  private CatalogQueries() {}

  /** The first column of every row of {@code sql}, run with {@code parameters} bound as text, in order. */
  public static List<String> firstColumn(Connection c, String sql, String... parameters) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        s.setString(i + 1, parameters[i]);
      }
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }
}
