package io.beamconnectors.sources.database;

import io.beamconnectors.logging.ThreadNames;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.ListingIssueCoder;
import io.beamconnectors.sources.Scope;
import io.beamconnectors.sources.Secrets;
import io.beamconnectors.sources.SourceListing;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.SourceRecordCoder;
import io.beamconnectors.sources.database.SqlRetries.NotRetriedException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists a database: enumerates the tables (every schema except the system ones, or the configured
 * table names) with their primary keys, spreads them over workers, cuts each keyed table into
 * chunks of about {@code chunk_size} rows by primary-key ranges (boundaries from one cheap query of
 * the dialect), spreads the chunks over workers, and streams each chunk with a server-side cursor
 * of {@code fetch_size} rows and a keyset predicate, never a whole table in memory. A table without
 * a primary key, a dialect without chunk boundaries, or {@code chunk_size} 0 gives one chunk.
 *
 * <p>Issues, each for the scope {@code <schema>/<table>}: a table without a primary key is
 * SKIPPED; a table (or one chunk of it) that cannot be read, disappears, or loses its primary key
 * between listing and reading is FAILED, as is one whose columns collide on a field name. A
 * configured table that is missing at listing time (the configuration check found it before) is
 * FAILED in every schema; a failure to enumerate the tables fails the whole source. Every issue
 * keeps the documents of its scope. The listing's own issues come on {@link #ISSUES}; the reading
 * step's (a keyless table, a chunk that fails) come among the rows ({@link SourceRecord#issue}), so
 * that it has one output (see {@link SourceListing}).
 *
 * <p>Counters (namespace {@code database}): {@code tables_split}, {@code chunks_read},
 * {@code rows_read}; every chunk read also logs one line naming the worker thread that read it.
 */
public final class DatabaseListing extends SourceListing {
  private static final long serialVersionUID = 1L;

  private static final TupleTag<ListedTable> TABLES = new TupleTag<>("tables") {};
  private static final Coder<SourceRecord> RECORD_CODER = SourceRecordCoder.withDeferredFields(RowFieldsCoder.of());

  private final DatabaseDialect dialect;
  private final ConnectorConfiguration config;

  private DatabaseListing(DatabaseDialect dialect, ConnectorConfiguration config) {
    this.dialect = dialect;
    this.config = config;
  }

  public static DatabaseListing of(DatabaseDialect dialect, ConnectorConfiguration config) {
    return new DatabaseListing(dialect, config);
  }

  /** Rows travel between workers as their values (see {@link RowFieldsCoder}). */
  @Override
  protected Coder<SourceRecord> recordCoder() {
    return RECORD_CODER;
  }

  @Override
  protected PCollectionTuple list(PBegin input) {
    PCollectionTuple tables = input
        .apply("Seed", Create.of(config.getString(DatabaseConnector.DATABASE)).withCoder(StringUtf8Coder.of()))
        .apply("ListTables", ParDo.of(new ListTablesFn(dialect, config))
            .withOutputTags(TABLES, TupleTagList.of(ISSUES)));
    tables.get(TABLES).setCoder(ListedTable.Coder.of());
    tables.get(ISSUES).setCoder(ListingIssueCoder.of());

    PCollection<SourceRecord> rows = tables.get(TABLES)
        .apply("SpreadTables", Reshuffle.viaRandomKey())
        .apply("ReadTables", readTables(dialect, config));
    return PCollectionTuple.of(RECORDS, rows).and(ISSUES, tables.get(ISSUES));
  }

  /**
   * The second step on its own: cuts listed tables into chunks, spreads the chunks over workers and
   * reads them into records, with the issues of the tables and chunks read among them
   * ({@link SourceRecord#issue}; {@link io.beamconnectors.sources.SeparateIssues} takes them out).
   */
  public static PTransform<PCollection<ListedTable>, PCollection<SourceRecord>> readTables(DatabaseDialect dialect,
      ConnectorConfiguration config) {
    return new ReadTables(dialect, config);
  }

  /**
   * The last step on its own: reads chunks into records, with their issues among them. One output
   * only: on Flink the step that decides the records is then fused with it (see
   * {@link SourceListing}).
   */
  public static ParDo.SingleOutput<TableChunk, SourceRecord> readChunks(DatabaseDialect dialect,
      ConnectorConfiguration config) {
    return ParDo.of(new ReadChunkFn(dialect, config));
  }

  /** Rows per chunk as configured; 0 (or no such field) reads every table as one chunk. */
  static long rowsPerChunk(ConnectorConfiguration config) {
    return config.getLong(DatabaseConnector.CHUNK_SIZE);
  }

