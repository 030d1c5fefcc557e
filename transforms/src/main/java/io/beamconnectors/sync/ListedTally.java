package io.beamconnectors.sync;

import io.beamconnectors.sources.SourceRecord;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;

/**
 * What one bundle of the listing adds up to, per window, as {@link ListedSummary} facts: its
 * distinct scopes, its ids packed in chunks of up to {@value #ID_CHUNK_BYTES} bytes (when asked),
 * and, when told, the number of its ids the index held and the fewest documents the index held
 * when a step deciding them began. Sent a few per bundle instead of one per
 * record: the DirectRunner does not pre-combine, and pays its per-element bookkeeping on every
 * step an element passes. Not thread-safe: one per bundle.
 */
final class ListedTally {
  static final int ID_CHUNK_BYTES = 8 << 20;

  private final boolean withIds;
  private final Map<BoundedWindow, Set<String>> scopes = new HashMap<>();
  private final Map<BoundedWindow, PackedIds> ids = new HashMap<>();
  private final Map<BoundedWindow, long[]> found = new HashMap<>();
  private final Map<BoundedWindow, long[]> held = new HashMap<>();

  ListedTally(boolean withIds) {
    this.withIds = withIds;
  }

  /** Counts a listed record; returns a full chunk of ids to send now, in its window, or null. */
  ListedSummary add(SourceRecord r, BoundedWindow window) {
    scopes.computeIfAbsent(window, w -> new HashSet<>()).add(r.scope());
    if (!withIds) {
      return null;
    }
    PackedIds chunk = ids.computeIfAbsent(window, w -> new PackedIds());
    chunk.add(r.id());
    if (chunk.size() < ID_CHUNK_BYTES) {
      return null;
    }
    byte[] full = chunk.toByteArray();
    chunk.clear();
    return ListedSummary.idChunk(full);
  }

  /** Adds to the number of listed ids of the window that the index held. */
  void addFound(BoundedWindow window, long n) {
    found.computeIfAbsent(window, w -> new long[1])[0] += n;
  }

  /** Notes how many documents the index held (the smallest count of the window is kept). */
  void addHeld(BoundedWindow window, long n) {
    long[] least = held.computeIfAbsent(window, w -> new long[] {Long.MAX_VALUE});
    least[0] = Math.min(least[0], n);
  }

  /** Hands on everything not yet sent, with its window. */
  void drain(BiConsumer<ListedSummary, BoundedWindow> out) {
    for (Map.Entry<BoundedWindow, Set<String>> e : scopes.entrySet()) {
      for (String scope : e.getValue()) {
        out.accept(ListedSummary.scope(scope), e.getKey());
      }
    }
    for (Map.Entry<BoundedWindow, PackedIds> e : ids.entrySet()) {
      if (e.getValue().count() > 0) {
        out.accept(ListedSummary.idChunk(e.getValue().toByteArray()), e.getKey());
      }
    }
    for (Map.Entry<BoundedWindow, long[]> e : found.entrySet()) {
      out.accept(ListedSummary.found(e.getValue()[0]), e.getKey());
    }
    for (Map.Entry<BoundedWindow, long[]> e : held.entrySet()) {
      out.accept(ListedSummary.held(e.getValue()[0]), e.getKey());
    }
    scopes.clear();
    ids.clear();
    found.clear();
    held.clear();
  }
}
