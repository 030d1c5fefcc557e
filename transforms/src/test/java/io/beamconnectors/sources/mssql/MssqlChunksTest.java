package io.beamconnectors.sources.mssql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.sources.database.FakeJdbc;
import io.beamconnectors.sources.database.KeyBinding;
import io.beamconnectors.sources.database.KeyBoundaries;
import io.beamconnectors.sources.database.ListedTable;
import io.beamconnectors.sources.database.TableChunk;
import io.beamconnectors.sources.database.TableRef;
import java.sql.Connection;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The SQL of SQL Server's chunked reads, without a server (none can run here): the boundary query,
 * the keyset predicates of the first, a middle and the last chunk with every bound cast to the key
 * column's declared type, and the parameters bound in the key's own types, with the JDBC default
 * quoting mssql-jdbc uses and fakes (FakeJdbc) for the catalog answers.
 */
class MssqlChunksTest {
  private static final Statement QUOTER = FakeJdbc.quoter(null);
  private final MssqlDialect dialect = new MssqlDialect();

  private static final ListedTable ORDERS = new ListedTable(new TableRef("dbo", "odd]name"), "U",
      List.of("region", "order no"));
  private static final ListedTable TEXTS = new ListedTable(new TableRef("sales", "texts"), "U", List.of("k"));
  private static final ListedTable NUMBERS = new ListedTable(new TableRef("dbo", "numbers"), "U", List.of("id"));

  private static List<TableChunk> threeChunks(ListedTable table, List<String> types, List<String> first,
      List<String> second) {
    return TableChunk.split(table, new KeyBoundaries(types, List.of(first, second)));
  }

  /** The query of a chunk: the table's select limited to the chunk's range. */
  private String chunkSql(TableChunk chunk) throws Exception {
    return dialect.chunkQuery(QUOTER, MssqlDialect.selectSql(QUOTER, chunk.table().table()), chunk);
  }

  @Test
  void boundaryQueryNumbersTheKeyAndKeepsEveryNthWithModulo() throws Exception {
    assertEquals("SELECT bc_k1, bc_k2 FROM (SELECT \"region\" AS bc_k1, \"order no\" AS bc_k2, ROW_NUMBER() OVER"
        + " (ORDER BY \"region\", \"order no\") AS bc_row FROM \"dbo\".\"odd]name\") AS numbered"
        + " WHERE bc_row > 1 AND (bc_row - 1) % ? = 0 ORDER BY bc_row", dialect.boundariesQuery(QUOTER, ORDERS));
  }

  @Test
  void compositeKeyChunksCastEachBoundToTheColumnsType() throws Exception {
    List<TableChunk> chunks = threeChunks(ORDERS, List.of("varchar(10)", "int"), List.of("eu", "0"), List.of("eu", "7"));
    String select = "SELECT * FROM \"dbo\".\"odd]name\"";
    String lower = "(\"region\" >= CAST(? AS varchar(10)) AND (\"region\" > CAST(? AS varchar(10))"
        + " OR \"order no\" >= CAST(? AS int)))";
    String upper = "(\"region\" <= CAST(? AS varchar(10)) AND (\"region\" < CAST(? AS varchar(10))"
        + " OR \"order no\" < CAST(? AS int)))";
    assertEquals(select + " WHERE " + upper, chunkSql(chunks.get(0)));
    assertEquals(select + " WHERE " + lower + " AND " + upper, chunkSql(chunks.get(1)));
    assertEquals(select + " WHERE " + lower, chunkSql(chunks.get(2)));
    assertEquals(select, chunkSql(TableChunk.whole(ORDERS)));
  }

  @Test
  void textAndNumericKeys() throws Exception {
    List<TableChunk> texts = threeChunks(TEXTS, List.of("nvarchar(40)"), List.of(""), List.of("日本"));
    assertEquals("SELECT * FROM \"sales\".\"texts\" WHERE (\"k\" >= CAST(? AS nvarchar(40)))"
        + " AND (\"k\" < CAST(? AS nvarchar(40)))", chunkSql(texts.get(1)));
    List<TableChunk> numbers = threeChunks(NUMBERS, List.of("decimal(38,10)"), List.of("-1.5"), List.of("0E-10"));
    assertEquals("SELECT * FROM \"dbo\".\"numbers\" WHERE (\"id\" >= CAST(? AS decimal(38,10)))",
        chunkSql(numbers.get(2)));
  }