  static final class ReadTables extends PTransform<PCollection<ListedTable>, PCollection<SourceRecord>> {
    private static final long serialVersionUID = 1L;
    private final DatabaseDialect dialect;
    private final ConnectorConfiguration config;

    ReadTables(DatabaseDialect dialect, ConnectorConfiguration config) {
      this.dialect = dialect;
      this.config = config;
    }

    @Override
    public PCollection<SourceRecord> expand(PCollection<ListedTable> tables) {
      PCollection<List<TableChunk>> split = tables
          .apply("SplitTable", ParDo.of(new SplitTableFn(dialect, config)))
          .setCoder(ListCoder.of(TableChunk.Coder.of()));
      PCollection<SourceRecord> rows;
      if ("DirectRunner".equals(tables.getPipeline().getOptions().getRunner().getSimpleName())) {
        // One machine: a table's chunks one after another, yielding after each (see ReadChunksInTurnFn).
        rows = split.apply("ReadChunksInTurn", ParDo.of(new ReadChunksInTurnFn(dialect, config)));
      } else {
        rows = split
            .apply("EachChunk", Flatten.iterables())
            .setCoder(TableChunk.Coder.of())
            .apply("SpreadChunks", Reshuffle.viaRandomKey())
            .apply("ReadChunk", readChunks(dialect, config));
      }
      return rows.setCoder(RECORD_CODER);
    }
  }

  /**
   * The DirectRunner's way to read a table's chunks: one splittable DoFn per table that claims one
   * chunk at a time. The DirectRunner runs every ready bundle in the order it became ready, so
   * chunks spread as separate elements were all read (the whole table held in memory) before any
   * row reached the next step; this DoFn yields after each chunk when the runner asks it to
   * (after 100 outputs or a second), its rest queued behind the steps downstream, so rows flow
   * on while the table is read. Memory stays at a few chunks whatever the size of the table.
   */
  @DoFn.BoundedPerElement
  static final class ReadChunksInTurnFn extends DoFn<List<TableChunk>, SourceRecord> {
    private static final long serialVersionUID = 1L;
    private final ReadChunkFn reader;

    ReadChunksInTurnFn(DatabaseDialect dialect, ConnectorConfiguration config) {
      this.reader = new ReadChunkFn(dialect, config);
    }

    @Setup
    public void setup() {
      reader.setup();
    }

    @GetInitialRestriction
    public org.apache.beam.sdk.io.range.OffsetRange initialRestriction(@Element List<TableChunk> chunks) {
      return new org.apache.beam.sdk.io.range.OffsetRange(0, chunks.size());
    }

    @GetRestrictionCoder
    public org.apache.beam.sdk.coders.Coder<org.apache.beam.sdk.io.range.OffsetRange> restrictionCoder() {
      return org.apache.beam.sdk.io.range.OffsetRange.Coder.of();
    }

    @ProcessElement
    public void process(@Element List<TableChunk> chunks,
        org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker<org.apache.beam.sdk.io.range.OffsetRange, Long> tracker,
        OutputReceiver<SourceRecord> out) {
      for (long i = tracker.currentRestriction().getFrom(); tracker.tryClaim(i); i++) {
        reader.process(chunks.get((int) i), out);
      }
    }

    @Teardown
    public void teardown() {
      reader.teardown();
    }
  }

  /** Whether {@code tables} selects every table ({@code *} or empty). */
  static boolean allTables(List<String> configured) {
    return configured.isEmpty() || configured.contains("*");
  }

  /** The tables of every schema that {@code tables} selects, primary keys not yet looked up. */
  static List<ListedTable> catalogTables(DatabaseDialect dialect, ConnectorConfiguration config, Connection c,
      List<String> schemasOut) throws SQLException {
    List<String> configured = config.getList(DatabaseConnector.TABLES);
    boolean all = allTables(configured);
    List<ListedTable> refs = new ArrayList<>();
    for (String schema : dialect.schemas(c, config)) {
      schemasOut.add(schema);
      for (ListedTable t : dialect.tables(c, config, schema)) {
        if (all || configured.contains(t.table().name())) {
          refs.add(t);
        }
      }
    }
    return refs;
  }

  static final class ListTablesFn extends DoFn<String, ListedTable> {
    private static final long serialVersionUID = 1L;
    private final DatabaseDialect dialect;
    private final ConnectorConfiguration config;

    ListTablesFn(DatabaseDialect dialect, ConnectorConfiguration config) {
      this.dialect = dialect;
      this.config = config;
    }

