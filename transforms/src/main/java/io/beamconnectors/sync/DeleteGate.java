package io.beamconnectors.sync;

import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.Scope;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides whether a document that the source no longer lists may be deleted: only when no
 * listing failure covers the document's scope. A failure of the whole source blocks every delete.
 */
public final class DeleteGate implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<Scope> failed;

  private DeleteGate(List<Scope> failed) {
    this.failed = List.copyOf(failed);
  }

  public static DeleteGate from(Iterable<ListingIssue> issues) {
    List<Scope> failed = new ArrayList<>();
    for (ListingIssue i : issues) {
      if (i.blocksDeletes()) {
        failed.add(Scope.parse(i.scope()));
      }
    }
    return new DeleteGate(failed);
  }

  public boolean allows(String documentScope) {
    for (Scope s : failed) {
      if (s.covers(documentScope)) {
        return false;
      }
    }
    return true;
  }
}
