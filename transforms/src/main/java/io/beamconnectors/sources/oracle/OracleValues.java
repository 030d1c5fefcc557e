package io.beamconnectors.sources.oracle;

import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.LongNode;
import io.beamconnectors.sources.database.ColumnValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HexFormat;

/**
 * Oracle values, exact and independent of the JVM's time zone and locale (read through typed
 * getters, never through NLS-formatted text):
 *
 * <ul>
 *   <li>{@code NUMBER(p,0)} (and {@code INTEGER}) as a JSON integer; every other {@code NUMBER}
 *       (with a scale, without precision, {@code FLOAT}) as an exact JSON decimal that always has a
 *       fraction ({@code 5.0}, {@code 12.5}: Oracle keeps no trailing zeros), so Elasticsearch maps
 *       the column as a floating-point number whatever value comes first; in ids as Python printed
 *       the reference driver's int or float ({@code 5}, {@code 12.5});
 *   <li>{@code BINARY_FLOAT}/{@code BINARY_DOUBLE} as JSON numbers, NaN and infinities as
 *       {@link ColumnValue#nonFinite};
 *   <li>{@code RAW}/{@code LONG RAW}/{@code BLOB} as upper-case hex, as {@code RAWTOHEX} prints it.
 * </ul>
 */
final class OracleValues {
  private OracleValues() {}

  /**
   * A {@code NUMBER} whose column was declared with {@code precision} and {@code scale} (the
   * driver's metadata: precision 0 and scale -127 for a {@code NUMBER} without precision, scale
   * -127 for {@code FLOAT}). {@code precision} is not needed to decide: kept for the caller's clarity.
   */
  static ColumnValue number(BigDecimal value, int precision, int scale) {
    if (value == null) {
      return ColumnValue.sqlNull();
    }
    BigDecimal stripped = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
    // Declared scale 0: NUMBER(p,0), and INTEGER (NUMBER(*,0), which may report precision 0). A
    // NUMBER without precision or scale, FLOAT and computed values report scale -127.
    if (scale == 0 && stripped.scale() <= 0) {
      BigInteger i = stripped.toBigIntegerExact();
      return ColumnValue.of(i.bitLength() < 64 ? LongNode.valueOf(i.longValue()) : BigIntegerNode.valueOf(i),
          i.toString());
    }
    BigDecimal json = stripped.scale() <= 0 ? stripped.setScale(1) : stripped;
    // Python's str() of the reference driver's value: an int when the value is whole, else a float.
    String key = stripped.scale() <= 0 ? stripped.toBigIntegerExact().toString() : stripped.toPlainString();
    return ColumnValue.of(DecimalNode.valueOf(json), key);
  }

  static ColumnValue binaryFloat(float f, boolean wasNull) {
    if (wasNull) {
      return ColumnValue.sqlNull();
    }
    if (Float.isNaN(f) || Float.isInfinite(f)) {
      return ColumnValue.nonFinite(nonFiniteWord(f));
    }
    return ColumnValue.of(FloatNode.valueOf(f), Float.toString(f));
  }

  static ColumnValue binaryDouble(double d, boolean wasNull) {
    if (wasNull) {
      return ColumnValue.sqlNull();
    }
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return ColumnValue.nonFinite(nonFiniteWord(d));
    }
    return ColumnValue.of(DoubleNode.valueOf(d), Double.toString(d));
  }

  private static String nonFiniteWord(double d) {
    return Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
  }

  static ColumnValue bool(boolean b, boolean wasNull) {
    if (wasNull) {
      return ColumnValue.sqlNull();
    }
    return ColumnValue.of(BooleanNode.valueOf(b), b ? "True" : "False");
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().withUpperCase().formatHex(bytes);
  }

  static ColumnValue raw(byte[] bytes) {
    return bytes == null ? ColumnValue.sqlNull() : ColumnValue.text(hex(bytes));
  }
}
