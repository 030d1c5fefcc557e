package io.beamconnectors.sources.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.ShortNode;
import io.beamconnectors.elasticsearch.StoredToken;
import io.beamconnectors.sources.DeferredFields;
import io.beamconnectors.sources.Scope;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.SourceRecordCoder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.VarInt;
import org.junit.jupiter.api.Test;

class RowFieldsCoderTest {
  private static final Coder<SourceRecord> RECORDS = SourceRecordCoder.withDeferredFields(RowFieldsCoder.of());

  /** Values of every kind a dialect makes, and some it does not (yet): each must come back as it went. */
  private static List<ColumnValue> values() {
    ObjectNode object = ColumnValue.NODES.objectNode();
    object.put("a,b", 1.5d).putNull("").put("ü", "日本");
    return List.of(
        ColumnValue.of(LongNode.valueOf(0), "0"),
        ColumnValue.of(LongNode.valueOf(Long.MIN_VALUE), ""),
        ColumnValue.of(IntNode.valueOf(-7), ""),
        ColumnValue.of(ShortNode.valueOf((short) 3), ""),
        ColumnValue.of(BigIntegerNode.valueOf(BigInteger.valueOf(42)), ""),
        ColumnValue.of(BigIntegerNode.valueOf(new BigInteger("-123456789012345678901234567890")), ""),
        ColumnValue.text(""),
        ColumnValue.text("a,b \"ü\" 日本 😀 \\n\t"),
        ColumnValue.text("null"),
        ColumnValue.sqlNull(),
        ColumnValue.of(DecimalNode.valueOf(new BigDecimal("12.50")), ""),
        ColumnValue.of(DecimalNode.valueOf(new BigDecimal("1E+3")), ""),
        ColumnValue.of(DecimalNode.valueOf(new BigDecimal("-0.000")), ""),
        ColumnValue.of(DecimalNode.valueOf(new BigDecimal("-9223372036854775808.5")), ""),
        // Unscaled values of 63 and 64 bits: the first fits a long, the second does not.
        ColumnValue.of(DecimalNode.valueOf(new BigDecimal("-9223372036854775808")), ""),
        ColumnValue.of(DecimalNode.valueOf(new BigDecimal("9223372036854775808")), ""),
        ColumnValue.of(DecimalNode.valueOf(new BigDecimal("123456789012345678901234.5678")), ""),
        ColumnValue.of(DoubleNode.valueOf(0.1), ""),
        ColumnValue.of(DoubleNode.valueOf(1.0E10), ""),
        ColumnValue.of(DoubleNode.valueOf(-0.0), ""),
        ColumnValue.of(FloatNode.valueOf(0.1f), ""),
        ColumnValue.of(BooleanNode.TRUE, "True"),
        ColumnValue.of(BooleanNode.FALSE, "False"),
        ColumnValue.nonFinite("-Infinity"),
        ColumnValue.array(List.of()),
        ColumnValue.array(List.of(ColumnValue.of(DoubleNode.valueOf(1.0E10), ""), ColumnValue.sqlNull(),
            ColumnValue.array(List.of(ColumnValue.nonFinite("NaN"), ColumnValue.text("x"))))),
        ColumnValue.of(object, ""),
        ColumnValue.of(BinaryNode.valueOf(new byte[] {0, -1, 'a'}), ""));
  }