    @ProcessElement
    public void process(MultiOutputReceiver out) {
      List<String> configured = config.getList(DatabaseConnector.TABLES);
      List<String> schemas = new ArrayList<>();
      try {
        List<ListedTable> found = SqlRetries.of(dialect, config.getInt(DatabaseConnector.RETRY_COUNT)).run(() -> {
          schemas.clear();
          try (Connection c = JdbcConnections.open(dialect, config)) {
            List<ListedTable> tables = new ArrayList<>();
            for (ListedTable t : catalogTables(dialect, config, c, schemas)) {
              tables.add(t.withPrimaryKey(dialect.primaryKey(c, t.table())));
            }
            return tables;
          }
        });
        Set<String> seen = new LinkedHashSet<>();
        for (ListedTable t : found) {
          seen.add(t.table().name());
          out.get(TABLES).output(t);
        }
        if (!allTables(configured)) {
          for (String name : configured) {
            if (!seen.contains(name)) {
              // Passed the configuration check, gone now: renamed or dropped mid-migration. Its
              // documents are kept in whichever schema they were.
              String message = "table '" + name + "' named in 'tables' no longer exists in database '"
                  + config.getString(DatabaseConnector.DATABASE) + "': its documents are kept";
              if (schemas.isEmpty()) {
                out.get(ISSUES).output(ListingIssue.failed(Scope.wholeSource(), message));
              }
              for (String schema : schemas) {
                out.get(ISSUES).output(ListingIssue.failed(Scope.of(schema, name), message));
              }
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        out.get(ISSUES).output(ListingIssue.failed(Scope.wholeSource(),
            "cannot list the tables of database '" + config.getString(DatabaseConnector.DATABASE) + "': "
                + Secrets.describe(e, Secrets.of(config))));
      }
    }
  }

  /**
   * A listed table to its chunks. A keyless table is one chunk (the reader reports it as skipped).
   * When the boundaries cannot be found the table is one chunk too: its read then succeeds or fails
   * for the whole table, as it would have without chunks.
   */
  static final class SplitTableFn extends DoFn<ListedTable, List<TableChunk>> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SplitTableFn.class);
    private final DatabaseDialect dialect;
    private final ConnectorConfiguration config;
    private final Counter tablesSplit = Metrics.counter("database", "tables_split");
    private transient WorkerConnection connection;

    SplitTableFn(DatabaseDialect dialect, ConnectorConfiguration config) {
      this.dialect = dialect;
      this.config = config;
    }

    @ProcessElement
    public void process(@Element ListedTable table, OutputReceiver<List<TableChunk>> out) {
      long rowsPerChunk = rowsPerChunk(config);
      if (table.primaryKey().isEmpty() || rowsPerChunk <= 0) {
        out.output(List.of(TableChunk.whole(table)));
        return;
      }
      KeyBoundaries boundaries;
      try {
        boundaries = SqlRetries.of(dialect, config.getInt(DatabaseConnector.RETRY_COUNT)).run(() -> {
          try {
            return dialect.chunkBoundaries(connection.get(), table, rowsPerChunk);
          } catch (SQLException e) {
            connection.drop();
            throw e;
          }
        });
      } catch (SQLException | RuntimeException e) {
        LOG.warn("table {}: no chunk boundaries ({}), read as one chunk", table,
            Secrets.describe(e, Secrets.of(config)));
        boundaries = KeyBoundaries.none();
      }
      List<TableChunk> chunks = TableChunk.split(table, boundaries);
      tablesSplit.inc();
      LOG.info("table {}: {} chunk(s) of up to {} rows", table, chunks.size(), rowsPerChunk);
      out.output(chunks);
    }

    @Setup
    public void setup() {
      connection = new WorkerConnection(dialect, config, false);
    }

    @Teardown
    public void teardown() {
      if (connection != null) {
        connection.drop();
      }
    }
  }

  static final class ReadChunkFn extends DoFn<TableChunk, SourceRecord> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ReadChunkFn.class);
    private final DatabaseDialect dialect;
    private final ConnectorConfiguration config;
    private final Counter rowsRead = Metrics.counter("database", "rows_read");
    private final Counter chunksRead = Metrics.counter("database", "chunks_read");
    private transient WorkerConnection connection;

    ReadChunkFn(DatabaseDialect dialect, ConnectorConfiguration config) {
      this.dialect = dialect;
      this.config = config;
    }

    @Setup
    public void setup() {
      connection = new WorkerConnection(dialect, config, true);
    }

