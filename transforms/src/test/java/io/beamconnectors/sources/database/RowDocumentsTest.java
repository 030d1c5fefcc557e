package io.beamconnectors.sources.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.DecimalNode;
import java.math.BigDecimal;
import java.util.List;
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
}
