package io.beamconnectors.sources.objectstore;

import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.ListingIssueCoder;
import io.beamconnectors.sources.Scope;
import io.beamconnectors.sources.SourceListing;
import io.beamconnectors.sources.SourceRecord;
import io.beamconnectors.sources.SourceRecordCoder;
import io.beamconnectors.sources.SpreadWork;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Lists an object store in three fanned-out stages, metadata only:
 * <ol>
 *   <li>one element asks the store for its root units (the configured containers, or every one);
 *   <li>after a {@link SpreadWork}, each container's top level is listed with the '/' delimiter: its
 *       objects become records, each top-level prefix becomes a unit;
 *   <li>after a {@link SpreadWork}, each prefix unit is listed flat, page by page.
 * </ol>
 * Pages are fetched one at a time from the store's continuation token. A unit whose listing fails
 * (an error on any page, or a page that says it is truncated but gives no token) is a FAILED issue
 * for exactly that unit's scope, so nothing under it is deleted; records it listed before the
 * failure are still emitted. A failure to find the root units fails the whole source.
 */
public final class ObjectStoreListing<O> extends SourceListing {
  private static final long serialVersionUID = 1L;

  static final TupleTag<StoreUnit> UNITS = new TupleTag<>("units") {};

  private final ObjectStore<O> store;

  private ObjectStoreListing(ObjectStore<O> store) {
    this.store = store;
  }

  public static <O> ObjectStoreListing<O> of(ObjectStore<O> store) {
    if (store == null) {
      throw new IllegalArgumentException("an ObjectStoreListing needs a store");
    }
    return new ObjectStoreListing<>(store);
  }

