package io.beamconnectors.sources.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import io.beamconnectors.elasticsearch.StoredToken;
import io.beamconnectors.sources.DeferredFields;
import io.beamconnectors.sources.Scope;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.SourceRecordCoder;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.SerializableUtils;
import org.junit.jupiter.api.Test;

class RowShapeTest {
  private static final TableRef T = new TableRef("public", "Orders");
  private static final List<String> NAMES = List.of("public_orders_id", "public_orders_note", "public_orders_tag",
      "public_orders_price", "public_orders_ratio", "public_orders_paid", "public_orders_codes", "public_orders_huge",
      "public_orders_score");

  /** A row of every kind of value: text with a separator and unicode, numbers, null, NaN, an array. */
  private static List<ColumnValue> row() {
    return List.of(
        ColumnValue.of(LongNode.valueOf(0), "0"),
        ColumnValue.text("a,b \"ü\" 日本"),
        ColumnValue.text(""),
        ColumnValue.of(DecimalNode.valueOf(new BigDecimal("12.50")), "12.50"),
        ColumnValue.nonFinite("NaN"),
        ColumnValue.of(BooleanNode.TRUE, "True"),
        ColumnValue.array(List.of(ColumnValue.text("x"), ColumnValue.sqlNull())),
        ColumnValue.of(BigIntegerNode.valueOf(new BigInteger("123456789012345678901234567890")), "123456789012345678901234567890"),
        ColumnValue.of(DoubleNode.valueOf(0.1), "0.1"));
  }

  private static DeferredFields fields(List<ColumnValue> values) {
    return new RowShape("shop", T, NAMES).fields(values);
  }

  @Test
  void theJsonAndTheFingerprintArePinnedTogether() {
    DeferredFields f = fields(row());
    String why = "a row's JSON or fingerprint changed: if its document is now written differently, bump"
        + " RowDocuments.FINGERPRINT_FORMAT (every row is then written once more), and pin both values again";
    assertEquals("{\"public_orders_id\":0,\"public_orders_note\":\"a,b \\\"ü\\\" 日本\",\"public_orders_tag\":\"\","
        + "\"public_orders_price\":12.50,\"public_orders_ratio\":null,\"public_orders_paid\":true,"
        + "\"public_orders_codes\":[\"x\",null],\"public_orders_huge\":123456789012345678901234567890,"
        + "\"public_orders_score\":0.1,\"Database\":\"shop\",\"Table\":\"Orders\",\"schema\":\"public\","
        + "\"_non_finite\":{\"public_orders_ratio\":\"NaN\"}}", f.json(), why);
    assertEquals(RowDocuments.fields("shop", T, NAMES, row()), f.json());
    assertEquals("5e3dfc518a0717c5935363f9370e3c8f", f.fingerprint(), why);
    assertEquals(1, RowDocuments.FINGERPRINT_FORMAT, why);
  }

