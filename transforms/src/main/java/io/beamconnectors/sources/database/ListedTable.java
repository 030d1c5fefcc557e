package io.beamconnectors.sources.database;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;

/**
 * A table as the catalog listed it: where it is, its kind in the dialect's catalog (PostgreSQL's
 * {@code relkind}, e.g. {@code r} or {@code p}), and its primary-key columns in key order as they
 * were when the tables were listed (empty: the table has no key and is skipped). The reader checks
 * the key again when it reads the table, so a key dropped in between fails the table instead of
 * looking like an emptied table.
 */
@org.apache.beam.sdk.coders.DefaultCoder(ListedTable.Coder.class)
public record ListedTable(TableRef table, String kind, List<String> primaryKey) implements Serializable {
  public ListedTable {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(kind, "kind");
    primaryKey = List.copyOf(primaryKey);
  }

  public ListedTable withPrimaryKey(List<String> key) {
    return new ListedTable(table, kind, key);
  }

  @Override
  public String toString() {
    return table.toString();
  }

  /** Deterministic coder. */
  public static final class Coder extends AtomicCoder<ListedTable> {
    private static final long serialVersionUID = 1L;
    private static final Coder INSTANCE = new Coder();
    private static final ListCoder<String> KEY = ListCoder.of(StringUtf8Coder.of());

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(ListedTable value, OutputStream out) throws IOException {
      TableRef.Coder.of().encode(value.table(), out);
      StringUtf8Coder.of().encode(value.kind(), out);
      KEY.encode(value.primaryKey(), out);
    }

    @Override
    public ListedTable decode(InputStream in) throws IOException {
      return new ListedTable(TableRef.Coder.of().decode(in), StringUtf8Coder.of().decode(in), KEY.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
