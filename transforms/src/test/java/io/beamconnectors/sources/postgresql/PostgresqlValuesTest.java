package io.beamconnectors.sources.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.beamconnectors.sources.database.ColumnValue;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs twice: in the JVM's zone and locale, and with Pacific/Chatham and ar-EG (transforms/pom.xml). */
class PostgresqlValuesTest {
  private static void check(String type, String text, String json, String key) {
    ColumnValue v = PostgresqlValues.fromText(text, type);
    assertEquals(json, v.json().toString(), type + " " + text + " field");
    assertEquals(key, v.keyText(), type + " " + text + " id text");
  }

  @Test
  void numbersAreExact() {
    check("int4", "0", "0", "0");
    check("int8", "-9223372036854775808", "-9223372036854775808", "-9223372036854775808");
    check("numeric", "12.50", "12.50", "12.50");
    check("numeric", "0", "0.0", "0");
    check("numeric", "-1000", "-1000.0", "-1000");
    check("numeric", "123456789012345678901234567890.000000001", "123456789012345678901234567890.000000001",
        "123456789012345678901234567890.000000001");
    check("float8", "0.1", "0.1", "0.1");
    check("float8", "1e+20", "1.0E20", "1.0E20");
    check("float4", "1.1", "1.1", "1.1");
    check("bool", "f", "false", "False");
    check("bool", "t", "true", "True");
  }

  @Test
  void nonFiniteValuesAreNullInTheFieldAndKeptExactly() {
    for (String type : List.of("numeric", "float4", "float8")) {
      for (String word : List.of("NaN", "Infinity", "-Infinity")) {
        ColumnValue v = PostgresqlValues.fromText(word, type);
        assertEquals("null", v.json().toString());
        assertEquals(word, v.nonFinite());
        assertEquals(word, v.keyText());
      }
    }
    assertEquals("infinity", PostgresqlValues.fromText("infinity", "timestamptz").nonFinite());
    assertEquals("-infinity", PostgresqlValues.fromText("-infinity", "date").nonFinite());
  }

  @Test
  void timesArePythonIsoformatInUtcWithFractions() {
    check("timestamp", "2024-03-01 10:15:30", "\"2024-03-01T10:15:30\"", "2024-03-01 10:15:30");
    check("timestamp", "2024-03-01 10:15:30.5", "\"2024-03-01T10:15:30.500000\"", "2024-03-01 10:15:30.500000");
    check("timestamptz", "2024-03-31 01:30:00.000001+00", "\"2024-03-31T01:30:00.000001+00:00\"",
        "2024-03-31 01:30:00.000001+00:00");
    check("timestamptz", "2024-03-31 01:30:00+05:30", "\"2024-03-31T01:30:00+05:30\"", "2024-03-31 01:30:00+05:30");
    check("timestamp", "0044-03-15 00:00:00 BC", "\"0044-03-15 00:00:00 BC\"", "0044-03-15 00:00:00 BC");
    check("time", "10:15:00", "\"10:15:00\"", "10:15:00");
    check("time", "10:15:00.25", "\"10:15:00.250000\"", "10:15:00.250000");
    check("timetz", "10:15:00+02", "\"10:15:00+02:00\"", "10:15:00+02:00");
    check("date", "2024-02-29", "\"2024-02-29\"", "2024-02-29");
  }

  @Test
  void otherTypesKeepPostgresqlsText() {
    check("bytea", "\\x00ff", "\"\\\\x00ff\"", "\\x00ff");
    check("jsonb", "{\"a\": 1}", "\"{\\\"a\\\": 1}\"", "{\"a\": 1}");
    check("uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"",
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    check("interval", "P1Y2M3DT4H5M6.5S", "\"P1Y2M3DT4H5M6.5S\"", "P1Y2M3DT4H5M6.5S");
    check("money", "$1,234.56", "\"$1,234.56\"", "$1,234.56");
    ColumnValue n = PostgresqlValues.fromText(null, "int4");
    assertEquals("null", n.json().toString());
    assertNull(n.keyText());
  }

  @Test
  void arraysElementByElement() {
    check("_int4", "{1,2,NULL}", "[1,2,null]", "[\"1\",\"2\",null]");
    check("_int4", "{{1,2},{3,4}}", "[[1,2],[3,4]]", "[[\"1\",\"2\"],[\"3\",\"4\"]]");
    check("_text", "{\"a,b\",c,\"NULL\",\"q\\\"x\",\"\"}", "[\"a,b\",\"c\",\"NULL\",\"q\\\"x\",\"\"]",
        "[\"a,b\",\"c\",\"NULL\",\"q\\\"x\",\"\"]");
    check("_timestamptz", "{\"2024-03-01 10:15:30+00\"}", "[\"2024-03-01T10:15:30+00:00\"]",
        "[\"2024-03-01 10:15:30+00:00\"]");
    check("_float8", "{1.5,NaN}", "[1.5,null]", "[\"1.5\",\"NaN\"]");
    assertEquals("[1.5,\"NaN\"]", PostgresqlValues.fromText("{1.5,NaN}", "_float8").nonFinite());
    check("_bytea", "{\"\\\\x00\"}", "[\"\\\\x00\"]", "[\"\\\\x00\"]");
    check("_int4", "{}", "[]", "[]");
    check("_int4", "[0:1]={1,2}", "\"[0:1]={1,2}\"", "[0:1]={1,2}");
  }

  @Test
  void arrayLiteralParser() {
    assertEquals(Arrays.asList("a", null, List.of("b", "c")), PgArrayLiteral.parse("{a,NULL,{b,c}}"));
    assertNull(PgArrayLiteral.parse("[2:3]={a,b}"));
  }
}
