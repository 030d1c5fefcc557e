package io.beamconnectors.sources.postgresql;

import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.beamconnectors.sources.database.ColumnValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL values from their text form, which the session pins (UTC, ISO dates, ISO 8601
 * intervals, hex bytea, C money, shortest exact floats: see {@link PostgresqlDialect}), so nothing
 * depends on the JVM's time zone or locale and no value is rounded:
 *
 * <ul>
 *   <li>integers and {@code numeric} as JSON numbers, {@code numeric} with its scale ({@code 12.50})
 *       and always a fraction ({@code 5.0}, so Elasticsearch maps the column as a floating-point number);
 *   <li>{@code float4}/{@code float8} as JSON numbers; NaN and infinities (also of {@code numeric},
 *       dates and timestamps) as {@link ColumnValue#nonFinite};
 *   <li>{@code bool} as a JSON boolean ({@code True}/{@code False} in ids, as Python prints them);
 *   <li>{@code timestamp} as Python's {@code isoformat()} ({@code 2024-03-01T10:15:30.500000}),
 *       {@code timestamptz} in UTC with its offset ({@code ...+00:00}); in ids with a space, as
 *       Python's {@code str()}; {@code time}/{@code timetz} likewise;
 *   <li>arrays element by element (multi-dimensional ones nested);
 *   <li>everything else (text, {@code bytea} as {@code \x0a1b}, {@code json}/{@code jsonb} text,
 *       {@code uuid}, {@code interval}, {@code money}, enums...) as PostgreSQL prints it.
 * </ul>
 */
final class PostgresqlValues {
  private static final Pattern TIMESTAMP = Pattern.compile(
      "(\\d{4,}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2})(?:\\.(\\d{1,6}))?([+-]\\d{2}(?::\\d{2}(?::\\d{2})?)?)?");
  private static final Pattern TIME = Pattern.compile(
      "(\\d{2}:\\d{2}:\\d{2})(?:\\.(\\d{1,6}))?([+-]\\d{2}(?::\\d{2}(?::\\d{2})?)?)?");

  private PostgresqlValues() {}

  /** The value of a column of type {@code type} (pgJDBC's type name, {@code _int4} for arrays) from its text. */
  static ColumnValue fromText(String text, String type) {
    if (text == null) {
      return ColumnValue.sqlNull();
    }
    if (type.startsWith("_") && !type.equals("_box")) {
      List<Object> elements = PgArrayLiteral.parse(text);
      if (elements != null) {
        return array(elements, type.substring(1));
      }
      return ColumnValue.text(text); // explicit lower bounds ([0:2]={...}): kept exactly as text
    }
    switch (type) {
      case "int2":
      case "int4":
      case "int8":
      case "oid":
        BigInteger i = new BigInteger(text);
        return ColumnValue.of(i.bitLength() < 64 ? LongNode.valueOf(i.longValue()) : BigIntegerNode.valueOf(i), text);
      case "numeric":
        if (isNonFinite(text)) {
          return ColumnValue.nonFinite(text);
        }
        return ColumnValue.of(DecimalNode.valueOf(withFraction(new BigDecimal(text))), text);
      case "float4":
        if (isNonFinite(text)) {
          return ColumnValue.nonFinite(text);
        }
        float f = Float.parseFloat(text);
        return ColumnValue.of(FloatNode.valueOf(f), Float.toString(f));
      case "float8":
        if (isNonFinite(text)) {
          return ColumnValue.nonFinite(text);
        }
        double d = Double.parseDouble(text);
        return ColumnValue.of(DoubleNode.valueOf(d), Double.toString(d));
      case "bool":
        boolean b = text.equals("t") || text.equals("true");
        return ColumnValue.of(BooleanNode.valueOf(b), b ? "True" : "False");
      case "timestamp":
      case "timestamptz":
        return timestamp(text);
      case "date":
        return isInfinite(text) ? ColumnValue.nonFinite(text) : ColumnValue.text(text);
      case "time":
      case "timetz":
        return time(text);
      default:
        return ColumnValue.text(text);
    }
  }

  private static ColumnValue array(List<Object> elements, String elementType) {
    List<ColumnValue> values = new ArrayList<>(elements.size());
    for (Object e : elements) {
      if (e instanceof List<?> nested) {
        @SuppressWarnings("unchecked")
        List<Object> inner = (List<Object>) nested;
        values.add(array(inner, elementType));
      } else {
        values.add(fromText((String) e, elementType));
      }
    }
    return ColumnValue.array(values);
  }

  /**
   * A {@code numeric} always with a fraction ({@code 5} as {@code 5.0}), as the reference's floats
   * had: Elasticsearch maps a field by its first value, and a {@code long} mapping would reject
   * the column's later fractional or huge values. The value is unchanged; a scale other than 0 is
   * kept as is ({@code 12.50}).
   */
  static BigDecimal withFraction(BigDecimal d) {
    return d.scale() <= 0 ? d.setScale(1) : d;
  }

  private static boolean isNonFinite(String text) {
    return text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity");
  }

  private static boolean isInfinite(String text) {
    return text.equals("infinity") || text.equals("-infinity");
  }

  /** {@code 2024-03-01 10:15:30.5+00} -> field {@code 2024-03-01T10:15:30.500000+00:00}, id with a space. */
  static ColumnValue timestamp(String text) {
    if (isInfinite(text)) {
      return ColumnValue.nonFinite(text);
    }
    Matcher m = TIMESTAMP.matcher(text);
    if (!m.matches()) {
      return ColumnValue.text(text); // BC dates: PostgreSQL's own text, exact
    }
    String rest = m.group(2) + micros(m.group(3)) + offset(m.group(4));
    return ColumnValue.of(TextNode.valueOf(m.group(1) + "T" + rest), m.group(1) + " " + rest);
  }

  static ColumnValue time(String text) {
    Matcher m = TIME.matcher(text);
    if (!m.matches()) {
      return ColumnValue.text(text);
    }
    return ColumnValue.text(m.group(1) + micros(m.group(2)) + offset(m.group(3)));
  }

  /** Python prints microseconds as six digits, and none when they are zero (PostgreSQL then prints none). */
  private static String micros(String fraction) {
    if (fraction == null) {
      return "";
    }
    return "." + fraction + "000000".substring(fraction.length());
  }

  /** Python prints an offset as {@code +HH:MM}; PostgreSQL leaves out zero minutes. */
  private static String offset(String offset) {
    if (offset == null) {
      return "";
    }
    return offset.length() == 3 ? offset + ":00" : offset;
  }
}
