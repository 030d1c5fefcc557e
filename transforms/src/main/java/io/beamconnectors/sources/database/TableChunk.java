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
import org.apache.beam.sdk.coders.VarIntCoder;

/**
 * One part of a table to read on its own: the rows whose primary key is at or after {@code lower}
 * and before {@code upper}, compared by the database itself (a keyset predicate in SQL, so the
 * database's collation and type ordering decide, never Java's). An empty bound is open; a chunk
 * with both bounds open is the whole table (the only chunk of a table without a usable key).
 *
 * @param table the table as listed
 * @param index 0-based position of this chunk in key order
 * @param count how many chunks the table was split into
 * @param keyTypes the dialect's type of each key column, for the casts or bindings of the bounds
 *     (empty when both bounds are open)
 * @param lower the first key of the chunk, one text per key column as {@link KeyBoundaries} holds
 *     it (empty: from the start)
 * @param upper the first key of the next chunk (empty: to the end)
 */
@org.apache.beam.sdk.coders.DefaultCoder(TableChunk.Coder.class)
public record TableChunk(ListedTable table, int index, int count, List<String> keyTypes, List<String> lower,
    List<String> upper) implements Serializable {
  public TableChunk {
    Objects.requireNonNull(table, "table");
    keyTypes = List.copyOf(keyTypes);
    lower = List.copyOf(lower);
    upper = List.copyOf(upper);
    if (count < 1 || index < 0 || index >= count) {
      throw new IllegalArgumentException("chunk " + index + " of " + count + " of table " + table);
    }
    int keys = table.primaryKey().size();
    if ((!lower.isEmpty() && lower.size() != keys) || (!upper.isEmpty() && upper.size() != keys)
        || ((!lower.isEmpty() || !upper.isEmpty()) && keyTypes.size() != keys)) {
      throw new IllegalArgumentException("the bounds of chunk " + index + " of table " + table
          + " must have one value and one type per primary-key column " + table.primaryKey());
    }
  }

  /** The whole table as one chunk. */
  public static TableChunk whole(ListedTable table) {
    return new TableChunk(table, 0, 1, List.of(), List.of(), List.of());
  }

  /**
   * The chunks that {@code boundaries} cut a table into, in key order: n starts give n + 1 chunks,
   * the first from the table's start, the last to its end.
   */
  public static List<TableChunk> split(ListedTable table, KeyBoundaries boundaries) {
    List<List<String>> starts = boundaries.starts();
    if (starts.isEmpty()) {
      return List.of(whole(table));
    }
    int count = starts.size() + 1;
    java.util.ArrayList<TableChunk> out = new java.util.ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      List<String> lower = i == 0 ? List.of() : starts.get(i - 1);
      List<String> upper = i == count - 1 ? List.of() : starts.get(i);
      out.add(new TableChunk(table, i, count, boundaries.keyTypes(), lower, upper));
    }
    return out;
  }

  public boolean isWholeTable() {
    return lower.isEmpty() && upper.isEmpty();
  }

  @Override
  public String toString() {
    return "chunk " + (index + 1) + "/" + count + " of " + table;
  }

  /** Deterministic coder. */
  public static final class Coder extends AtomicCoder<TableChunk> {
    private static final long serialVersionUID = 1L;
    private static final Coder INSTANCE = new Coder();
    private static final ListCoder<String> TEXTS = ListCoder.of(StringUtf8Coder.of());

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(TableChunk value, OutputStream out) throws IOException {
      ListedTable.Coder.of().encode(value.table(), out);
      VarIntCoder.of().encode(value.index(), out);
      VarIntCoder.of().encode(value.count(), out);
      TEXTS.encode(value.keyTypes(), out);
      TEXTS.encode(value.lower(), out);
      TEXTS.encode(value.upper(), out);
    }

    @Override
    public TableChunk decode(InputStream in) throws IOException {
      return new TableChunk(ListedTable.Coder.of().decode(in), VarIntCoder.of().decode(in),
          VarIntCoder.of().decode(in), TEXTS.decode(in), TEXTS.decode(in), TEXTS.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
