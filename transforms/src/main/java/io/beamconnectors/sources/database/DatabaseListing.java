package io.beamconnectors.sources.database;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.Scope;
import io.beamconnectors.sources.Secrets;
import io.beamconnectors.sources.SourceListing;
import io.beamconnectors.sources.SourceRecord;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.transforms.Flatten;

/**
 * Lists a database: enumerates the tables (every schema except the system ones, or the configured
 * table names), spreads them over workers, and streams each table with a server-side cursor of
 * {@code fetch_size} rows, never a whole table in memory. A table without a primary key is
 * reported as skipped; a table that fails is reported as failed (nothing under it is deleted);
 * a failure to enumerate the tables fails the whole source.
 */
public final class DatabaseListing extends SourceListing {
  private static final long serialVersionUID = 1L;

  private static final TupleTag<TableRef> TABLES = new TupleTag<>("tables") {};

  private final DatabaseDialect dialect;
  private final ConnectorConfiguration config;

  private DatabaseListing(DatabaseDialect dialect, ConnectorConfiguration config) {
    this.dialect = dialect;
    this.config = config;
  }

  public static DatabaseListing of(DatabaseDialect dialect, ConnectorConfiguration config) {
    return new DatabaseListing(dialect, config);
  }

  @Override
  protected PCollectionTuple list(PBegin input) {
    PCollectionTuple tables = input
        .apply("Seed", Create.of(config.getString(DatabaseConnector.DATABASE)).withCoder(StringUtf8Coder.of()))
        .apply("ListTables", ParDo.of(new ListTablesFn(dialect, config))
            .withOutputTags(TABLES, TupleTagList.of(ISSUES)));
    tables.get(TABLES).setCoder(TableRef.Coder.of());
    tables.get(ISSUES).setCoder(io.beamconnectors.sources.ListingIssueCoder.of());

    PCollectionTuple rows = tables.get(TABLES)
        .apply("SpreadTables", Reshuffle.viaRandomKey())
        .apply("ReadTable", ParDo.of(new ReadTableFn(dialect, config))
            .withOutputTags(RECORDS, TupleTagList.of(ISSUES)));
    rows.get(ISSUES).setCoder(io.beamconnectors.sources.ListingIssueCoder.of());

    PCollection<ListingIssue> issues = PCollectionList.of(tables.get(ISSUES)).and(rows.get(ISSUES))
        .apply("AllIssues", Flatten.pCollections());
    return PCollectionTuple.of(RECORDS, rows.get(RECORDS)).and(ISSUES, issues);
  }

