package io.beamconnectors.sync;

import io.beamconnectors.elasticsearch.StoredToken;
import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.Scope;
import io.beamconnectors.sources.SourceRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * The one rule for several listed items with one id, whatever the join strategy: the item that
 * sorts first by stored token, scope, fields and content location is indexed (so the same item
 * wins on every sync and a no-op re-sync writes nothing), the others are dropped, and each scope
 * involved gets a {@link ListingIssue.Kind#DUPLICATE} issue naming a sample id, which keeps the
 * deletes of that scope and makes the sync not clean.
 */
public final class DuplicateIds {
  static final Comparator<SourceRecord> ORDER = Comparator
      .comparing(StoredToken::of)
      .thenComparing(SourceRecord::scope)
      .thenComparing(SourceRecord::fieldsJson)
      .thenComparing(r -> r.content() == null ? "" : r.content().location());

  private DuplicateIds() {}

  public static SourceRecord winner(List<SourceRecord> records) {
    if (records.isEmpty()) {
      throw new IllegalArgumentException("no records");
    }
    return records.stream().min(ORDER).orElseThrow();
  }

  /** One issue per distinct scope of the records (sorted, so every run reports the same). */
  public static List<ListingIssue> issues(List<SourceRecord> records) {
    TreeSet<String> scopes = new TreeSet<>();
    records.forEach(r -> scopes.add(r.scope()));
    String id = records.get(0).id();
    List<ListingIssue> out = new ArrayList<>();
    for (String scope : scopes) {
      out.add(ListingIssue.duplicate(Scope.parse(scope), records.size() + " listed items share the id '" + id
          + "'; one is indexed and deletes under " + Scope.parse(scope)
          + " are held back until the source lists each item once"));
    }
    return out;
  }

  /**
   * A source that promised to list each id once ({@code SourceConnector#listsEachIdOnce}) did
   * not: one issue for the whole source, as every copy was decided as it came. {@code extra} is
   * the number of listings beyond the first of each repeated id, {@code sampleId} the repeated id
   * that sorts first.
   */
  public static ListingIssue brokenPromise(long extra, String sampleId) {
    return ListingIssue.duplicate(Scope.wholeSource(), extra
        + " listed items repeat an id (e.g. '" + sampleId + "') although the source promises to list each id once;"
        + " which copy is indexed is not defined and every delete is held back: report this as a bug of the source");
  }
}
