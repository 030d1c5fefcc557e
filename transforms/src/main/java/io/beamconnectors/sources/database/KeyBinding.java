package io.beamconnectors.sources.database;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.HexFormat;

/**
 * How a primary-key value travels from a chunk-boundary query to the parameters of a chunk query
 * in the key column's own type: read from the boundary row into a text that names the value
 * exactly and independently of session settings (no NLS or language formats), and bound back with
 * the JDBC setter of that type, so the database compares the key column with a value of its own
 * type (no implicit conversion of the column, which would change its order or lose its index).
 */
public enum KeyBinding {
  /** Whole numbers up to 64 bits: {@code setLong}. */
  INTEGER {
    @Override
    String readPresent(ResultSet row, int column) throws SQLException {
      long v = row.getLong(column);
      return row.wasNull() ? null : Long.toString(v);
    }

    @Override
    public void bind(PreparedStatement statement, int parameter, String text) throws SQLException {
      statement.setLong(parameter, Long.parseLong(text));
    }
  },
  /** Exact decimals, scale kept: {@code setBigDecimal}. */
  DECIMAL {
    @Override
    String readPresent(ResultSet row, int column) throws SQLException {
      BigDecimal v = row.getBigDecimal(column);
      return v == null ? null : v.toString();
    }

    @Override
    public void bind(PreparedStatement statement, int parameter, String text) throws SQLException {
      statement.setBigDecimal(parameter, new BigDecimal(text));
    }
  },
  /** Character strings of the database character set: {@code setString}. */
  TEXT {
    @Override
    String readPresent(ResultSet row, int column) throws SQLException {
      return row.getString(column);
    }

    @Override
    public void bind(PreparedStatement statement, int parameter, String text) throws SQLException {
      statement.setString(parameter, text);
    }
  },
  /** National (Unicode) character strings: {@code setNString}. */
  NATIONAL_TEXT {
    @Override
    String readPresent(ResultSet row, int column) throws SQLException {
      return row.getNString(column);
    }

    @Override
    public void bind(PreparedStatement statement, int parameter, String text) throws SQLException {
      statement.setNString(parameter, text);
    }
  },
  /** Dates without time: {@code setObject(LocalDate)}. */
  DATE {
    @Override
    String readPresent(ResultSet row, int column) throws SQLException {
      LocalDate v = row.getObject(column, LocalDate.class);
      return v == null ? null : v.toString();
    }

    @Override
    public void bind(PreparedStatement statement, int parameter, String text) throws SQLException {
      statement.setObject(parameter, LocalDate.parse(text));
    }
  },
  /** Dates with a time of day, no zone, to the nanosecond: {@code setObject(LocalDateTime)}. */
  DATE_TIME {
    @Override
    String readPresent(ResultSet row, int column) throws SQLException {
      LocalDateTime v = row.getObject(column, LocalDateTime.class);
      return v == null ? null : v.toString();
    }

    @Override
    public void bind(PreparedStatement statement, int parameter, String text) throws SQLException {
      statement.setObject(parameter, LocalDateTime.parse(text));
    }
  },
  /** Binary strings, as lowercase hex: {@code setBytes}. */
  BYTES {
    @Override
    String readPresent(ResultSet row, int column) throws SQLException {
      byte[] v = row.getBytes(column);
      return v == null ? null : HexFormat.of().formatHex(v);
    }

    @Override
    public void bind(PreparedStatement statement, int parameter, String text) throws SQLException {
      statement.setBytes(parameter, HexFormat.of().parseHex(text));
    }
  };

  abstract String readPresent(ResultSet row, int column) throws SQLException;

  /**
   * The key value in column {@code column} of the current row as this binding's text. A primary
   * key has no NULLs: one fails (the table is then read as one chunk).
   */
  public String read(ResultSet row, int column) throws SQLException {
    String text = readPresent(row, column);
    if (text == null) {
      throw new SQLException("primary-key column " + column + " of a chunk boundary is NULL");
    }
    return text;
  }

  /** Sets parameter {@code parameter} (1-based) to the value {@code text} names, in this binding's type. */
  public abstract void bind(PreparedStatement statement, int parameter, String text) throws SQLException;
}
