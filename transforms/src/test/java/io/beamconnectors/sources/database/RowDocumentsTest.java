package io.beamconnectors.sources.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowDocumentsTest {
  @Test
  void idsFollowTheReferenceIncludingFalsyKeysLeftOut() {
    TableRef t = new TableRef("public", "customers_0");
    assertEquals("xe_public_customers_0_user_5_", RowDocuments.id("xe", t, List.of("user", 5)));
    assertEquals("xe_public_customers_0_user_", RowDocuments.id("xe", t, Arrays.asList("user", 0, "", null, false)));
    assertEquals("xe_CUSTOMERS_1_", RowDocuments.id("xe", new TableRef("", "CUSTOMERS"), List.of(1)));
    assertEquals("xe_t_1.5_", RowDocuments.id("xe", new TableRef("", "t"), List.of(new BigDecimal("1.50"))));
  }

  @Test
  void fieldNamesAreLowerCasedWithSchemaAndTable() {
    assertEquals("public_customers_0_name", RowDocuments.fieldName(new TableRef("public", "Customers_0"), "Name"));
    assertEquals("customers_name", RowDocuments.fieldName(new TableRef("", "CUSTOMERS"), "NAME"));
  }

  @Test
  void datetimesFormatLikePythonIsoformat() {
    assertEquals("2024-03-01T10:15:30", RowDocuments.isoformat(LocalDateTime.of(2024, 3, 1, 10, 15, 30)));
    assertEquals("2024-03-01T10:15:00", RowDocuments.isoformat(LocalDateTime.of(2024, 3, 1, 10, 15)));
    assertEquals("2024-03-01T10:15:30.500000", RowDocuments.isoformat(LocalDateTime.of(2024, 3, 1, 10, 15, 30, 500_000_000)));
  }

  @Test
  void tokenChangesWithAnyFieldAndOnlyThen() {
    String a = RowDocuments.token("{\"a\":1,\"b\":\"x\"}");
    assertEquals(a, RowDocuments.token("{\"a\":1,\"b\":\"x\"}"));
    assertNotEquals(a, RowDocuments.token("{\"a\":2,\"b\":\"x\"}"));
  }
}
