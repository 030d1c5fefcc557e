package io.beamconnectors.sources.mssql;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.LongNode;
import io.beamconnectors.sources.database.ColumnValue;
import java.math.BigDecimal;
import java.util.HexFormat;
import java.util.Locale;

/**
 * SQL Server values, exact and independent of the JVM's time zone and locale:
 *
 * <ul>
 *   <li>{@code tinyint}..{@code bigint} as JSON integers, {@code bit} as a boolean ({@code True}/
 *       {@code False} in ids, as Python prints them);
 *   <li>{@code decimal}/{@code numeric}/{@code money}/{@code smallmoney} as exact JSON decimals with
 *       the column's scale ({@code 12.50}, money {@code 12.5000}), and always a fraction
 *       ({@code 5.0} for {@code decimal(9,0)}) so Elasticsearch maps them as floating-point numbers;
 *       in ids as Python's {@code str(Decimal)} ({@code 12.50}, {@code 5});
 *   <li>{@code uniqueidentifier} in lower case, as Python's {@code str(UUID)};
 *   <li>{@code binary}/{@code varbinary}/{@code image}/{@code rowversion} as {@code 0x} and upper-case
 *       hex, as SQL Server writes binary literals.
 * </ul>
 */
final class MssqlValues {
  private MssqlValues() {}

  static ColumnValue integer(long v, boolean wasNull) {
    return wasNull ? ColumnValue.sqlNull() : ColumnValue.of(LongNode.valueOf(v), Long.toString(v));
  }

  static ColumnValue bit(boolean b, boolean wasNull) {
    return wasNull ? ColumnValue.sqlNull() : ColumnValue.of(BooleanNode.valueOf(b), b ? "True" : "False");
  }

  static ColumnValue decimal(BigDecimal d) {
    if (d == null) {
      return ColumnValue.sqlNull();
    }
    return ColumnValue.of(DecimalNode.valueOf(d.scale() <= 0 ? d.setScale(1) : d), d.toPlainString());
  }

  static ColumnValue singlePrecision(float f, boolean wasNull) {
    return wasNull ? ColumnValue.sqlNull() : ColumnValue.of(FloatNode.valueOf(f), Float.toString(f));
  }

  static ColumnValue doublePrecision(double d, boolean wasNull) {
    return wasNull ? ColumnValue.sqlNull() : ColumnValue.of(DoubleNode.valueOf(d), Double.toString(d));
  }

  static ColumnValue uuid(String text) {
    return text == null ? ColumnValue.sqlNull() : ColumnValue.text(text.toLowerCase(Locale.ROOT));
  }

  static String hex(byte[] bytes) {
    return "0x" + HexFormat.of().withUpperCase().formatHex(bytes);
  }
}
