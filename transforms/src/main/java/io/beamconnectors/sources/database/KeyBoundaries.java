package io.beamconnectors.sources.database;

import java.io.Serializable;
import java.util.List;

/**
 * Where a table's chunks start, as a dialect found them: the dialect's type of each primary-key
 * column (what its keyset predicates cast or bind the bounds as) and, in key order, the first key of
 * every chunk but the first, each value as the dialect's text of it (PostgreSQL: the server's own
 * text, cast back in SQL; Oracle and SQL Server: a {@link KeyBinding} text, bound in the key's own
 * type). No starts: the table is read as one chunk.
 */
public record KeyBoundaries(List<String> keyTypes, List<List<String>> starts) implements Serializable {
  public KeyBoundaries {
    keyTypes = List.copyOf(keyTypes);
    starts = starts.stream().map(List::copyOf).toList();
    for (List<String> start : starts) {
      if (start.size() != keyTypes.size()) {
        throw new IllegalArgumentException("a chunk start needs one value per key column " + keyTypes + ": got " + start);
      }
    }
  }

  /** The whole table as one chunk. */
  public static KeyBoundaries none() {
    return new KeyBoundaries(List.of(), List.of());
  }
}