  public ObjectStore<O> store() {
    return store;
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("store", store.name()).withLabel("Object store"));
  }

  @Override
  protected PCollectionTuple list(PBegin input) {
    PCollectionTuple roots = input
        .apply("Seed", Create.of("units").withCoder(StringUtf8Coder.of()))
        .apply("FindUnits", ParDo.of(new FindUnitsFn<>(store)).withOutputTags(UNITS, TupleTagList.of(ISSUES)));
    withCoders(roots);

    PCollectionTuple top = roots.get(UNITS)
        .apply("SpreadContainers", SpreadWork.create())
        .apply("ListTopLevels", ParDo.of(new ListUnitFn<>(store))
            .withOutputTags(RECORDS, TupleTagList.of(UNITS).and(ISSUES)));
    withCoders(top);

    PCollectionTuple prefixes = top.get(UNITS)
        .apply("SpreadPrefixes", SpreadWork.create())
        .apply("ListPrefixes", ParDo.of(new ListUnitFn<>(store))
            .withOutputTags(RECORDS, TupleTagList.of(UNITS).and(ISSUES)));
    withCoders(prefixes);

    PCollection<SourceRecord> records = PCollectionList.of(top.get(RECORDS)).and(prefixes.get(RECORDS))
        .apply("AllRecords", Flatten.pCollections());
    PCollection<ListingIssue> issues = PCollectionList.of(roots.get(ISSUES)).and(top.get(ISSUES))
        .and(prefixes.get(ISSUES))
        .apply("AllIssues", Flatten.pCollections());
    return PCollectionTuple.of(RECORDS, records).and(ISSUES, issues);
  }

  private static void withCoders(PCollectionTuple t) {
    if (t.has(RECORDS)) {
      t.get(RECORDS).setCoder(SourceRecordCoder.of());
    }
    t.get(UNITS).setCoder(StoreUnitCoder.of());
    t.get(ISSUES).setCoder(ListingIssueCoder.of());
  }

  /** Base of the engine's DoFns: one client per DoFn instance, opened in setup, closed in teardown. */
  abstract static class SessionFn<O, I, T> extends DoFn<I, T> {
    private static final long serialVersionUID = 1L;
    final ObjectStore<O> store;
    transient ObjectStore.Session<O> session;

    SessionFn(ObjectStore<O> store) {
      this.store = store;
    }

    @Setup
    public void setup() throws Exception {
      session = store.connect();
    }

    @Teardown
    public void teardown() throws Exception {
      if (session != null) {
        session.close();
        session = null;
      }
    }
  }

  /** Emits the root units; a failure to find them is a FAILED issue for the whole source. */
  static final class FindUnitsFn<O> extends SessionFn<O, String, StoreUnit> {
    private static final long serialVersionUID = 1L;
    private final Counter containers;

    FindUnitsFn(ObjectStore<O> store) {
      super(store);
      this.containers = Metrics.counter(store.name(), "containers");
    }

    @ProcessElement
    public void process(MultiOutputReceiver out) {
      List<StoreUnit> units;
      try {
        units = session.units();
      } catch (Exception e) {
        out.get(ISSUES).output(ListingIssue.failed(Scope.wholeSource(),
            "cannot find the " + store.containerNoun() + "s to list: " + store.explain(e)));
        return;
      }
      Set<String> seen = new HashSet<>();
      for (StoreUnit unit : units) {
        if (seen.add(unit.container())) {
          containers.inc();
          out.get(UNITS).output(unit);
        }
      }
    }
  }

  /**
   * Lists one unit page by page. A root unit's prefixes become units (once each: some servers
   * repeat them on every page); its objects and those of a prefix unit become records.
   */
  static final class ListUnitFn<O> extends SessionFn<O, StoreUnit, SourceRecord> {
    private static final long serialVersionUID = 1L;
    private final Counter objects;
    private final Counter pages;
    private final Counter prefixes;
    private final Counter failedUnits;

    ListUnitFn(ObjectStore<O> store) {
      super(store);
      this.objects = Metrics.counter(store.name(), "objects_listed");
      this.pages = Metrics.counter(store.name(), "pages_listed");
      this.prefixes = Metrics.counter(store.name(), "prefixes");
      this.failedUnits = Metrics.counter(store.name(), "units_failed");
    }

    @ProcessElement
    public void process(@Element StoreUnit unit, MultiOutputReceiver out) {
      Set<String> seenPrefixes = new HashSet<>();
      Set<String> seenTokens = new HashSet<>();
      String token = null;
      int pageNumber = 0;
      try {
        do {
          ObjectPage<O> page = session.page(unit, token);
          pageNumber++;
          pages.inc();
          for (O object : page.objects()) {
            out.get(RECORDS).output(store.describe(unit, object));
            objects.inc();
          }
          if (unit.isRoot()) {
            for (String prefix : page.prefixes()) {
              if (seenPrefixes.add(prefix)) {
                prefixes.inc();
                out.get(UNITS).output(unit.child(prefix));
              }
            }
          }
          if (page.truncatedWithoutToken()) {
            fail(unit, "page " + pageNumber + " says more results exist but gives no continuation token,"
                + " so the rest cannot be listed", out);
            return;
          }
          token = page.nextToken();
          if (token != null && !seenTokens.add(token)) {
            fail(unit, "page " + pageNumber + " gives a continuation token that was already used,"
                + " so the listing would never end", out);
            return;
          }
        } while (token != null);
      } catch (Exception e) {
        fail(unit, (pageNumber == 0 ? "" : "after " + pageNumber + " page(s): ") + store.explain(e), out);
      }
    }

    private void fail(StoreUnit unit, String why, MultiOutputReceiver out) {
      failedUnits.inc();
      String what = unit.isRoot()
          ? store.containerNoun() + " '" + unit.container() + "'"
          : "prefix '" + unit.prefix() + "' of " + store.containerNoun() + " '" + unit.container() + "'";
      out.get(ISSUES).output(ListingIssue.failed(unit.scope(),
          "cannot list " + what + ": " + why + "; its documents are kept"));
    }
  }
}
