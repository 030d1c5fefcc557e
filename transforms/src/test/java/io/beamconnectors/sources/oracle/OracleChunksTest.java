package io.beamconnectors.sources.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.sources.database.FakeJdbc;
import io.beamconnectors.sources.database.KeyBinding;
import io.beamconnectors.sources.database.KeyBoundaries;
import io.beamconnectors.sources.database.ListedTable;
import io.beamconnectors.sources.database.TableChunk;
import io.beamconnectors.sources.database.TableRef;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BinaryOperator;
import oracle.jdbc.driver.utils.StringUtils;
import org.junit.jupiter.api.Test;

/**
 * The SQL of Oracle's chunked reads, without a server (none can run here): the boundary query,
 * the keyset predicates of the first, a middle and the last chunk, and the parameters bound in
 * the key's own types, checked against the thin driver's own quoting and fakes (FakeJdbc) for the
 * catalog answers.
 */
class OracleChunksTest {
  private static final BinaryOperator<Object> ORACLE = (id, always) -> StringUtils.enquoteIdentifier((String) id, (Boolean) always);
  private static final Statement QUOTER = FakeJdbc.quoter(ORACLE);
  private final OracleDialect dialect = new OracleDialect();

  private static final ListedTable ORDERS = new ListedTable(new TableRef("", "Mixed case_T"), "TABLE",
      List.of("REGION", "Order No"));
  private static final ListedTable TEXTS = new ListedTable(new TableRef("", "TEXTS"), "TABLE", List.of("K"));
  private static final ListedTable NUMBERS = new ListedTable(new TableRef("", "NUMBERS"), "TABLE", List.of("ID"));

  private static List<TableChunk> threeChunks(ListedTable table, List<String> types, List<String> first,
      List<String> second) {
    return TableChunk.split(table, new KeyBoundaries(types, List.of(first, second)));
  }

  @Test
  void boundaryQueryNumbersTheKeyAndKeepsEveryNthWithMod() throws Exception {
    assertEquals("SELECT bc_k1, bc_k2 FROM (SELECT \"REGION\" AS bc_k1, \"Order No\" AS bc_k2, ROW_NUMBER() OVER"
        + " (ORDER BY \"REGION\", \"Order No\") AS bc_row FROM \"Mixed case_T\") numbered"
        + " WHERE bc_row > 1 AND MOD(bc_row - 1, ?) = 0 ORDER BY bc_row", dialect.boundariesQuery(QUOTER, ORDERS));
    assertEquals("SELECT bc_k1 FROM (SELECT \"K\" AS bc_k1, ROW_NUMBER() OVER (ORDER BY \"K\") AS bc_row FROM \"TEXTS\")"
        + " numbered WHERE bc_row > 1 AND MOD(bc_row - 1, ?) = 0 ORDER BY bc_row", dialect.boundariesQuery(QUOTER, TEXTS));
    assertTrue(!dialect.boundariesQuery(QUOTER, ORDERS).contains("OFFSET"));
  }

  @Test
  void compositeKeyChunksUseExpandedPredicatesInKeyOrder() throws Exception {
    List<TableChunk> chunks = threeChunks(ORDERS, List.of("VARCHAR2", "NUMBER"), List.of("eu", "0"), List.of("eu", "7"));
    String select = "SELECT \"REGION\", \"Order No\" FROM \"Mixed case_T\"";
    assertEquals(select + " WHERE (\"REGION\" <= ? AND (\"REGION\" < ? OR \"Order No\" < ?))",
        dialect.chunkQuery(QUOTER, select, chunks.get(0)));
    assertEquals(select + " WHERE (\"REGION\" >= ? AND (\"REGION\" > ? OR \"Order No\" >= ?))"
        + " AND (\"REGION\" <= ? AND (\"REGION\" < ? OR \"Order No\" < ?))",
        dialect.chunkQuery(QUOTER, select, chunks.get(1)));
    assertEquals(select + " WHERE (\"REGION\" >= ? AND (\"REGION\" > ? OR \"Order No\" >= ?))",
        dialect.chunkQuery(QUOTER, select, chunks.get(2)));
  }

  @Test
  void textAndNumericKeysAndDateKeysCastBackToDate() throws Exception {
    List<TableChunk> texts = threeChunks(TEXTS, List.of("NVARCHAR2"), List.of(""), List.of("é_ü"));
    assertEquals("SELECT * FROM \"TEXTS\" WHERE (\"K\" >= ?) AND (\"K\" < ?)",
        dialect.chunkQuery(QUOTER, "SELECT * FROM \"TEXTS\"", texts.get(1)));
    List<TableChunk> numbers = threeChunks(NUMBERS, List.of("NUMBER"), List.of("-5"), List.of("1E+3"));
    assertEquals("S WHERE (\"ID\" < ?)", dialect.chunkQuery(QUOTER, "S", numbers.get(0)));
    List<TableChunk> dates = threeChunks(NUMBERS, List.of("DATE"), List.of("2024-03-01T00:00"), List.of("2024-03-02T10:15:30"));
    assertEquals("S WHERE (\"ID\" >= CAST(? AS DATE))", dialect.chunkQuery(QUOTER, "S", dates.get(2)));
  }

