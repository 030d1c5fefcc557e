package io.beamconnectors.sources.objectstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.SourceListing;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.objectstore.FakeObjectStore.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.jupiter.api.Test;

/** The shared engine on the DirectRunner over a fake store that injects page failures. */
class ObjectStoreListingTest {

  /** A check of the sorted issues that can travel inside the pipeline. */
  interface IssueCheck extends Consumer<List<String>>, java.io.Serializable {}

  /** Runs the listing and checks its records (ids) and issues ("KIND scope: message") inside the pipeline. */
  static void run(SourceListing listing, List<String> expectedIds, IssueCheck checkIssues) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    PCollectionTuple out = p.apply(listing);
    PAssert.that(out.get(SourceListing.RECORDS)).satisfies((SerializableFunction<Iterable<SourceRecord>, Void>) rs -> {
      List<String> ids = new ArrayList<>();
      rs.forEach(r -> ids.add(r.id()));
      assertEquals(expectedIds.stream().sorted().toList(), ids.stream().sorted().toList(), "record ids");
      return null;
    });
    PAssert.that(out.get(SourceListing.ISSUES)).satisfies((SerializableFunction<Iterable<ListingIssue>, Void>) is -> {
      List<String> issues = new ArrayList<>();
      is.forEach(i -> issues.add(i.kind() + " " + i.scope() + ": " + i.message()));
      checkIssues.accept(issues.stream().sorted().toList());
      return null;
    });
    p.run().waitUntilFinish();
  }

  @Test
  void listsTopLevelsAndPrefixesPageByPageWithoutDuplicates() {
    FakeObjectStore store = new FakeObjectStore(List.of("b1", "b2", "b1"), null)
        .page("b1", null, Page.last("root.txt").withPrefixes("p/", "q/").then("t1"))
        // the server repeats its prefixes on the next page: each becomes one unit only
        .page("b1", "t1", Page.last("root2.txt").withPrefixes("p/"))
        .page("b1/p/", null, Page.last("p/1.txt", "p/x/2.txt").then("t1"))
        .page("b1/p/", "t1", Page.last("p/3.txt"))
        .page("b1/q/", null, Page.last())
        .page("b2", null, Page.last(""));
    run(ObjectStoreListing.of(store),
        List.of("b1/root.txt", "b1/root2.txt", "b1/p/1.txt", "b1/p/x/2.txt", "b1/p/3.txt", "b2/"),
        issues -> assertEquals(List.of(), issues));
  }

  @Test
  void aPageTruncatedWithoutATokenFailsItsUnitOnly() {
    FakeObjectStore store = new FakeObjectStore(List.of("b1"), null)
        .page("b1", null, Page.last("a.txt").withPrefixes("cut/", "fine/"))
        .page("b1/cut/", null, Page.last("cut/1.txt").then("t1"))
        .page("b1/cut/", "t1", Page.truncatedWithoutToken("cut/2.txt"))
        .page("b1/fine/", null, Page.last("fine/1.txt"));
    run(ObjectStoreListing.of(store), List.of("b1/a.txt", "b1/cut/1.txt", "b1/cut/2.txt", "b1/fine/1.txt"),
        issues -> {
          assertEquals(1, issues.size(), issues.toString());
          assertTrue(issues.get(0).startsWith("FAILED b1/cut: cannot list prefix 'cut/' of bucket 'b1': page 2 says"
              + " more results exist but gives no continuation token"), issues.get(0));
        });
  }

  @Test
  void aPageErrorOrARepeatedTokenFailsThatUnitAndNoOther() {
    FakeObjectStore store = new FakeObjectStore(List.of("gone", "loop", "ok"), null)
        .page("gone", null, Page.failing("404 NoSuchBucket"))
        .page("loop", null, Page.last("1").then("t1"))
        .page("loop", "t1", Page.last("2").then("t1"))
        .page("ok", null, Page.last("k").withPrefixes("d\u00e9j\u00e0 vu/"))
        .page("ok/d\u00e9j\u00e0 vu/", null, Page.last("d\u00e9j\u00e0 vu/x").then("t1"))
        .page("ok/d\u00e9j\u00e0 vu/", "t1", Page.failing("503 SlowDown"));
    run(ObjectStoreListing.of(store), List.of("loop/1", "loop/2", "ok/k", "ok/d\u00e9j\u00e0 vu/x"),
        issues -> assertEquals(List.of(
            "FAILED gone: cannot list bucket 'gone': IOException: 404 NoSuchBucket; its documents are kept",
            "FAILED loop: cannot list bucket 'loop': page 2 gives a continuation token that was already used,"
                + " so the listing would never end; its documents are kept",
            "FAILED ok/d\u00e9j\u00e0 vu: cannot list prefix 'd\u00e9j\u00e0 vu/' of bucket 'ok': after 1 page(s):"
                + " IOException: 503 SlowDown; its documents are kept"), issues));
  }

  @Test
  void unitsThatCannotBeFoundFailTheWholeSource() {
    FakeObjectStore store = new FakeObjectStore(List.of(), "403 AccessDenied on ListBuckets");
    run(ObjectStoreListing.of(store), List.of(), issues -> assertEquals(List.of(
        "FAILED : cannot find the buckets to list: IOException: 403 AccessDenied on ListBuckets"), issues));
  }
}
