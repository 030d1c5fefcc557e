package io.beamconnectors.sources.database;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.beamconnectors.sources.DeferredFields;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.VarInt;

/**
 * Encodes a database row's fields ({@link RowShape#fields}) as its values, not as its JSON: a row
 * that crosses workers unchanged (most rows of a re-sync) is never written as JSON at all. On
 * Flink's batch runner every record is encoded at least once between steps, and writing each
 * row's JSON there was a fifth of a no-op sync's CPU.
 *
 * <p>Exact: the decoded row writes the same JSON as the listed one, value by value (text, whole
 * numbers, decimals with their scale, doubles and floats by their bits, booleans, arrays and
 * objects element by element). Its shape travels as {@link RowShape#header()}; the last decoded
 * shape is kept, so that the rows of one table share one. A decoded row carries no id text
 * ({@link ColumnValue#keyText()} is null): its id was made where it was listed.
 */
public final class RowFieldsCoder extends AtomicCoder<DeferredFields> {
  private static final long serialVersionUID = 1L;
  private static final RowFieldsCoder INSTANCE = new RowFieldsCoder();

  private static final byte NULL = 'n';
  private static final byte TEXT = 't';
  private static final byte LONG = 'l';
  private static final byte BIG_INTEGER = 'i';
  private static final byte DECIMAL = 'd';
  /** A decimal whose unscaled value fits a long: no BigInteger to write or read. */
  private static final byte SMALL_DECIMAL = 'e';
  private static final byte DOUBLE = 'D';
  private static final byte FLOAT = 'f';
  private static final byte TRUE = 'T';
  private static final byte FALSE = 'F';
  private static final byte ARRAY = 'a';
  private static final byte OBJECT = 'o';
  private static final byte BINARY = 'b';

  /** The shape decoded last: rows of one table in a row share it (a cache only; any shape may come next). */
  private transient volatile RowShape lastDecoded;

  public static RowFieldsCoder of() {
    return INSTANCE;
  }

  private RowFieldsCoder() {}

  @Override
  public void encode(DeferredFields value, OutputStream out) throws IOException {
    if (!(value instanceof RowDocuments.RowFields row)) {
      throw new CoderException("RowFieldsCoder encodes the fields of database rows, not "
          + (value == null ? "null" : value.getClass().getName()));
    }
    // The row is written to an array first and goes out in one write, its length before it: the
    // stream a runner gives a coder is often slow per call (Flink's is a wrapper of a wrapper).
    Writer w = new Writer(row.shape().header().length + 8 + sizeOf(row.values()));
    w.bytes(row.shape().header());
    w.varInt(row.values().size());
    for (ColumnValue v : row.values()) {
      if (v.nonFinite() == null) {
        w.tag((byte) 0);
      } else {
        w.tag((byte) 1);
        w.text(v.nonFinite());
      }
      w.node(v.json());
    }
    VarInt.encode(w.length, out);
    out.write(w.buf, 0, w.length);
  }

  /** About the bytes the values take (exact for ASCII text), so that the array seldom grows. */
  private static int sizeOf(List<ColumnValue> values) {
    int n = 0;
    for (ColumnValue v : values) {
      JsonNode json = v.json();
      n += json != null && json.isTextual() ? json.textValue().length() + 8 : 24;
    }
    return n;
  }

