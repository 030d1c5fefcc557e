package io.beamconnectors.sources.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The chunked reads of dialects that quote with the driver and have no row-value comparison
 * (Oracle, SQL Server): boundaries from {@link ChunkBoundaries} with every key value read in its own
 * type ({@link KeyBinding}), chunk predicates from {@link KeysetPredicate} with every bound a
 * parameter bound in the key's own type. A dialect says only what differs: its catalog's column
 * types, which of them bind how, the parameter expression a bound is compared with, quoting, and
 * the spelling of the boundary query.
 */
public abstract class ExpandedKeysetDialect implements DatabaseDialect {
  private static final long serialVersionUID = 1L;

  /** How a key column of the dialect's type {@code keyType} is bound, or empty: such a key does not split its table. */
  public abstract Optional<KeyBinding> keyBinding(String keyType);

  /** The expression a bound of a key column of type {@code keyType} is compared with, holding one {@code ?}. */
  public abstract String keyParameter(String keyType);

  /** The dialect's type of every column of {@code table}, by column name (the catalog's answer). */
  protected abstract Map<String, String> columnTypes(Connection c, TableRef table) throws SQLException;

  /** {@code identifier} quoted by the driver ({@link Statement#enquoteIdentifier}). */
  protected abstract String quoted(Statement quoter, String identifier) throws SQLException;

  /** The table as a FROM clause names it, quoted by the driver. */
  protected abstract String from(Statement quoter, TableRef table) throws SQLException;

  /** {@link ChunkBoundaries#query} in the dialect's spelling of a derived table and of the modulo. */
  protected abstract String boundariesQuery(List<String> quotedKey, String from);

  /** The type of each key column, in key order; fails when one is gone or does not split a table. */
  public List<String> keyTypes(Connection c, ListedTable table) throws SQLException {
    return KeyColumns.types(table, columnTypes(c, table.table()), type -> keyBinding(type).isPresent());
  }

  /**
   * Every {@code rowsPerChunk}-th key in key order, as the server orders the key (its columns'
   * collations), the same order the chunk predicates compare in; each value read in its own type.
   */
  @Override
  public KeyBoundaries chunkBoundaries(Connection c, ListedTable table, long rowsPerChunk) throws SQLException {
    List<String> types = keyTypes(c, table);
    String sql;
    try (Statement quoter = c.createStatement()) {
      sql = boundariesQuery(quoter, table);
    }
    return ChunkBoundaries.find(c, sql, rowsPerChunk, types, (row, column, type) -> binding(type).read(row, column));
  }

  /** The boundary query of {@code table}. */
  public String boundariesQuery(Statement quoter, ListedTable table) throws SQLException {
    return boundariesQuery(quotedKey(quoter, table), from(quoter, table.table()));
  }

  /** The table's select ({@link #selectAll(Connection, ListedTable)}) limited to the chunk's key range. */
  @Override
  public String selectChunk(Connection c, TableChunk chunk) throws SQLException {
    String select = selectAll(c, chunk.table());
    if (chunk.isWholeTable()) {
      return select;
    }
    try (Statement quoter = c.createStatement()) {
      return chunkQuery(quoter, select, chunk);
    }
  }

  /**
   * {@code <select> WHERE (<key> at or after the lower bound) AND (<key> before the upper bound)},
   * each side only where the chunk has that bound; {@code select} alone for the whole table.
   */
  public String chunkQuery(Statement quoter, String select, TableChunk chunk) throws SQLException {
    if (chunk.isWholeTable()) {
      return select;
    }
    List<String> parameters = new ArrayList<>();
    for (String type : chunk.keyTypes()) {
      parameters.add(keyParameter(type));
    }
    return select + " WHERE " + KeysetPredicate.where(chunk, quotedKey(quoter, chunk.table()), parameters);
  }

  @Override
  public void bindChunk(PreparedStatement statement, TableChunk chunk) throws SQLException {
    KeysetPredicate.bind(statement, chunk, (s, parameter, type, text) -> binding(type).bind(s, parameter, text));
  }

  private List<String> quotedKey(Statement quoter, ListedTable table) throws SQLException {
    List<String> quoted = new ArrayList<>();
    for (String column : table.primaryKey()) {
      quoted.add(quoted(quoter, column));
    }
    return quoted;
  }

  private KeyBinding binding(String keyType) throws SQLException {
    Optional<KeyBinding> b = keyBinding(keyType);
    if (b.isEmpty()) {
      throw new SQLFeatureNotSupportedException("a key of type " + keyType + " cannot bound a chunk");
    }
    return b.get();
  }
}
