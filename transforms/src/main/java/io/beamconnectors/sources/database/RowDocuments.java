package io.beamconnectors.sources.database;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Clob;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Turns a row into a document the reference's way: fields named {@code <schema>_<table>_<column>}
 * in lower case, plus {@code Database}, {@code Table} and {@code schema}; the id
 * {@code <database>_<schema>_<table>_<pk1>_<pk2>_} with falsy key values (null, "", 0, false) left
 * out as the reference does; and a per-row change token, a hash of the row's fields.
 */
public final class RowDocuments {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

  private RowDocuments() {}

  public static String fieldPrefix(TableRef table) {
    return (table.schema().isEmpty() ? "" : table.schema() + "_") + table.name() + "_";
  }

  public static String fieldName(TableRef table, String column) {
    return (fieldPrefix(table) + column).toLowerCase(Locale.ROOT);
  }

  public static String id(String database, TableRef table, List<Object> keyValues) {
    StringBuilder sb = new StringBuilder(database).append('_');
    if (!table.schema().isEmpty()) {
      sb.append(table.schema()).append('_');
    }
    sb.append(table.name()).append('_');
    for (Object v : keyValues) {
      if (!isFalsy(v)) {
        sb.append(idText(v)).append('_');
      }
    }
    return sb.toString();
  }

  private static String idText(Object v) {
    if (v instanceof BigDecimal d) {
      return d.stripTrailingZeros().toPlainString();
    }
    return String.valueOf(v);
  }

  static boolean isFalsy(Object v) {
    if (v == null) {
      return true;
    }
    if (v instanceof String s) {
      return s.isEmpty();
    }
    if (v instanceof Boolean b) {
      return !b;
    }
    if (v instanceof BigDecimal d) {
      return d.signum() == 0;
    }
    if (v instanceof Number n) {
      return n.doubleValue() == 0.0;
    }
    return false;
  }

  /** Adds a JDBC value to a JSON object under {@code name}, converted as the reference serializes it. */
  public static void put(ObjectNode doc, String name, Object v) throws SQLException {
    if (v == null) {
      doc.putNull(name);
    } else if (v instanceof String s) {
      doc.put(name, s);
    } else if (v instanceof Integer i) {
      doc.put(name, i);
    } else if (v instanceof Long l) {
      doc.put(name, l);
    } else if (v instanceof Short s) {
      doc.put(name, s);
    } else if (v instanceof BigDecimal d) {
      doc.put(name, d);
    } else if (v instanceof BigInteger b) {
      doc.put(name, b);
    } else if (v instanceof Double d) {
      doc.put(name, d);
    } else if (v instanceof Float f) {
      doc.put(name, f);
    } else if (v instanceof Boolean b) {
      doc.put(name, b);
    } else if (v instanceof java.sql.Timestamp t) {
      doc.put(name, isoformat(t.toLocalDateTime()));
    } else if (v instanceof LocalDateTime t) {
      doc.put(name, isoformat(t));
    } else if (v instanceof OffsetDateTime t) {
      doc.put(name, t.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    } else if (v instanceof java.sql.Date d) {
      doc.put(name, d.toLocalDate().toString());
    } else if (v instanceof LocalDate d) {
      doc.put(name, d.toString());
    } else if (v instanceof java.sql.Time t) {
      doc.put(name, t.toLocalTime().toString());
    } else if (v instanceof LocalTime t) {
      doc.put(name, t.toString());
    } else if (v instanceof byte[] b) {
      doc.put(name, new String(b, StandardCharsets.UTF_8).replace("\uFFFD", ""));
    } else if (v instanceof Clob c) {
      doc.put(name, c.getSubString(1, (int) Math.min(Integer.MAX_VALUE, c.length())));
    } else if (v instanceof Array a) {
      ArrayNode arr = doc.putArray(name);
      Object[] items = (Object[]) a.getArray();
      ObjectNode tmp = JSON.createObjectNode();
      for (Object item : items) {
        put(tmp, "v", item);
        arr.add(tmp.get("v"));
      }
    } else {
      doc.put(name, v.toString());
    }
  }

  /** Python's {@code datetime.isoformat()}: seconds always, microseconds only when not zero. */
  static String isoformat(LocalDateTime t) {
    String s = t.format(SECONDS);
    int micros = t.getNano() / 1000;
    return micros == 0 ? s : s + String.format(".%06d", micros);
  }

  /** A hex digest of the document's fields: the per-row change token. */
  public static String token(String fieldsJson) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] d = md.digest(fieldsJson.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(d, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectNode newDocument() {
    return JSON.createObjectNode();
  }
}