  @Override
  public DeferredFields decode(InputStream in) throws IOException {
    byte[] block = new byte[VarInt.decodeInt(in)];
    new DataInputStream(in).readFully(block);
    Reader r = new Reader(block);
    int headerLength = r.varInt();
    r.need(headerLength);
    RowShape shape = lastDecoded;
    if (shape == null || !Arrays.equals(shape.header(), 0, shape.header().length, block, r.pos, r.pos + headerLength)) {
      shape = RowShape.fromHeader(Arrays.copyOfRange(block, r.pos, r.pos + headerLength));
      lastDecoded = shape;
    }
    r.pos += headerLength;
    int n = r.varInt();
    List<ColumnValue> values = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String nonFinite = r.tag() == 1 ? r.text() : null;
      values.add(new ColumnValue(r.node(), null, nonFinite));
    }
    if (r.pos != block.length) {
      throw new CoderException((block.length - r.pos) + " bytes left after an encoded database row");
    }
    return shape.fields(values);
  }

  @Override
  public void verifyDeterministic() {
    // The same values always give the same bytes.
  }

  /** A growing array that a row is written to, big-endian. */
  private static final class Writer {
    byte[] buf;
    int length;

    Writer(int capacity) {
      buf = new byte[capacity];
    }

    private void room(int n) {
      if (length + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + n));
      }
    }

    void tag(byte b) {
      room(1);
      buf[length++] = b;
    }

    void varInt(int v) {
      room(5);
      while ((v & ~0x7F) != 0) {
        buf[length++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[length++] = (byte) v;
    }

    void int32(int v) {
      room(4);
      for (int shift = 24; shift >= 0; shift -= 8) {
        buf[length++] = (byte) (v >>> shift);
      }
    }

    void int64(long v) {
      room(8);
      for (int shift = 56; shift >= 0; shift -= 8) {
        buf[length++] = (byte) (v >>> shift);
      }
    }

    void bytes(byte[] b) {
      varInt(b.length);
      room(b.length);
      System.arraycopy(b, 0, buf, length, b.length);
      length += b.length;
    }

    void text(String s) {
      bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    void node(JsonNode node) throws CoderException {
      if (node == null || node.isNull()) {
        tag(NULL);
      } else if (node.isTextual()) {
        tag(TEXT);
        text(node.textValue());
      } else if (node.isIntegralNumber() && node.canConvertToLong()) {
        // Short, int, long or a big integer in range: all are written as the same digits.
        tag(LONG);
        int64(node.longValue());
      } else if (node.isBigInteger()) {
        tag(BIG_INTEGER);
        bytes(node.bigIntegerValue().toByteArray());
      } else if (node.isBigDecimal()) {
        BigDecimal d = node.decimalValue();
        if (d.unscaledValue().bitLength() < 64) {
          tag(SMALL_DECIMAL);
          int32(d.scale());
          int64(d.unscaledValue().longValue());
        } else {
          tag(DECIMAL);
          int32(d.scale());
          bytes(d.unscaledValue().toByteArray());
        }
      } else if (node.isDouble()) {
        tag(DOUBLE);
        int64(Double.doubleToRawLongBits(node.doubleValue()));
      } else if (node.isFloat()) {
        tag(FLOAT);
        int32(Float.floatToRawIntBits(node.floatValue()));
      } else if (node.isBoolean()) {
        tag(node.booleanValue() ? TRUE : FALSE);
      } else if (node.isArray()) {
        tag(ARRAY);
        varInt(node.size());
        for (JsonNode e : node) {
          node(e);
        }
      } else if (node.isObject()) {
        tag(OBJECT);
        varInt(node.size());
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          text(e.getKey());
          node(e.getValue());
        }
      } else if (node.isBinary()) {
        tag(BINARY);
        try {
          bytes(node.binaryValue());
        } catch (IOException e) {
          throw new CoderException(e);
        }
      } else {
        throw new CoderException("a database value of JSON node type " + node.getNodeType()
            + " cannot be encoded exactly (" + node.getClass().getSimpleName() + ")");
      }
    }
  }

  /** Reads what {@link Writer} wrote. */
  private static final class Reader {
    final byte[] buf;
    int pos;

    Reader(byte[] buf) {
      this.buf = buf;
    }

    void need(int n) throws CoderException {
      if (n < 0 || pos + n > buf.length) {
        throw new CoderException("an encoded database row ends early");
      }
    }

    byte tag() throws CoderException {
      need(1);
      return buf[pos++];
    }

    int varInt() throws CoderException {
      int v = 0;
      for (int shift = 0; shift < 35; shift += 7) {
        byte b = tag();
        v |= (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
      throw new CoderException("a malformed length in an encoded database row");
    }

    int int32() throws CoderException {
      need(4);
      int v = 0;
      for (int i = 0; i < 4; i++) {
        v = (v << 8) | (buf[pos++] & 0xFF);
      }
      return v;
    }

    long int64() throws CoderException {
      need(8);
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (buf[pos++] & 0xFF);
      }
      return v;
    }

    byte[] bytes() throws CoderException {
      int n = varInt();
      need(n);
      byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
      pos += n;
      return b;
    }

    String text() throws CoderException {
      int n = varInt();
      need(n);
      String s = new String(buf, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    JsonNode node() throws CoderException {
      byte tag = tag();
      switch (tag) {
        case NULL:
          return NullNode.getInstance();
        case TEXT:
          return TextNode.valueOf(text());
        case LONG:
          return LongNode.valueOf(int64());
        case BIG_INTEGER:
          return BigIntegerNode.valueOf(new BigInteger(bytes()));
        case SMALL_DECIMAL: {
          int scale = int32();
          return DecimalNode.valueOf(BigDecimal.valueOf(int64(), scale));
        }
        case DECIMAL: {
          int scale = int32();
          return DecimalNode.valueOf(new BigDecimal(new BigInteger(bytes()), scale));
        }
        case DOUBLE:
          return DoubleNode.valueOf(Double.longBitsToDouble(int64()));
        case FLOAT:
          return FloatNode.valueOf(Float.intBitsToFloat(int32()));
        case TRUE:
          return BooleanNode.TRUE;
        case FALSE:
          return BooleanNode.FALSE;
        case ARRAY: {
          int n = varInt();
          ArrayNode a = ColumnValue.NODES.arrayNode(Math.min(n, 1024));
          for (int i = 0; i < n; i++) {
            a.add(node());
          }
          return a;
        }
        case OBJECT: {
          int n = varInt();
          ObjectNode o = ColumnValue.NODES.objectNode();
          for (int i = 0; i < n; i++) {
            String name = text();
            o.set(name, node());
          }
          return o;
        }
        case BINARY:
          return BinaryNode.valueOf(bytes());
        default:
          throw new CoderException("unknown value tag " + tag + " in an encoded database row");
      }
    }
  }
}