  @Test
  void declaredTypesFromTheCatalog() {
    assertEquals("nvarchar(40)", MssqlDialect.declaredType("nvarchar", 80, 0, 0), "max_length is in bytes");
    assertEquals("varchar(max)", MssqlDialect.declaredType("varchar", -1, 0, 0));
    assertEquals("varbinary(16)", MssqlDialect.declaredType("varbinary", 16, 0, 0));
    assertEquals("decimal(10,2)", MssqlDialect.declaredType("decimal", 9, 10, 2));
    assertEquals("datetime2(7)", MssqlDialect.declaredType("datetime2", 8, 27, 7));
    assertEquals("int", MssqlDialect.declaredType("INT", 4, 10, 0));
    assertEquals("uniqueidentifier", MssqlDialect.declaredType("uniqueidentifier", 16, 0, 0));
  }

  @Test
  void boundsAreBoundInTheKeysOwnTypes() throws Exception {
    List<String> calls = new ArrayList<>();
    ListedTable keyed = new ListedTable(new TableRef("dbo", "t"), "U", List.of("a", "b", "c", "d", "e", "f"));
    TableChunk last = threeChunks(keyed,
        List.of("bigint", "money", "uniqueidentifier", "date", "datetime2(7)", "varbinary(8)"),
        List.of("0", "0.0000", "00000000-0000-0000-0000-000000000000", "2024-01-01", "2024-01-01T00:00", "00"),
        List.of("-9223372036854775808", "12.5000", "6F9619FF-8B86-D011-B42D-00C04FC964FF", "2024-03-01",
            "2024-03-01T10:15:30.123456700", "00ff")).get(2);
    dialect.bindChunk(FakeJdbc.preparedStatement(List.of(), calls), last);
    assertEquals(List.of("setLong(1, -9223372036854775808)", "setLong(2, -9223372036854775808)",
        "setBigDecimal(3, 12.5000)", "setBigDecimal(4, 12.5000)",
        "setString(5, 6F9619FF-8B86-D011-B42D-00C04FC964FF)", "setString(6, 6F9619FF-8B86-D011-B42D-00C04FC964FF)",
        "setObject(7, 2024-03-01)", "setObject(8, 2024-03-01)",
        "setObject(9, 2024-03-01T10:15:30.123456700)", "setObject(10, 2024-03-01T10:15:30.123456700)",
        "setBytes(11, bytes[0, -1])"), calls);
  }

  @Test
  void boundariesAreReadInTheKeysOwnTypesFromTheCatalogsTypes() throws Exception {
    List<String> calls = new ArrayList<>();
    Connection c = FakeJdbc.connection(Map.of(
        MssqlDialect.KEY_TYPES_SQL, List.of(List.of("region", "nvarchar", 20, 0, 0), List.of("order no", "int", 4, 10, 0),
            List.of("placed", "datetime2", 8, 27, 7)),
        dialect.boundariesQuery(QUOTER, ORDERS), List.of(List.of("", 0L), List.of("é", -3L))), null, calls);
    KeyBoundaries b = dialect.chunkBoundaries(c, ORDERS, 10_000);
    assertEquals(List.of("nvarchar(10)", "int"), b.keyTypes());
    assertEquals(List.of(List.of("", "0"), List.of("é", "-3")), b.starts());
    assertEquals(List.of("setString(1, dbo)", "setString(2, odd]name)", "setLong(1, 10000)"), calls);
    ListedTable dated = new ListedTable(new TableRef("dbo", "d"), "U", List.of("day", "at"));
    Connection d = FakeJdbc.connection(Map.of(
        MssqlDialect.KEY_TYPES_SQL, List.of(List.of("day", "date", 3, 10, 0), List.of("at", "datetime", 8, 23, 3)),
        dialect.boundariesQuery(QUOTER, dated), List.of(List.of(LocalDate.of(2024, 2, 29),
            LocalDateTime.of(2024, 3, 1, 10, 15, 30, 3_333_333)))), null, new ArrayList<>());
    assertEquals(List.of(List.of("2024-02-29", "2024-03-01T10:15:30.003333333")),
        dialect.chunkBoundaries(d, dated, 2).starts());
  }

  @Test
  void keysOfOtherTypesReadTheTableAsOneChunk() {
    Connection c = FakeJdbc.connection(Map.of(MssqlDialect.KEY_TYPES_SQL,
        List.of(List.of("id", "datetimeoffset", 10, 34, 7))), null, new ArrayList<>());
    SQLFeatureNotSupportedException e = assertThrows(SQLFeatureNotSupportedException.class,
        () -> dialect.chunkBoundaries(c, NUMBERS, 10));
    assertTrue(e.getMessage().contains("datetimeoffset(7)"), e.getMessage());
    for (String type : List.of("bit", "float", "real", "time(7)", "sql_variant", "hierarchyid")) {
      assertEquals(Optional.empty(), dialect.keyBinding(type), type);
    }
    assertEquals(Optional.of(KeyBinding.TEXT), dialect.keyBinding("uniqueidentifier"));
  }
}