  /** Each change a document would show, one at a time: the fingerprint moves with the JSON. */
  @Test
  void everyChangeOfTheJsonChangesTheFingerprint() {
    Map<String, UnaryOperator<List<ColumnValue>>> changes = new HashMap<>();
    changes.put("id 0 -> 1", r -> with(r, 0, ColumnValue.of(LongNode.valueOf(1), "1")));
    changes.put("id as a decimal 0.0", r -> with(r, 0, ColumnValue.of(DecimalNode.valueOf(new BigDecimal("0.0")), "0.0")));
    changes.put("id as text \"0\"", r -> with(r, 0, ColumnValue.text("0")));
    changes.put("text case", r -> with(r, 1, ColumnValue.text("A,b \"ü\" 日本")));
    changes.put("text unicode", r -> with(r, 1, ColumnValue.text("a,b \"u\" 日本")));
    changes.put("separator moved between fields", r -> with(with(r, 1, ColumnValue.text("a,b \"ü\" 日")), 2, ColumnValue.text("本")));
    changes.put("empty text -> null", r -> with(r, 2, ColumnValue.sqlNull()));
    changes.put("empty text -> \"null\"", r -> with(r, 2, ColumnValue.text("null")));
    changes.put("12.50 -> 12.5", r -> with(r, 3, ColumnValue.of(DecimalNode.valueOf(new BigDecimal("12.5")), "12.5")));
    changes.put("12.50 -> 1250E-2 (same)", r -> with(r, 3, ColumnValue.of(DecimalNode.valueOf(new BigDecimal("1.250E+1")), "x")));
    changes.put("NaN -> Infinity", r -> with(r, 4, ColumnValue.nonFinite("Infinity")));
    changes.put("NaN -> null", r -> with(r, 4, ColumnValue.sqlNull()));
    changes.put("true -> false", r -> with(r, 5, ColumnValue.of(BooleanNode.FALSE, "False")));
    changes.put("true -> \"true\"", r -> with(r, 5, ColumnValue.text("true")));
    changes.put("array [x,null] -> [x]", r -> with(r, 6, ColumnValue.array(List.of(ColumnValue.text("x")))));
    changes.put("array -> its text", r -> with(r, 6, ColumnValue.text("[\"x\",null]")));
    changes.put("huge + 1", r -> with(r, 7, ColumnValue.of(BigIntegerNode.valueOf(new BigInteger("123456789012345678901234567891")), "")));
    changes.put("0.1 -> 0.10000000000000002", r -> with(r, 8, ColumnValue.of(DoubleNode.valueOf(0.1 + 1e-17 * 2), "")));
    String base = fields(row()).fingerprint();
    String baseJson = fields(row()).json();
    Map<String, String> seen = new HashMap<>();
    seen.put(base, "the row");
    for (Map.Entry<String, UnaryOperator<List<ColumnValue>>> c : changes.entrySet()) {
      DeferredFields changed = fields(c.getValue().apply(row()));
      if (changed.json().equals(baseJson)) {
        continue; // 1.250E+1 is written 12.50 too: the fingerprint may move or not
      }
      String clash = seen.put(changed.fingerprint(), c.getKey());
      assertNull(clash, c.getKey() + " gave the fingerprint of " + clash);
    }
    assertEquals(changes.size(), seen.size(), "every change but the one written alike has a fingerprint of its own");

    // What every row of a table shares: database, schema, table, field names.
    List<DeferredFields> shapes = List.of(
        new RowShape("shop2", T, NAMES).fields(row()),
        new RowShape("shop", new TableRef("", "Orders"), NAMES).fields(row()),
        new RowShape("shop", new TableRef("public", "orders"), NAMES).fields(row()),
        new RowShape("shop", T, renamed(NAMES, 1, "public_orders_notes")).fields(row()));
    for (DeferredFields s : shapes) {
      assertNotEquals(baseJson, s.json());
      assertNull(seen.put(s.fingerprint(), s.json()), s.json());
    }
  }

  @Test
  void aRecordKeepsItsTokenThroughTheCoderAndJavaSerialization() throws Exception {
    SourceRecord listed = SourceRecord.of("shop_public_Orders_0_", "", Scope.of("public", "Orders"), fields(row()));
    SourceRecord decoded = CoderUtils.clone(SourceRecordCoder.of(), listed);
    assertEquals(StoredToken.of(listed), StoredToken.of(decoded));
    assertEquals(listed.fieldsJson(), decoded.fieldsJson());
    assertEquals(listed, decoded);
    CoderProperties.coderDecodeEncodeEqual(SourceRecordCoder.of(), listed);
    CoderProperties.coderDeterministic(SourceRecordCoder.of(), listed, CoderUtils.clone(SourceRecordCoder.of(), listed));
    SourceRecord copied = SerializableUtils.clone(listed);
    assertEquals(StoredToken.of(listed), StoredToken.of(copied));
    // The same fields given as JSON are fingerprinted from the JSON: another token, by design.
    SourceRecord asJson = SourceRecord.of(listed.id(), "", Scope.of("public", "Orders"), listed.fieldsJson());
    assertNotEquals(StoredToken.of(listed), StoredToken.of(asJson));
  }

  @Test
  void aRowMustHaveAValuePerField() {
    RowShape shape = new RowShape("shop", T, NAMES);
    assertThrows(IllegalArgumentException.class, () -> shape.fields(row().subList(0, 3)));
  }

  private static List<ColumnValue> with(List<ColumnValue> row, int i, ColumnValue v) {
    List<ColumnValue> out = new ArrayList<>(row);
    out.set(i, v);
    return out;
  }

  private static List<String> renamed(List<String> names, int i, String name) {
    List<String> out = new ArrayList<>(names);
    out.set(i, name);
    return out;
  }
}
