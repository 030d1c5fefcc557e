package io.beamconnectors.sources.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RowDocumentsTest {
  private static final TableRef T = new TableRef("public", "Customers_0");

  @Test
  void fieldNamesAreLowerCasedWithSchemaAndTable() {
    assertEquals("public_customers_0_name", RowDocuments.fieldName(T, "Name"));
    assertEquals("customers_name", RowDocuments.fieldName(new TableRef("", "CUSTOMERS"), "NAME"));
  }

  @Test
  void caseTwinColumnsAreReportedNotCollapsed() {
    Optional<String> twins = RowDocuments.caseTwins(T, List.of("id", "Name", "name", "AGE"));
    assertTrue(twins.isPresent());
    assertTrue(twins.get().contains("columns \"Name\", \"name\" all map to field public_customers_0_name"), twins.get());
    assertTrue(twins.get().contains("rename one of them"), twins.get());
    assertEquals(Optional.empty(), RowDocuments.caseTwins(T, List.of("id", "name", "age")));
  }

  @Test
  void fieldsAreExactAndInColumnOrder() {
    String json = RowDocuments.fields("xe", T, List.of("public_customers_0_amount", "public_customers_0_big",
            "public_customers_0_ratio", "public_customers_0_tiny"),
        List.of(ColumnValue.of(DecimalNode.valueOf(new BigDecimal("12.50")), "12.50"),
            ColumnValue.of(DecimalNode.valueOf(new BigDecimal("1E+30")), "1E+30"),
            ColumnValue.nonFinite("NaN"),
            ColumnValue.of(DecimalNode.valueOf(new BigDecimal("0.0000001")), "0.0000001")));
    assertEquals("{\"public_customers_0_amount\":12.50,\"public_customers_0_big\":1000000000000000000000000000000,"
        + "\"public_customers_0_ratio\":null,\"public_customers_0_tiny\":0.0000001,"
        + "\"Database\":\"xe\",\"Table\":\"Customers_0\",\"schema\":\"public\","
        + "\"_non_finite\":{\"public_customers_0_ratio\":\"NaN\"}}", json);
  }

  @Test
  void arraysKeepElementsNestedAndTheirIdTextIsUnambiguous() {
    ColumnValue ab = ColumnValue.array(List.of(ColumnValue.text("a,b")));
    ColumnValue a_b = ColumnValue.array(List.of(ColumnValue.text("a"), ColumnValue.text("b")));
    assertEquals("[\"a,b\"]", ab.keyText());
    assertEquals("[\"a\",\"b\"]", a_b.keyText());
    ColumnValue grid = ColumnValue.array(List.of(
        ColumnValue.array(List.of(ColumnValue.nonFinite("NaN"), ColumnValue.sqlNull()))));
    assertEquals("[[null,null]]", grid.json().toString());
    assertEquals("[[\"NaN\",null]]", grid.nonFinite());
    assertEquals("[[\"NaN\",null]]", grid.keyText());
  }

  /** The tree the fields used to be built as: the streaming writer must give the same text, byte for byte. */
  private static String fieldsAsTree(String database, TableRef table, List<String> names, List<ColumnValue> values)
      throws Exception {
    JsonMapper mapper = JsonMapper.builder().nodeFactory(ColumnValue.NODES)
        .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();
    ObjectNode doc = mapper.createObjectNode();
    ObjectNode nonFinite = null;
    for (int i = 0; i < names.size(); i++) {
      doc.set(names.get(i), values.get(i).json());
      if (values.get(i).nonFinite() != null) {
        if (nonFinite == null) {
          nonFinite = mapper.createObjectNode();
        }
        nonFinite.put(names.get(i), values.get(i).nonFinite());
      }
    }
    doc.put("Database", database);
    doc.put("Table", table.name());
    if (!table.schema().isEmpty()) {
      doc.put("schema", table.schema());
    }
    if (nonFinite != null) {
      doc.set(RowDocuments.NON_FINITE_FIELD, nonFinite);
    }
    return mapper.writeValueAsString(doc);
  }

  private static ColumnValue randomValue(Random r, int depth) {
    String[] texts = {"", "0", " ", "a\"b\\c", "tab\tnew\nline\u0000\u001f\u007f", "é ü 中文 😀", "\ud800 lone",
        "x".repeat(5000), "</script>", "comma,semi;colon|pipe/slash"};
    switch (r.nextInt(depth > 1 ? 12 : 13)) {
      case 0: return ColumnValue.sqlNull();
      case 1: return ColumnValue.nonFinite(r.nextBoolean() ? "NaN" : "-Infinity");
      case 2: return ColumnValue.of(IntNode.valueOf(r.nextInt()), "i");
      case 3: return ColumnValue.of(LongNode.valueOf(r.nextLong()), "l");
      case 4: return ColumnValue.of(BigIntegerNode.valueOf(BigInteger.valueOf(r.nextLong()).pow(3)), "b");
      case 5: return ColumnValue.of(DecimalNode.valueOf(new BigDecimal(BigInteger.valueOf(r.nextLong()), r.nextInt(60) - 30)), "d");
      case 6: return ColumnValue.of(DoubleNode.valueOf(r.nextBoolean() ? -0.0 : r.nextDouble() * 1e300), "f8");
      case 7: return ColumnValue.of(FloatNode.valueOf(r.nextFloat()), "f4");
      case 8: return ColumnValue.of(BooleanNode.valueOf(r.nextBoolean()), "t");
      case 9: return ColumnValue.of(RowDocuments.parse("{\"k\":[1,2.50,{\"z\":null}],\"\u00e9\":\"v\"}"), "j");
      case 10: case 11: return ColumnValue.text(texts[r.nextInt(texts.length)]);
      default:
        List<ColumnValue> elements = new ArrayList<>();
        for (int k = r.nextInt(4); k > 0; k--) {
          elements.add(randomValue(r, depth + 1));
        }
        return ColumnValue.array(elements);
    }
  }

  @Test
  void streamedFieldsAreTheTextTheTreeGave() throws Exception {
    Random r = new Random(20261204);
    for (TableRef table : List.of(T, new TableRef("", "t"), new TableRef("sch\u00e9ma", "Tab\"le"))) {
      for (int row = 0; row < 400; row++) {
        List<String> names = new ArrayList<>();
        List<ColumnValue> values = new ArrayList<>();
        for (int c = r.nextInt(8); c > 0; c--) {
          names.add(RowDocuments.fieldName(table, "col" + names.size() + (c % 3 == 0 ? "\"q\u00e9" : "")));
          values.add(randomValue(r, 0));
        }
        String database = row % 5 == 0 ? "" : "db\u00e9";
        assertEquals(fieldsAsTree(database, table, names, values), RowDocuments.fields(database, table, names, values),
            () -> "row of " + table + ": " + values);
      }
    }
  }
}