  /** Retries an action with exponential backoff (2, 4, 8 s...) while failures are transient. */
  static <T> T withRetries(DatabaseDialect dialect, int retries, SqlAction<T> action) throws SQLException {
    int attempt = 0;
    while (true) {
      try {
        return action.run();
      } catch (SQLException e) {
        if (e instanceof NotRetriedException || attempt >= retries || !dialect.isTransient(e)) {
          throw e;
        }
        attempt++;
        try {
          Thread.sleep(1000L << attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  @FunctionalInterface
  interface SqlAction<T> {
    T run() throws SQLException;
  }

  static final class ListTablesFn extends DoFn<String, TableRef> {
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
      boolean all = configured.isEmpty() || configured.contains("*");
      int retries = config.getInt(DatabaseConnector.RETRY_COUNT);
      try {
        List<TableRef> found = withRetries(dialect, retries, () -> {
          try (Connection c = JdbcConnections.open(dialect, config)) {
            List<TableRef> refs = new ArrayList<>();
            for (String schema : dialect.schemas(c, config)) {
              for (String table : dialect.tables(c, config, schema)) {
                if (all || configured.contains(table)) {
                  refs.add(new TableRef(schema, table));
                }
              }
            }
            return refs;
          }
        });
        Set<String> seen = new HashSet<>();
        for (TableRef t : found) {
          seen.add(t.name());
          out.get(TABLES).output(t);
        }
        if (!all) {
          for (String name : configured) {
            if (!seen.contains(name)) {
              out.get(ISSUES).output(ListingIssue.skipped(Scope.wholeSource(),
                  "table '" + name + "' named in 'tables' was not found in database '"
                      + config.getString(DatabaseConnector.DATABASE) + "': check its spelling and case"));
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

  static final class ReadTableFn extends DoFn<TableRef, SourceRecord> {
    private static final long serialVersionUID = 1L;
    private final DatabaseDialect dialect;
    private final ConnectorConfiguration config;
    private final Counter rowsRead = Metrics.counter("database", "rows_read");
    private final Counter tablesRead = Metrics.counter("database", "tables_read");
    private transient Connection connection;

    ReadTableFn(DatabaseDialect dialect, ConnectorConfiguration config) {
      this.dialect = dialect;
      this.config = config;
    }

    private Connection connection() throws SQLException {
      if (connection == null || connection.isClosed()) {
        connection = JdbcConnections.open(dialect, config);
        dialect.prepareForStreaming(connection);
      }
      return connection;
    }

    private void dropConnection() {
      if (connection != null) {
        try {
          connection.close();
        } catch (SQLException ignored) {
          // already broken
        }
        connection = null;
      }
    }

    @ProcessElement
    public void process(@Element TableRef table, MultiOutputReceiver out) {
      int retries = config.getInt(DatabaseConnector.RETRY_COUNT);
      String database = config.getString(DatabaseConnector.DATABASE);
      long[] emitted = {0};
      try {
        List<String> pk = withRetries(dialect, retries, () -> {
          try {
            return dialect.primaryKey(connection(), table);
          } catch (SQLException e) {
            dropConnection();
            throw e;
          }
        });
        if (pk.isEmpty()) {
          out.get(ISSUES).output(ListingIssue.skipped(table.scope(),
              "table " + table + " has no primary key, so its rows have no stable id and are not synced:"
                  + " add a primary key to sync it"));
          return;
        }
        // Retry only until the first row is out: a retry after that would list rows twice.
        withRetries(dialect, retries, () -> {
          try {
            stream(table, pk, database, out, emitted);
            return null;
          } catch (SQLException e) {
            dropConnection();
            if (emitted[0] > 0) {
              throw new NotRetriedException(e);
            }
            throw e;
          }
        });
        tablesRead.inc();
      } catch (NotRetriedException e) {
        out.get(ISSUES).output(ListingIssue.failed(table.scope(),
            "reading table " + table + " failed after " + emitted[0] + " rows: "
                + Secrets.describe(e.getCause(), Secrets.of(config))));
      } catch (SQLException | RuntimeException e) {
        out.get(ISSUES).output(ListingIssue.failed(table.scope(),
            "reading table " + table + " failed: " + Secrets.describe(e, Secrets.of(config))));
      }
    }

    private void stream(TableRef table, List<String> pk, String database, MultiOutputReceiver out, long[] emitted)
        throws SQLException {
      Connection c = connection();
      try (Statement s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
        s.setFetchSize(Math.max(1, config.getInt(DatabaseConnector.FETCH_SIZE)));
        try (ResultSet rs = s.executeQuery(dialect.selectAll(table))) {
          ResultSetMetaData md = rs.getMetaData();
          int n = md.getColumnCount();
          String[] names = new String[n];
          int[] keyIndex = new int[pk.size()];
          for (int i = 0; i < n; i++) {
            names[i] = RowDocuments.fieldName(table, md.getColumnLabel(i + 1));
            int k = pk.indexOf(md.getColumnLabel(i + 1));
            if (k >= 0) {
              keyIndex[k] = i + 1;
            }
          }
          while (rs.next()) {
            ObjectNode doc = RowDocuments.newDocument();
            List<Object> keys = new ArrayList<>(pk.size());
            for (int k : keyIndex) {
              keys.add(rs.getObject(k));
            }
            for (int i = 0; i < n; i++) {
              RowDocuments.put(doc, names[i], rs.getObject(i + 1));
            }
            doc.put("Database", database);
            doc.put("Table", table.name());
            if (!table.schema().isEmpty()) {
              doc.put("schema", table.schema());
            }
            String fields = doc.toString();
            String id = RowDocuments.id(database, table, keys);
            out.get(RECORDS).output(SourceRecord.of(id, RowDocuments.token(fields), table.scope(), fields));
            emitted[0]++;
            rowsRead.inc();
          }
        }
      } finally {
        if (!c.getAutoCommit()) {
          c.rollback();
        }
      }
    }

    @Teardown
    public void teardown() {
      dropConnection();
    }
  }

  /** Wraps a failure that must not be retried because rows were already emitted. */
  static final class NotRetriedException extends SQLException {
    private static final long serialVersionUID = 1L;

    NotRetriedException(SQLException cause) {
      super(cause.getMessage(), cause.getSQLState(), cause);
    }
  }
}
