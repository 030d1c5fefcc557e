package jcifs.smb;

import jcifs.CIFSException;
import jcifs.SmbTreeHandle;
import jcifs.internal.CommonServerMessageBlockResponse;
import jcifs.internal.Request;

/**
 * Sends a request of our own on the tree connection of an {@link SmbFile}. jcifs-ng (2.1.10 and its
 * current master) has no public call for that: {@code SmbTreeHandleImpl.send} is public but its class
 * is package-private, so this one-method bridge lives in jcifs-ng's package. It exists for two
 * exchanges jcifs-ng does not offer: a directory listing in the FileIdBothDirectoryInformation
 * class, which carries each entry's file id ({@code SmbFile.listFiles} always asks for
 * FileBothDirectoryInformation, which does not), saving one request per listed entry; and a small
 * file's CREATE, READ and CLOSE compounded into one exchange. It is compiled against the jcifs-ng version in the
 * build, so a jcifs-ng upgrade that changes the internal call breaks the build, not a sync.
 */
public final class TreeRequests {
  private TreeRequests() {}

  /**
   * Sends {@code request} (and the requests chained to it) on {@code handle}, which
   * {@link SmbFile#getTreeHandle()} returned, and returns the first response. Statuses jcifs-ng
   * treats as errors are thrown as {@link SmbException}, as for its own requests.
   */
  public static <T extends CommonServerMessageBlockResponse> T send(SmbTreeHandle handle, Request<T> request)
      throws CIFSException {
    if (!(handle instanceof SmbTreeHandleImpl impl)) {
      throw new IllegalArgumentException("not a tree handle of jcifs-ng's SmbFile: " + handle.getClass().getName());
    }
    return impl.send(request);
  }
}
