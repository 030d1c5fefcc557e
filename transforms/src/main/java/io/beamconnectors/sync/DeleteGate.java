package io.beamconnectors.sync;

import io.beamconnectors.sources.ListingIssue;
import io.beamconnectors.sources.Scope;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether a document that the source no longer lists may be deleted. With no issue in
 * the sync, every such document goes. With any issue, a document is kept when an issue's scope
 * covers it, and also when its scope is missing or was not seen in this sync's listing: a scope
 * we cannot place might lie under the part that failed (a folder moved, a table renamed), so it
 * waits for a clean sync.
 */
public final class DeleteGate implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<Scope> blocked;
  private final Set<String> listedScopes;
  private final boolean idsSurviveMoves;

  private DeleteGate(List<Scope> blocked, Set<String> listedScopes, boolean idsSurviveMoves) {
    this.blocked = List.copyOf(blocked);
    this.listedScopes = listedScopes;
    this.idsSurviveMoves = idsSurviveMoves;
  }

  /**
   * @param issues every issue of the sync (listing issues and duplicate ids)
   * @param listedScopes the scopes of the records listed in this sync
   */
  public static DeleteGate from(Iterable<ListingIssue> issues, Collection<String> listedScopes) {
    return from(issues, listedScopes, false);
  }

  /**
   * @param idsSurviveMoves the source's ids follow an item that moves (see
   *     {@code SourceConnector#idsSurviveMoves}): then any issue holds back every delete, since a
   *     vanished item may have moved into the part that failed
   */
  public static DeleteGate from(Iterable<ListingIssue> issues, Collection<String> listedScopes, boolean idsSurviveMoves) {
    List<Scope> blocked = new ArrayList<>();
    for (ListingIssue i : issues) {
      if (i.blocksDeletes()) {
        blocked.add(Scope.parse(i.scope()));
      }
    }
    return new DeleteGate(blocked, blocked.isEmpty() ? Set.of() : new HashSet<>(listedScopes), idsSurviveMoves);
  }

  public boolean allows(String documentScope) {
    if (blocked.isEmpty()) {
      return true;
    }
    if (idsSurviveMoves) {
      return false;
    }
    for (Scope s : blocked) {
      if (s.covers(documentScope)) {
        return false;
      }
    }
    return documentScope != null && !documentScope.isEmpty() && listedScopes.contains(documentScope);
  }
}
