package io.beamconnectors.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.elasticsearch.IndexedState;
import io.beamconnectors.metrics.SyncCounters;
import io.beamconnectors.sources.ListingIssue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;

/**
 * The bucketed id join of the shuffle runners, on the DirectRunner: the same delete candidates and
 * the same broken-promise issue whatever the bucket count (one bucket holds every id; the default
 * spreads them), for awkward ids, ids packed over several chunks, and more indexed ids than a
 * bundle holds before it sends its buckets on.
 */
class IdsByShuffleTest {
  /** Awkward ids: empty, zero, separators, unicode, case twins, a long one, a NUL. */
  private static final List<String> AWKWARD = List.of("", "0", "a,b;c\nd", "a|b", "é/ü 1", "Straße", "STRASSE", "A",
      "a", "😀", "x".repeat(512), "a\u0000b");

  private static List<KV<String, IndexedState>> indexed(List<String> ids) {
    List<KV<String, IndexedState>> out = new ArrayList<>();
    for (String id : ids) {
      out.add(KV.of(id, new IndexedState("", "scope of " + id)));
    }
    return out;
  }

  /** Runs the join; candidates as "id scope". */
  private static PipelineResult run(List<byte[]> listed, List<KV<String, IndexedState>> index, int buckets,
      List<String> candidates, List<ListingIssue> duplicates) {
    return run(listed, index, buckets, IdsByShuffle.INDEXED_PER_FLUSH, candidates, duplicates);
  }

  private static PipelineResult run(List<byte[]> listed, List<KV<String, IndexedState>> index, int buckets,
      int indexedPerFlush, List<String> candidates, List<ListingIssue> duplicates) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    PCollection<byte[]> l = p.apply("Listed", Create.of(listed).withCoder(ByteArrayCoder.of()));
    PCollection<KV<String, IndexedState>> i = p.apply("Index", Create.of(index)
        .withCoder(KvCoder.of(StringUtf8Coder.of(), IndexedState.Coder.of())));
    PCollectionTuple out = l.apply(IdsByShuffle.against(i).withBuckets(buckets).withIndexedPerFlush(indexedPerFlush));
    PAssert.that(out.get(Reconcile.CANDIDATES)
            .apply(MapElements.into(TypeDescriptors.strings()).via((KV<String, IndexedState> kv) -> kv.getKey() + " " + kv.getValue().scope())))
        .containsInAnyOrder(candidates);
    PAssert.that(out.get(Reconcile.DUPLICATES)).containsInAnyOrder(duplicates);
    PipelineResult r = p.run();
    r.waitUntilFinish();
    return r;
  }

  @Test
  void indexedIdsNeverListedAreTheCandidatesWhateverTheBuckets() {
    List<String> listed = new ArrayList<>(AWKWARD);
    listed.remove("STRASSE");
    listed.remove("a");
    listed.remove("");
    List<String> index = new ArrayList<>(AWKWARD);
    index.addAll(List.of("strasse", "b", "a"));
    for (int buckets : new int[] {1, 3, IdsByShuffle.DEFAULT_BUCKETS}) {
      // "a" is indexed twice: one candidate. Its twin "A" and "Straße" were listed.
      run(ListedIdsTest.chunks(listed, 4), indexed(index), buckets,
          List.of("STRASSE scope of STRASSE", "a scope of a", " scope of ", "strasse scope of strasse", "b scope of b"),
          List.of());
    }
  }

  @Test
  void repeatsOverChunksAreOneIssueWithTheirTotalAndTheFirstRepeatedId() {
    List<String> listed = new ArrayList<>(AWKWARD);
    listed.addAll(List.of("b", "b", "é/ü 1", "b", "0", "😀"));
    for (int buckets : new int[] {1, 3, IdsByShuffle.DEFAULT_BUCKETS}) {
      // "b" 3 times (2 extra), "0", "é/ü 1" and "😀" twice (1 extra each): 5, and "0" sorts first.
      // "b" was not indexed and "x" was never listed: a repeat does not hide a candidate.
      PipelineResult r = run(ListedIdsTest.chunks(listed, 5), indexed(List.of("0", "b", "x")), buckets,
          List.of("x scope of x"), List.of(DuplicateIds.brokenPromise(5, "0")));
      assertEquals(5, ReconcileTest.counter(r, SyncCounters.DUPLICATE_IDS), "buckets " + buckets);
    }
  }

  @Test
  void everyIndexedIdIsDecidedOverManyFlushes() {
    int n = 2_000;
    List<String> ids = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      ids.add("db_table_" + k);
    }
    List<String> listed = new ArrayList<>();
    List<String> candidates = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      if (k % 97 == 0) {
        candidates.add(ids.get(k) + " scope of " + ids.get(k));
      } else {
        listed.add(ids.get(k));
      }
    }
    listed.add("never_indexed");
    // A flush every 7 ids: a bundle sends its buckets on many times, and its last ones at its end.
    for (int buckets : new int[] {1, 64}) {
      run(ListedIdsTest.chunks(listed, 300), indexed(ids), buckets, 7, candidates, List.of());
    }
  }

  @Test
  void bucketsAreTheSameForAnIdFromTextOrFromAPackedRunAndSpreadEvenly() {
    byte[] packed = ListedIdsTest.chunks(AWKWARD, AWKWARD.size()).get(0);
    List<Integer> fromSpans = new ArrayList<>();
    PackedIds.forEachSpan(packed, (bytes, offset, length) -> fromSpans.add(IdsByShuffle.bucketOf(bytes, offset, length, 4096)));
    for (int k = 0; k < AWKWARD.size(); k++) {
      byte[] utf8 = AWKWARD.get(k).getBytes(StandardCharsets.UTF_8);
      assertEquals(fromSpans.get(k), IdsByShuffle.bucketOf(utf8, 0, utf8.length, 4096), AWKWARD.get(k));
    }
    // Ids that differ only in their last digits fill every one of 64 buckets, none more than twice its share.
    int[] counts = new int[64];
    for (int k = 0; k < 6_400; k++) {
      byte[] utf8 = ("benchdev_items_" + k).getBytes(StandardCharsets.UTF_8);
      counts[IdsByShuffle.bucketOf(utf8, 0, utf8.length, 64)]++;
    }
    Set<Integer> filled = new HashSet<>();
    for (int b = 0; b < counts.length; b++) {
      if (counts[b] > 0) {
        filled.add(b);
      }
      assertTrue(counts[b] <= 200, "bucket " + b + " holds " + counts[b]);
    }
    assertEquals(64, filled.size());
  }

  @Test
  void aBucketCountOrFlushBelowOneIsRefused() {
    IdsByShuffle ids = IdsByShuffle.against(null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ids.withBuckets(0));
    assertEquals("buckets must be at least 1, got 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ids.withIndexedPerFlush(0));
    assertEquals("indexedPerFlush must be at least 1, got 0", e.getMessage());
  }
}
