package io.beamconnectors.sources.database;

import java.io.Serializable;
import java.util.List;

/**
 * Where a table's chunks start, as a dialect found them: the SQL type of each primary-key column
 * (for the casts of the keyset predicates) and, in key order, the first key of every chunk but the
 * first, each as the database prints its key values. No starts: the table is read as one chunk.
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