  @Test
  void boundsAreBoundInTheKeysOwnTypes() throws Exception {
    List<String> calls = new ArrayList<>();
    TableChunk middle = threeChunks(ORDERS, List.of("NVARCHAR2", "NUMBER"), List.of("é", "0"), List.of("é", "1E+3")).get(1);
    dialect.bindChunk(FakeJdbc.preparedStatement(List.of(), calls), middle);
    assertEquals(List.of("setNString(1, é)", "setNString(2, é)", "setBigDecimal(3, 0)",
        "setNString(4, é)", "setNString(5, é)", "setBigDecimal(6, 1E+3)"), calls);
    calls.clear();
    ListedTable keyed = new ListedTable(new TableRef("", "T"), "TABLE", List.of("D", "TS", "R", "C"));
    TableChunk last = threeChunks(keyed, List.of("DATE", "TIMESTAMP(6)", "RAW", "CHAR"),
        List.of("2024-03-01T00:00", "2024-03-01T10:15:30.000001", "00ff", "ab "),
        List.of("2024-03-01T10:15:30", "2024-03-01T10:15:30.5", "10", " ")).get(2);
    dialect.bindChunk(FakeJdbc.preparedStatement(List.of(), calls), last);
    assertEquals(List.of("setObject(1, 2024-03-01T10:15:30)", "setObject(2, 2024-03-01T10:15:30)",
        "setObject(3, 2024-03-01T10:15:30.500)", "setObject(4, 2024-03-01T10:15:30.500)",
        "setBytes(5, bytes[16])", "setBytes(6, bytes[16])", "setString(7,  )"), calls);
  }

  @Test
  void boundariesAreReadInTheKeysOwnTypesFromTheCatalogsTypes() throws Exception {
    List<String> calls = new ArrayList<>();
    Connection c = FakeJdbc.connection(Map.of(
        OracleDialect.KEY_TYPES_SQL, List.of(List.of("REGION", "VARCHAR2"), List.of("Order No", "NUMBER"),
            List.of("NOTE", "CLOB")),
        dialect.boundariesQuery(QUOTER, ORDERS), List.of(List.of("eu", new BigDecimal("7")),
            List.of("us_east", new BigDecimal("-1.50")))), ORACLE, calls);
    KeyBoundaries b = dialect.chunkBoundaries(c, ORDERS, 5000);
    assertEquals(List.of("VARCHAR2", "NUMBER"), b.keyTypes());
    assertEquals(List.of(List.of("eu", "7"), List.of("us_east", "-1.50")), b.starts());
    assertEquals(List.of("setString(1, Mixed case_T)", "setLong(1, 5000)"), calls);
  }

  @Test
  void keysOfOtherTypesReadTheTableAsOneChunk() {
    Connection c = FakeJdbc.connection(Map.of(OracleDialect.KEY_TYPES_SQL,
        List.of(List.of("ID", "TIMESTAMP(6) WITH TIME ZONE"))), ORACLE, new ArrayList<>());
    SQLFeatureNotSupportedException e = assertThrows(SQLFeatureNotSupportedException.class,
        () -> dialect.chunkBoundaries(c, NUMBERS, 10));
    assertTrue(e.getMessage().contains("ID") && e.getMessage().contains("TIMESTAMP(6) WITH TIME ZONE"), e.getMessage());
    assertEquals(Optional.empty(), dialect.keyBinding("BINARY_DOUBLE"));
    assertEquals(Optional.empty(), dialect.keyBinding("TIMESTAMP(9) WITH LOCAL TIME ZONE"));
    assertEquals(Optional.of(KeyBinding.DATE_TIME), dialect.keyBinding("TIMESTAMP(9)"));
    assertEquals(Optional.of(KeyBinding.DECIMAL), dialect.keyBinding("FLOAT"));
  }

  @Test
  void aKeyColumnGoneSinceListingFailsTheSplit() {
    Connection c = FakeJdbc.connection(Map.of(OracleDialect.KEY_TYPES_SQL, List.of(List.of("OTHER", "NUMBER"))),
        ORACLE, new ArrayList<>());
    assertThrows(java.sql.SQLException.class, () -> dialect.chunkBoundaries(c, NUMBERS, 10));
  }

  @Test
  void dateBoundsKeepTheirSecondsWhateverTheJvmZone() throws Exception {
    // LocalDateTime: no zone, so no DST gap can move a bound (a java.sql.Timestamp could).
    List<String> calls = new ArrayList<>();
    TableChunk middle = threeChunks(NUMBERS, List.of("DATE"), List.of("2024-03-31T02:30"), List.of("2024-04-01T00:00"))
        .get(1);
    java.util.TimeZone before = java.util.TimeZone.getDefault();
    try {
      java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Europe/Paris"));
      dialect.bindChunk(FakeJdbc.preparedStatement(List.of(), calls), middle);
    } finally {
      java.util.TimeZone.setDefault(before);
    }
    assertEquals("setObject(1, " + LocalDateTime.of(2024, 3, 31, 2, 30) + ")", calls.get(0));
  }
}
