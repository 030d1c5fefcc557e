package io.beamconnectors.sync;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ids a sync listed, as the in-memory joins hold them: the packed chunks ({@link PackedIds})
 * plus, per id, where it lies and a 32-bit hash of its bytes, sorted by hash. How often an id was
 * listed is a binary search and an exact comparison of bytes; which ids
 * were listed more than once is one pass over the sorted hashes, comparing exactly only the ids
 * whose hashes are equal.
 *
 * <p>16 bytes per id beside the chunks, where a map of every id as a string took about 110
 * (1,000,000 ids: 16 MB against 115 MB, built in about the same time). That map was built at the
 * end of the listing, while the whole listing's ids were held as well. Every answer is exact: a
 * shared hash only costs a comparison of the ids involved.
 */
final class ListedIds {
  /** A 32-bit hash of one id's UTF-8 bytes. */
  @FunctionalInterface
  interface IdHash {
    int of(byte[] bytes, int offset, int length);
  }

  /** Extra listings (an id listed n times counts n - 1) and the smallest repeated id (null when none). */
  record Repeats(long extra, String smallest) {}

  private final List<byte[]> chunks;
  /** Per id, in listing order: its chunk (high half) and where its length starts in it (low half). */
  private final long[] placeOf;
  /** {@link #key}s, sorted: by hash, then listing order. */
  private final long[] sorted;
  private final IdHash hash;

  private ListedIds(List<byte[]> chunks, long[] placeOf, long[] sorted, IdHash hash) {
    this.chunks = chunks;
    this.placeOf = placeOf;
    this.sorted = sorted;
    this.hash = hash;
  }

  /** Reads {@code chunks} once. */
  static ListedIds of(Iterable<byte[]> chunks) {
    return of(chunks, ListedIds::hash);
  }

  /** With another hash: tests make every id share one, to check that the answers stay exact. */
  static ListedIds of(Iterable<byte[]> chunks, IdHash hash) {
    // Counted first, so the arrays are made once at their size (growing them left copies of
    // megabytes behind, which a collector may keep until its next full collection).
    List<byte[]> held = new ArrayList<>();
    int[] count = {0};
    for (byte[] chunk : chunks) {
      held.add(chunk);
      PackedIds.forEachSpan(chunk, (bytes, offset, length) -> count[0]++);
    }
    long[] places = new long[count[0]];
    long[] keys = new long[count[0]];
    int[] n = {0};
    for (int c = 0; c < held.size(); c++) {
      long chunkIndex = c;
      PackedIds.forEachSpan(held.get(c), (bytes, offset, length) -> {
        int i = n[0]++;
        places[i] = (chunkIndex << 32) | entryStart(offset, length);
        keys[i] = key(hash.of(bytes, offset, length), i);
      });
    }
    Arrays.sort(keys);
    return new ListedIds(held, places, keys, hash);
  }

  /** How many ids were listed. */
  int size() {
    return sorted.length;
  }

  /** How often {@code id} was listed: 0, 1, or 2 for "more than once". */
  int timesListed(String id) {
    byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
    int h = hash.of(utf8, 0, utf8.length);
    int times = 0;
    for (int at = firstWithHash(h); at < sorted.length && hashOf(sorted[at]) == h; at++) {
      if (sameBytes(indexOf(sorted[at]), utf8, 0, utf8.length) && ++times == 2) {
        break;
      }
    }
    return times;
  }

  /** The ids listed more than once. */
  Repeats repeats() {
    long extra = 0;
    String smallest = null;
    int runStart = 0;
    while (runStart < sorted.length) {
      int runEnd = runStart + 1;
      while (runEnd < sorted.length && hashOf(sorted[runEnd]) == hashOf(sorted[runStart])) {
        runEnd++;
      }
      if (runEnd - runStart > 1) {
        // Ids sharing a hash, counted exactly (a few, but for an id listed many times: one entry).
        Map<String, Integer> times = new HashMap<>();
        for (int i = runStart; i < runEnd; i++) {
          times.merge(idAt(indexOf(sorted[i])), 1, Integer::sum);
        }
        for (Map.Entry<String, Integer> e : times.entrySet()) {
          if (e.getValue() > 1) {
            extra += e.getValue() - 1;
            if (smallest == null || e.getKey().compareTo(smallest) < 0) {
              smallest = e.getKey();
            }
          }
        }
      }
      runStart = runEnd;
    }
    return new Repeats(extra, smallest);
  }

  /** Where the keys with hash {@code h} start in {@link #sorted} (its length if there are none). */
  private int firstWithHash(int h) {
    long target = key(h, 0);
    int low = 0;
    int high = sorted.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (sorted[mid] < target) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  private boolean sameBytes(int index, byte[] other, int offset, int length) {
    byte[] chunk = chunkOf(index);
    long span = spanOf(chunk, index);
    int at = (int) (span >>> 32);
    return (int) span == length && Arrays.equals(chunk, at, at + length, other, offset, offset + length);
  }

  private String idAt(int index) {
    byte[] chunk = chunkOf(index);
    long span = spanOf(chunk, index);
    return new String(chunk, (int) (span >>> 32), (int) span, StandardCharsets.UTF_8);
  }

  private byte[] chunkOf(int index) {
    return chunks.get((int) (placeOf[index] >>> 32));
  }

  /** Where the id's bytes start (high half) and how many there are (low half). */
  private long spanOf(byte[] chunk, int index) {
    int at = (int) placeOf[index];
    int length = 0;
    int shift = 0;
    byte b;
    do {
      b = chunk[at++];
      length |= (b & 0x7F) << shift;
      shift += 7;
    } while ((b & 0x80) != 0);
    return ((long) at << 32) | length;
  }

  /** Where an id's length starts, from where its bytes start: the varint before them. */
  private static int entryStart(int offset, int length) {
    int lengthBytes = 1;
    for (int rest = length >>> 7; rest != 0; rest >>>= 7) {
      lengthBytes++;
    }
    return offset - lengthBytes;
  }

  private static long key(int hash, int index) {
    return ((long) hash << 32) | (index & 0xFFFFFFFFL);
  }

  private static int hashOf(long key) {
    return (int) (key >> 32);
  }

  private static int indexOf(long key) {
    return (int) key;
  }

  /** FNV-1a over the bytes, then MurmurHash3's 64-bit finalizer, folded to 32 bits. */
  static int hash(byte[] bytes, int offset, int length) {
    long h = 0xcbf29ce484222325L;
    for (int i = offset; i < offset + length; i++) {
      h = (h ^ (bytes[i] & 0xFF)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb93fe1a85ccdL;
    h ^= h >>> 33;
    return (int) (h ^ (h >>> 32));
  }
}
