package io.beamconnectors.ftest.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.beamconnectors.ftest.support.IndexInspector;
import io.beamconnectors.metrics.SyncCounters;
import io.beamconnectors.sync.SyncSummary;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * The chunked-read tables every database suite syncs with {@link #CHUNK_SIZE} rows per chunk: keys
 * a chunked read could get wrong. {@code composite (region, n, qty)}: text with case twins and
 * unicode, then sparse integers with zero and negatives; {@code texts (k, v)}: text keys whose
 * database order is not Java's; {@code sparse (id, v)}: sparse 64-bit integers with both extremes;
 * {@code small} (smaller than a chunk), {@code empty}, {@code exact} (exactly three chunks) and
 * {@code many} (enough chunks for every worker). Each suite creates the tables with its own types
 * (and collations), then {@link #fill}s them.
 */
public final class ChunkedTables {
  public static final int CHUNK_SIZE = 7;
  /** Rows of {@code exact}: exactly three chunks. */
  public static final int EXACT_ROWS = 3 * CHUNK_SIZE;
  public static final int MANY_ROWS = 700;
  public static final List<String> TABLES = List.of("composite", "texts", "sparse", "small", "empty", "exact", "many");
  private static final List<String> TEXTS = List.of("a", "A", "b", "B", "", " ", "a b", "a_b", "a%b", "é", "e", "E",
      "ö", "o", "z", "ß", "ss", "SS", "\uFFFD", "\uD83D\uDE00", "日本", "0", "00", "10", "9", "'", "\"", "a,b", "(1)",
      "\\x");
  private static final List<String> REGIONS = List.of("a", "A", "é", "", "a_b");
  private static final int[] NUMBERS = {-1000, -1, 0, 1, 2, 10, 99, 1000, 1000000, Integer.MAX_VALUE};
  /** The logger of the chunk reader, whose one line per chunk names the worker thread. */
  private static final String CHUNK_LOGGER = "io.beamconnectors.sources.database.DatabaseListing$ReadChunkFn";

  private ChunkedTables() {}

  /** The text keys, without '' where the database stores an empty string as NULL (Oracle). */
  public static List<String> texts(boolean emptyIsNull) {
    return emptyIsNull ? TEXTS.stream().filter(t -> !t.isEmpty()).toList() : TEXTS;
  }

  /**
   * Inserts the rows into the created tables, each named by {@code tableName} (e.g. {@code dbo.texts}):
   * {@code texts.v} is a key's position in {@link #texts}, {@code composite.qty} a running number.
   */
  public static void fill(Connection c, UnaryOperator<String> tableName, boolean emptyIsNull) throws SQLException {
    int v = 0;
    try (PreparedStatement p = c.prepareStatement("INSERT INTO " + tableName.apply("texts") + " VALUES (?, ?)")) {
      for (String t : texts(emptyIsNull)) {
        p.setString(1, t);
        p.setInt(2, v++);
        p.addBatch();
      }
      p.executeBatch();
    }
    try (PreparedStatement p = c.prepareStatement("INSERT INTO " + tableName.apply("composite") + " VALUES (?, ?, ?)")) {
      for (String region : REGIONS) {
        if (emptyIsNull && region.isEmpty()) {
          continue;
        }
        for (int n : NUMBERS) {
          p.setString(1, region);
          p.setInt(2, n);
          p.setInt(3, v++);
          p.addBatch();
        }
      }
      p.executeBatch();
    }
    List<Long> sparse = new ArrayList<>();
    for (long i = -20; i <= 20; i++) {
      sparse.add(i * i * i * 1_000_003L);
    }
    sparse.add(Long.MAX_VALUE);
    sparse.add(Long.MIN_VALUE);
    insertIds(c, tableName.apply("sparse"), sparse);
    insertIds(c, tableName.apply("small"), List.of(0L, 1L, 2L));
    insertIds(c, tableName.apply("exact"), range(1, EXACT_ROWS, 1));
    insertIds(c, tableName.apply("many"), range(1, MANY_ROWS, 3));
  }

  private static List<Long> range(long from, long count, long step) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i < from + count; i++) {
      out.add(i * step);
    }
    return out;
  }

  private static void insertIds(Connection c, String table, List<Long> ids) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
      for (long id : ids) {
        p.setLong(1, id);
        p.setString(2, "v" + id);
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  /** The key columns of a chunked table, in key order. */
  public static String keyColumns(String table) {
    return switch (table) {
      case "composite" -> "region, n";
      case "texts" -> "k";
      default -> "id";
    };
  }

  /**
   * The id of every row of every table, from the rows themselves: {@code prefix} (database,
   * schema...), the table as the id names it ({@code idTable}), then the key values as text.
   */
  public static Set<String> ids(Connection c, UnaryOperator<String> tableName, UnaryOperator<String> idTable,
      String... prefix) throws SQLException {
    Set<String> ids = new TreeSet<>();
    long rows = 0;
    for (String table : TABLES) {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT " + keyColumns(table) + " FROM " + tableName.apply(table))) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<String> parts = new ArrayList<>(List.of(prefix));
          parts.add(idTable.apply(table));
          for (int i = 1; i <= n; i++) {
            parts.add(rs.getString(i));
          }
          ids.add(MirrorAssertions.idOf(parts.toArray(new String[0])));
          rows++;
        }
      }
    }
    assertEquals(rows, ids.size(), "the expected ids are distinct");
    return ids;
  }

  /** A chunked sync listed every row exactly once, and nothing else. */
  public static void assertEveryRowOnce(SyncSummary summary, IndexInspector index, Set<String> expected)
      throws IOException {
    assertEquals(expected, index.documents().keySet(), "documents in the index == rows");
    assertEquals(expected.size(), index.count());
    assertEquals(expected.size(), summary.get(SyncCounters.LISTED), "each row listed once");
    assertEquals(0, summary.get(SyncCounters.DUPLICATE_IDS));
    assertTrue(summary.clean(), summary.issues().toString());
  }

  /**
   * Runs {@code flinkSync} (parallelism 2) and checks the chunk reader's lines: {@code exact} read as
   * three chunks of {@link #CHUNK_SIZE} rows, {@code empty} and {@code small} as one chunk, one line
   * per chunk of {@code many}, and chunks read by both workers. {@code logTable} names a table as
   * the lines do ({@code public.exact}, {@code EXACT}...).
   */
  public static SyncSummary assertBothFlinkWorkersReadChunks(Callable<SyncSummary> flinkSync,
      UnaryOperator<String> logTable) throws Exception {
    Logger chunkLog = (Logger) LoggerFactory.getLogger(CHUNK_LOGGER);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    chunkLog.addAppender(lines);
    SyncSummary flink;
    try {
      flink = flinkSync.call();
    } finally {
      chunkLog.detachAppender(lines);
    }
    assertTrue(flink.clean(), flink.issues().toString());
    List<String> messages = new ArrayList<>();
    Set<String> subtasks = new TreeSet<>();
    Pattern subtask = Pattern.compile("\\((\\d+)/2\\)");
    for (ILoggingEvent e : lines.list) {
      messages.add(e.getFormattedMessage());
      Matcher m = subtask.matcher(e.getThreadName());
      if (m.find()) {
        subtasks.add(m.group(1));
      }
    }
    System.out.println("CHUNKS ON FLINK: " + messages.size() + " chunk lines, subtasks " + subtasks);
    String exact = Pattern.quote(logTable.apply("exact"));
    long exactChunks = messages.stream()
        .filter(m -> m.matches("chunk [123]/3 of " + exact + ": " + CHUNK_SIZE + " rows read by .*"))
        .count();
    assertEquals(3, exactChunks, "a table of exactly 3 chunks is read as 3 chunks of chunk_size rows: " + messages);
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("chunk 1/1 of " + logTable.apply("empty") + ": 0 rows")),
        messages.toString());
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("chunk 1/1 of " + logTable.apply("small") + ": 3 rows")),
        messages.toString());
    long manyChunks = (MANY_ROWS + CHUNK_SIZE - 1) / CHUNK_SIZE;
    assertEquals(manyChunks, messages.stream().filter(m -> m.contains(" of " + logTable.apply("many") + ": ")).count());
    assertEquals(Set.of("1", "2"), subtasks, "both Flink workers read chunks: " + messages.size() + " lines");
    return flink;
  }
}
