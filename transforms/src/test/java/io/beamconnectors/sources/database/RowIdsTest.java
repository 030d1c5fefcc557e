package io.beamconnectors.sources.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RowIdsTest {
  private static final TableRef ORDERS = new TableRef("sales", "orders");

  @Test
  void idsWithoutUnderscoresOrFalsyKeysAreTheReferencesIds() {
    assertEquals("xe_public_customers_user_5_", RowIds.id("xe", new TableRef("public", "customers"), List.of("user", "5")));
    assertEquals("xe_CUSTOMERS_1_", RowIds.id("xe", new TableRef("", "CUSTOMERS"), List.of("1")));
  }

  @Test
  void falsyKeyValuesAreKeptSoZeroKeysDoNotCollide() {
    // The reference dropped 0, "" and False: (0,1) and (1,0) both became xe_sales_orders_1_.
    String a = RowIds.id("xe", ORDERS, List.of("0", "1"));
    String b = RowIds.id("xe", ORDERS, List.of("1", "0"));
    assertEquals("xe_sales_orders_0_1_", a);
    assertEquals("xe_sales_orders_1_0_", b);
    assertNotEquals(RowIds.id("xe", ORDERS, List.of("eu", "")), RowIds.id("xe", ORDERS, List.of("eu")));
    assertEquals("xe_sales_orders_eu__", RowIds.id("xe", ORDERS, List.of("eu", "")));
    assertEquals("xe_sales_orders_%00_", RowIds.id("xe", ORDERS, Arrays.asList((String) null)));
    assertNotEquals(RowIds.id("xe", ORDERS, Arrays.asList((String) null)), RowIds.id("xe", ORDERS, List.of("%00")));
  }

  @Test
  void underscoresInsideValuesAndNamesAreEscaped() {
    assertEquals("xe_sales_orders_a%5Fb_c_", RowIds.id("xe", ORDERS, List.of("a_b", "c")));
    assertNotEquals(RowIds.id("xe", ORDERS, List.of("a_b", "c")), RowIds.id("xe", ORDERS, List.of("a", "b_c")));
    // public.a_b key c and public.a key b_c
    assertNotEquals(RowIds.id("xe", new TableRef("public", "a_b"), List.of("c")),
        RowIds.id("xe", new TableRef("public", "a"), List.of("b_c")));
    // schema a_b table c vs schema a table b_c
    assertNotEquals(RowIds.id("xe", new TableRef("a_b", "c"), List.of("1")), RowIds.id("xe", new TableRef("a", "b_c"), List.of("1")));
    assertEquals("bc%5Fftest_public_customers%5F0_user%5F5_",
        RowIds.id("bc_ftest", new TableRef("public", "customers_0"), List.of("user_5")));
    assertEquals("xe_s_t_100%25%5F_", RowIds.id("xe", new TableRef("s", "t"), List.of("100%_")));
  }

  @Test
  void noTwoKeyTuplesOfAwkwardValuesShareAnId() {
    List<String> atoms = List.of("", "0", "_", "__", "%", "%5F", "a_b", "a", "b_c", "%00", "1", "é_ü");
    Set<String> ids = new HashSet<>();
    int n = 0;
    for (String x : atoms) {
      for (String y : atoms) {
        ids.add(RowIds.id("d_b", new TableRef("s_", "_t"), List.of(x, y)));
        n++;
      }
      ids.add(RowIds.id("d_b", new TableRef("s_", "_t"), List.of(x)));
      ids.add(RowIds.id("d_b", new TableRef("s", "__t"), List.of(x)));
      ids.add(RowIds.id("d_b", new TableRef("s__", "t"), List.of(x)));
      n += 3;
    }
    assertEquals(n, ids.size(), "every (table, key) pair has its own id");
  }
}
