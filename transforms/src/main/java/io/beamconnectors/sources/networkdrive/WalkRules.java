package io.beamconnectors.sources.networkdrive;

/**
 * What the walk does with one listed entry, decided from what the listing said about it and the
 * chain of folders above it. Kept apart from the SMB calls so the rules are tested on their own.
 */
final class WalkRules {
  private WalkRules() {}

  enum Action {
    /** A file: a record. */
    RECORD,
    /** A folder: a record, and its contents are walked. */
    RECORD_AND_DESCEND,
    /**
     * A folder that is one of the folders above it (a directory link back to a parent, the share
     * root or the configured folder): neither a record (it would repeat that folder's id) nor
     * walked (the walk would never end). Counted, not an issue: a link loop is a lasting feature
     * of the tree, and an issue would block deletes on every sync for as long as the link exists.
     */
    SKIP_LINK_BACK,
    /** The entry was removed between the listing and the id query: gone, so its document may go. */
    SKIP_VANISHED,
    /**
     * The id query failed for another reason (access denied, a name the server lists but will
     * not open, an I/O error): the folder being listed is not complete, FAILED for its scope.
     */
    FAIL
  }

  /**
   * @param listedFolder the chain of the folder being listed, that folder's own id included
   */
  static Action decide(SmbSession.Entry entry, FolderChain listedFolder) {
    if (entry.idError() != null) {
      return SmbSession.isNotFound(entry.idError()) ? Action.SKIP_VANISHED : Action.FAIL;
    }
    if (!entry.directory()) {
      return Action.RECORD;
    }
    return listedFolder.repeats(entry.fileId()) ? Action.SKIP_LINK_BACK : Action.RECORD_AND_DESCEND;
  }
}
