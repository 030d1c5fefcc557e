package io.beamconnectors.sources.networkdrive;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The SMB file ids of the folders on the path from the share root down to one folder (the
 * configured folder's ancestors included). A sub-folder whose id is already in the chain is the
 * same directory as one of them, reached again through a directory link (a symlink the server
 * follows, a junction): descending into it would walk that part of the share once more, forever
 * for a link to a parent. An id of 0 (a server that reports no file ids) is never treated as a
 * repeat. Immutable.
 */
final class FolderChain implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final FolderChain EMPTY = new FolderChain(new long[0]);

  private final long[] ids;

  private FolderChain(long[] ids) {
    this.ids = ids;
  }

  static FolderChain empty() {
    return EMPTY;
  }

  static FolderChain of(List<Long> ids) {
    long[] a = new long[ids.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = ids.get(i);
    }
    return new FolderChain(a);
  }

  /** The chain of a sub-folder with file id {@code id}. */
  FolderChain child(long id) {
    long[] a = Arrays.copyOf(ids, ids.length + 1);
    a[ids.length] = id;
    return new FolderChain(a);
  }

  /** True when a folder with this id is already on the path: descending into it would repeat a walk. */
  boolean repeats(long id) {
    if (id == 0) {
      return false;
    }
    for (long i : ids) {
      if (i == id) {
        return true;
      }
    }
    return false;
  }

  /** The ids, root first (for the work unit's coder). */
  List<Long> ids() {
    List<Long> out = new ArrayList<>(ids.length);
    for (long i : ids) {
      out.add(i);
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FolderChain c && Arrays.equals(c.ids, ids);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(ids);
  }

  @Override
  public String toString() {
    return "FolderChain" + Arrays.toString(ids);
  }
}