    @ProcessElement
    public void process(@Element TableChunk chunk, OutputReceiver<SourceRecord> out) {
      ListedTable table = chunk.table();
      Scope scope = table.table().scope();
      if (table.primaryKey().isEmpty()) {
        out.output(SourceRecord.issue(ListingIssue.skipped(scope,
            "table " + table + " has no primary key, so its rows have no stable id and are not synced"
                + " (its documents are kept): add a primary key to sync it")));
        return;
      }
      long[] emitted = {0};
      String part = chunk.isWholeTable() ? "" : " (chunk " + (chunk.index() + 1) + " of " + chunk.count() + ")";
      try {
        // Retried only until the first row is out: a retry after that would list rows twice.
        SqlRetries.of(dialect, config.getInt(DatabaseConnector.RETRY_COUNT)).run(() -> {
          try {
            stream(chunk, out, emitted);
            return null;
          } catch (SQLException e) {
            connection.drop();
            if (emitted[0] > 0 && !(e instanceof NotRetriedException)) {
              throw new NotRetriedException(e);
            }
            throw e;
          }
        });
        chunksRead.inc();
        LOG.info("{}: {} rows read by worker thread '{}'", chunk, emitted[0], ThreadNames.shortened(Thread.currentThread().getName()));
      } catch (SQLException | RuntimeException e) {
        String after = emitted[0] > 0 ? " after " + emitted[0] + " rows" : "";
        String why;
        if (e instanceof NotRetriedException && e.getCause() == null) {
          why = Secrets.redact(e.getMessage(), Secrets.of(config)); // our own message: the table changed
        } else {
          Throwable cause = e instanceof NotRetriedException ? e.getCause() : e;
          why = Secrets.describe(cause, Secrets.of(config));
        }
        out.output(SourceRecord.issue(ListingIssue.failed(scope,
            "reading table " + table + part + " failed" + after + " (its documents are kept): " + why)));
      }
    }

    private void stream(TableChunk chunk, OutputReceiver<SourceRecord> out, long[] emitted) throws SQLException {
      Connection c = connection.get();
      String database = config.getString(DatabaseConnector.DATABASE);
      ListedTable table = chunk.table();
      TableRef ref = table.table();
      try {
        // In the reading transaction: a table dropped or stripped of its key since it was listed
        // must fail, not look empty.
        List<String> pk = dialect.primaryKey(c, ref);
        if (pk.isEmpty()) {
          throw new NotRetriedException("table " + table + " lost its primary key " + table.primaryKey()
              + " after it was listed (or was dropped)");
        }
        if (!chunk.isWholeTable() && !pk.equals(table.primaryKey())) {
          throw new NotRetriedException("the primary key of table " + table + " changed from " + table.primaryKey()
              + " to " + pk + " after it was split into chunks");
        }
        // On the connection: dialects that quote with the driver's enquoteIdentifier need it.
        String sql = dialect.selectChunk(c, chunk);
        try (PreparedStatement s = c.prepareStatement(sql,
            ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
          s.setFetchSize(Math.max(1, config.getInt(DatabaseConnector.FETCH_SIZE)));
          dialect.bindChunk(s, chunk);
          try (ResultSet rs = s.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            int n = md.getColumnCount();
            List<String> columns = new ArrayList<>(n);
            String[] types = new String[n];
            for (int i = 0; i < n; i++) {
              columns.add(md.getColumnName(i + 1));
              types[i] = md.getColumnTypeName(i + 1);
            }
            Optional<String> twins = RowDocuments.caseTwins(ref, columns);
            if (twins.isPresent()) {
              throw new NotRetriedException(twins.get());
            }
            List<String> fieldNames = new ArrayList<>(n);
            for (String col : columns) {
              fieldNames.add(RowDocuments.fieldName(ref, col));
            }
            RowShape shape = new RowShape(database, ref, fieldNames);
            int[] keyIndex = new int[pk.size()];
            for (int k = 0; k < pk.size(); k++) {
              keyIndex[k] = columns.indexOf(pk.get(k));
              if (keyIndex[k] < 0) {
                throw new NotRetriedException("primary-key column " + pk.get(k) + " of table " + table
                    + " is not in its rows");
              }
            }
            while (rs.next()) {
              List<ColumnValue> values = new ArrayList<>(n);
              for (int i = 0; i < n; i++) {
                values.add(dialect.value(rs, i + 1, types[i]));
              }
              List<String> keys = new ArrayList<>(keyIndex.length);
              for (int k : keyIndex) {
                keys.add(values.get(k).keyText());
              }
              // Rows: the token is empty, the engine's token is made from the fingerprint of the
              // row's exact values; its JSON is written only if the row is to be indexed.
              out.output(SourceRecord.of(RowIds.id(database, ref, keys), "", ref.scope(),
                  shape.fields(values)));
              emitted[0]++;
              rowsRead.inc();
            }
          }
        }
      } finally {
        try {
          if (!c.isClosed() && !c.getAutoCommit()) {
            c.rollback();
          }
        } catch (SQLException ignored) {
          // A broken connection: the failure that broke it is the one to report.
        }
      }
    }

    @Teardown
    public void teardown() {
      if (connection != null) {
        connection.drop();
      }
    }
  }
}