  private static RowShape shape(String database, TableRef table, int fields) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < fields; i++) {
      names.add(RowDocuments.fieldName(table, "c" + i));
    }
    return new RowShape(database, table, names);
  }

  @Test
  void aRowComesBackWritingTheSameJsonWithTheSameFingerprint() throws Exception {
    RowShape shape = shape("shop", new TableRef("public", "Orders"), values().size());
    DeferredFields listed = shape.fields(values());
    DeferredFields decoded = CoderUtils.clone(RowFieldsCoder.of(), listed);
    assertEquals(listed.json(), decoded.json());
    // Recomputed from the decoded values and shape, not carried: both came back exactly.
    assertEquals(listed.fingerprint(), decoded.fingerprint());
    assertTrue(listed.json().contains("1.0E10"), listed.json());
    assertTrue(listed.json().contains("\"_non_finite\""), listed.json());
  }

  @Test
  void aRecordOfARowKeepsItsJsonAndToken() throws Exception {
    Scope scope = Scope.of("public", "Orders");
    RowShape shape = shape("shop", new TableRef("public", "Orders"), values().size());
    SourceRecord listed = SourceRecord.of("shop_public_Orders_0_", "", scope, shape.fields(values()));
    SourceRecord decoded = CoderUtils.clone(RECORDS, listed);
    assertEquals(listed.fieldsJson(), decoded.fieldsJson());
    assertEquals(StoredToken.of(listed), StoredToken.of(decoded));
    CoderProperties.coderDecodeEncodeEqual(RECORDS, listed);
    CoderProperties.coderDeterministic(RECORDS, listed, CoderUtils.clone(RECORDS, listed));
    CoderProperties.coderSerializable(RECORDS);
    // Records whose fields came as JSON (files) go through the same coder unchanged.
    SourceRecord file = SourceRecord.of("id", "t;1", Scope.of("share", "a b"), "{\"a\":1}").withTimestamp("2024-01-01T00:00:00+00:00");
    CoderProperties.coderDecodeEncodeEqual(RECORDS, file);
  }

  /** More bytes than the row's size guess (text of three UTF-8 bytes a character, many numbers): the buffer grows. */
  @Test
  void aRowLargerThanItsSizeGuessComesBackWhole() throws Exception {
    List<ColumnValue> values = new ArrayList<>();
    values.add(ColumnValue.text("日本".repeat(5_000)));
    for (int i = 0; i < 200; i++) {
      values.add(ColumnValue.of(DecimalNode.valueOf(new BigDecimal("123456789012345678901234567890.5")), ""));
    }
    values.add(ColumnValue.array(List.of(ColumnValue.text("€".repeat(3_000)), ColumnValue.text("x"))));
    RowShape shape = shape("shop", new TableRef("public", "wide"), values.size());
    DeferredFields listed = shape.fields(values);
    DeferredFields decoded = CoderUtils.clone(RowFieldsCoder.of(), listed);
    assertEquals(listed.json(), decoded.json());
    assertEquals(listed.fingerprint(), decoded.fingerprint());
  }

  /** The decoder keeps the last shape: rows of tables taking turns must each get their own. */
  @Test
  void rowsOfShapesTakingTurnsEachKeepTheirShape() throws Exception {
    List<RowShape> shapes = List.of(
        shape("shop", new TableRef("public", "Orders"), 2),
        shape("shop", new TableRef("", "Orders"), 2),
        shape("shop", new TableRef("public", "Orders"), 2),
        shape("shop2", new TableRef("public", "Orders"), 2),
        shape("shop", new TableRef("public", "orders"), 2),
        shape("shop", new TableRef("public", "Orders"), 3));
    for (RowShape s : shapes) {
      List<ColumnValue> values = new ArrayList<>();
      for (int i = 0; i < s.fieldNames().size(); i++) {
        values.add(ColumnValue.text("v" + i));
      }
      DeferredFields listed = s.fields(values);
      DeferredFields decoded = CoderUtils.clone(RowFieldsCoder.of(), listed);
      assertEquals(listed.json(), decoded.json());
      assertEquals(listed.fingerprint(), decoded.fingerprint());
    }
  }

  @Test
  void whatIsNotADatabaseRowIsRefusedByName() {
    DeferredFields other = new DeferredFields() {
      @Override
      public String json() {
        return "{}";
      }

      @Override
      public String fingerprint() {
        return "0".repeat(32);
      }
    };
    CoderException e = assertThrows(CoderException.class, () -> CoderUtils.encodeToByteArray(RowFieldsCoder.of(), other));
    assertTrue(e.getMessage().contains("database rows"), e.getMessage());
    RowShape shape = shape("shop", new TableRef("public", "t"), 1);
    CoderException pojo = assertThrows(CoderException.class, () -> CoderUtils.encodeToByteArray(RowFieldsCoder.of(),
        shape.fields(List.of(ColumnValue.of(new POJONode(new Object()), "")))));
    assertTrue(pojo.getMessage().contains("POJO"), pojo.getMessage());
  }

  @Test
  void aCutOrPaddedRowIsRefusedNotMisread() throws Exception {
    RowShape shape = shape("shop", new TableRef("public", "t"), values().size());
    byte[] whole = CoderUtils.encodeToByteArray(RowFieldsCoder.of(), shape.fields(values()));
    ByteArrayInputStream in = new ByteArrayInputStream(whole);
    int length = VarInt.decodeInt(in);
    byte[] row = in.readAllBytes();
    assertEquals(length, row.length);
    // Cut anywhere: a clear CoderException, never another exception or a shorter row.
    for (int keep = 0; keep < row.length; keep++) {
      byte[] part = Arrays.copyOf(row, keep);
      CoderException cut = assertThrows(CoderException.class,
          () -> CoderUtils.decodeFromByteArray(RowFieldsCoder.of(), block(part)), "cut to " + keep + " bytes");
      assertTrue(cut.getMessage().contains("ends early"), keep + ": " + cut.getMessage());
    }
    CoderException padded = assertThrows(CoderException.class,
        () -> CoderUtils.decodeFromByteArray(RowFieldsCoder.of(), block(Arrays.copyOf(row, row.length + 1))));
    assertTrue(padded.getMessage().contains("left after"), padded.getMessage());
  }

  private static byte[] block(byte[] row) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    VarInt.encode(row.length, out);
    out.write(row);
    return out.toByteArray();
  }

  @Test
  void aShapeOfAnotherFormatIsRefused() throws Exception {
    RowShape shape = shape("shop", new TableRef("public", "t"), 1);
    byte[] header = shape.header().clone();
    header[3]++; // the format version, an int first in the header
    CoderException e = assertThrows(CoderException.class, () -> RowShape.fromHeader(header));
    assertTrue(e.getMessage().contains("same build"), e.getMessage());
    assertEquals(shape.fieldNames(), RowShape.fromHeader(shape.header()).fieldNames());
  }
}
