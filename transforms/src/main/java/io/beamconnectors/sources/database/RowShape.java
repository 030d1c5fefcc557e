package io.beamconnectors.sources.database;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamconnectors.sources.DeferredFields;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.hash.Hasher;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.hash.Hashing;

/**
 * What the rows of one read share: the database, the table and its columns' field names. Gives
 * each row's fields ({@link #fields}) as {@link DeferredFields}: their JSON
 * ({@link RowDocuments#fields}) written only when asked for, and a fingerprint taken from the
 * values without writing it.
 *
 * <p>The fingerprint is MurmurHash3 (128 bits) of the format version
 * ({@link RowDocuments#FINGERPRINT_FORMAT}), the database, schema, table and field names (hashed
 * into a header once per shape), then per value its kind and exact text. Every text is
 * length-prefixed and every value tagged, so two rows whose JSON differs never feed it the same
 * bytes. Not cryptographic, and it need not be: it tells two versions of one row apart, at a
 * fraction of the cost of writing the row's JSON and hashing that with SHA-256.
 */
public final class RowShape implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String database;
  private final TableRef table;
  private final List<String> fieldNames;
  private final byte[] header;

  public RowShape(String database, TableRef table, List<String> fieldNames) {
    this(database, table, fieldNames, header(database, table, fieldNames));
  }

  private RowShape(String database, TableRef table, List<String> fieldNames, byte[] header) {
    this.database = database;
    this.table = table;
    this.fieldNames = List.copyOf(fieldNames);
    this.header = header;
  }

  /**
   * The bytes every fingerprint of this shape starts with: the format version, the database,
   * schema, table and field names. They describe the shape completely ({@link #fromHeader}).
   */
  byte[] header() {
    return header;
  }

  /** The shape whose {@link #header()} these bytes are. */
  static RowShape fromHeader(byte[] header) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(header));
    int format = in.readInt();
    if (format != RowDocuments.FINGERPRINT_FORMAT) {
      throw new CoderException("a row shape of format " + format + ", this build writes format "
          + RowDocuments.FINGERPRINT_FORMAT + ": every worker of a job must run the same build");
    }
    String database = readText(in);
    TableRef table = new TableRef(readText(in), readText(in));
    int n = in.readInt();
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      names.add(readText(in));
    }
    if (in.available() > 0) {
      throw new CoderException(in.available() + " bytes after a row shape");
    }
    return new RowShape(database, table, names, header.clone());
  }

  private static byte[] header(String database, TableRef table, List<String> fieldNames) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(RowDocuments.FINGERPRINT_FORMAT);
      for (String s : List.of(database, table.schema(), table.name())) {
        writeText(out, s);
      }
      out.writeInt(fieldNames.size());
      for (String name : fieldNames) {
        writeText(out, name);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void writeText(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readText(DataInputStream in) throws IOException {
    byte[] utf8 = new byte[in.readInt()];
    in.readFully(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  String database() {
    return database;
  }

  TableRef table() {
    return table;
  }

  List<String> fieldNames() {
    return fieldNames;
  }

  /** One row's fields, its values in the order of the field names. */
  public DeferredFields fields(List<ColumnValue> values) {
    if (values.size() != fieldNames.size()) {
      throw new IllegalArgumentException(values.size() + " values for " + fieldNames.size() + " fields");
    }
    return new RowDocuments.RowFields(this, values);
  }

  String fingerprint(List<ColumnValue> values) {
    Hasher h = Hashing.murmur3_128().newHasher().putBytes(header);
    for (ColumnValue v : values) {
      JsonNode value = v.json();
      if (value == null || value.isNull()) {
        h.putByte((byte) 'n');
      } else if (value.isTextual()) {
        putText(h.putByte((byte) 't'), value.textValue());
      } else if (value.isIntegralNumber() && value.canConvertToLong()) {
        // Written as the long's digits, whatever the node's class.
        h.putByte((byte) 'l').putLong(value.longValue());
      } else if (value.isBigDecimal()) {
        // Unscaled digits and scale: 12.50 and 12.5 differ, as their JSON does.
        putText(h.putByte((byte) 'd').putInt(value.decimalValue().scale()), value.decimalValue().unscaledValue().toString());
      } else if (value.isBoolean()) {
        h.putByte((byte) (value.booleanValue() ? 'T' : 'F'));
      } else {
        // Anything else (arrays, floating point, integers past 64 bits) as the JSON it is written as.
        putText(h.putByte((byte) 'j'), RowDocuments.write(value));
      }
      if (v.nonFinite() != null) {
        putText(h.putByte((byte) 'x'), v.nonFinite());
      } else {
        h.putByte((byte) '-');
      }
    }
    return h.hash().toString();
  }

  /** The text's UTF-8 bytes, after their count. */
  private static void putText(Hasher h, String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    h.putInt(utf8.length).putBytes(utf8);
  }
}
