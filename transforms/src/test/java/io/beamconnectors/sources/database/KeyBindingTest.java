package io.beamconnectors.sources.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyBindingTest {
  /** Reads {@code value} as a boundary, binds the text back and returns the setter call. */
  private static String roundTrip(KeyBinding binding, Object value) throws SQLException {
    var row = FakeJdbc.rows(List.of(List.of(value)));
    row.next();
    String text = binding.read(row, 1);
    List<String> calls = new ArrayList<>();
    binding.bind(FakeJdbc.preparedStatement(List.of(), calls), 3, text);
    return text + " -> " + calls.get(0);
  }

  @Test
  void everyBindingNamesTheValueExactlyAndBindsItInItsOwnType() throws Exception {
    assertEquals("-9223372036854775808 -> setLong(3, -9223372036854775808)", roundTrip(KeyBinding.INTEGER, Long.MIN_VALUE));
    assertEquals("0 -> setLong(3, 0)", roundTrip(KeyBinding.INTEGER, 0L));
    assertEquals("12.50 -> setBigDecimal(3, 12.50)", roundTrip(KeyBinding.DECIMAL, new BigDecimal("12.50")),
        "the scale is kept");
    assertEquals("1E+3 -> setBigDecimal(3, 1E+3)", roundTrip(KeyBinding.DECIMAL, new BigDecimal("1E+3")));
    assertEquals(" -> setString(3, )", roundTrip(KeyBinding.TEXT, ""), "an empty key");
    assertEquals("a,b 'é' -> setString(3, a,b 'é')", roundTrip(KeyBinding.TEXT, "a,b 'é'"));
    assertEquals("\uD83D\uDE00 -> setNString(3, \uD83D\uDE00)", roundTrip(KeyBinding.NATIONAL_TEXT, "\uD83D\uDE00"));
    assertEquals("2024-02-29 -> setObject(3, 2024-02-29)", roundTrip(KeyBinding.DATE, LocalDate.of(2024, 2, 29)));
    assertEquals("2024-03-31T02:30:00.000000001 -> setObject(3, 2024-03-31T02:30:00.000000001)",
        roundTrip(KeyBinding.DATE_TIME, LocalDateTime.of(2024, 3, 31, 2, 30, 0, 1)));
    assertEquals("00ff10 -> setBytes(3, bytes[0, -1, 16])", roundTrip(KeyBinding.BYTES, new byte[] {0, -1, 16}));
    assertEquals(" -> setBytes(3, bytes[])", roundTrip(KeyBinding.BYTES, new byte[0]));
  }

  @Test
  void aNullBoundaryKeyFails() throws Exception {
    java.util.List<Object> nullValue = new java.util.ArrayList<>();
    nullValue.add(null);
    var row = FakeJdbc.rows(List.of(nullValue));
    row.next();
    for (KeyBinding b : KeyBinding.values()) {
      assertThrows(SQLException.class, () -> b.read(row, 1), b.name());
    }
  }
}
