package io.beamconnectors.sources.networkdrive;

import java.util.List;
import jcifs.CIFSContext;
import jcifs.Configuration;
import jcifs.internal.SMBProtocolDecodingException;
import jcifs.internal.smb2.ServerMessageBlock2Request;
import jcifs.internal.smb2.info.Smb2QueryDirectoryRequest;
import jcifs.internal.smb2.info.Smb2QueryDirectoryResponse;

/**
 * An SMB2 QUERY_DIRECTORY request for all entries ({@code *}) in the FileIdBothDirectoryInformation
 * class, whose response decodes them as {@link FileIdBothDirectoryInformation}. jcifs-ng's own
 * request asks for FileBothDirectoryInformation only and its response decodes no other class; this
 * subclass changes both and nothing else (framing, signing and credits stay jcifs-ng's).
 */
final class FileIdDirectoryQuery extends Smb2QueryDirectoryRequest {

  /** A query chained after the CREATE that opens the folder (its handle is the CREATE's). */
  FileIdDirectoryQuery(Configuration config) {
    super(config);
    init();
  }

  /** A query continuing the listing of the folder open as {@code handle}. */
  FileIdDirectoryQuery(Configuration config, byte[] handle) {
    super(config, handle);
    init();
  }

  private void init() {
    setFileInformationClass(FileIdBothDirectoryInformation.INFORMATION_CLASS);
    setFileName("*");
  }

  @Override
  protected Smb2QueryDirectoryResponse createResponse(CIFSContext tc,
      ServerMessageBlock2Request<Smb2QueryDirectoryResponse> req) {
    return new Response(tc.getConfig());
  }

  /** The entries of one response; empty when the status is not success (e.g. no more files). */
  static final class Response extends Smb2QueryDirectoryResponse {
    private static final int STRUCTURE_SIZE = 9;
    private List<FileIdBothDirectoryInformation> entries = List.of();

    Response(Configuration config) {
      super(config, FileIdBothDirectoryInformation.INFORMATION_CLASS);
    }

    List<FileIdBothDirectoryInformation> entries() {
      return entries;
    }

    @Override
    protected int readBytesWireFormat(byte[] buffer, int bufferIndex) throws SMBProtocolDecodingException {
      int structureSize = (buffer[bufferIndex] & 0xFF) | (buffer[bufferIndex + 1] & 0xFF) << 8;
      if (structureSize != STRUCTURE_SIZE) {
        throw new SMBProtocolDecodingException("QUERY_DIRECTORY response structure size " + structureSize
            + ", expected " + STRUCTURE_SIZE);
      }
      int outputOffset = (buffer[bufferIndex + 2] & 0xFF) | (buffer[bufferIndex + 3] & 0xFF) << 8;
      long outputLength = (buffer[bufferIndex + 4] & 0xFFL) | (buffer[bufferIndex + 5] & 0xFFL) << 8
          | (buffer[bufferIndex + 6] & 0xFFL) << 16 | (buffer[bufferIndex + 7] & 0xFFL) << 24;
      if (outputLength == 0) {
        return STRUCTURE_SIZE - 1;
      }
      int start = getHeaderStart() + outputOffset;
      if (outputLength > buffer.length - start) {
        throw new SMBProtocolDecodingException("QUERY_DIRECTORY response says " + outputLength
            + " bytes of entries at offset " + outputOffset + ", beyond the message");
      }
      try {
        entries = FileIdBothDirectoryInformation.decodeAll(buffer, start, (int) outputLength);
      } catch (IllegalArgumentException e) {
        throw new SMBProtocolDecodingException("QUERY_DIRECTORY response: " + e.getMessage());
      }
      return start + (int) outputLength - bufferIndex;
    }
  }
}
