package io.beamconnectors.sources.networkdrive;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of an SMB2 directory listing in the FileIdBothDirectoryInformation class (0x25,
 * [MS-FSCC] 2.4.17): what the listing says about a file or folder, its 64-bit file id included.
 * This is the id {@code FileInternalInformation} gives for the entry (Samba: the inode number;
 * Windows: the NTFS file reference number), so a listing in this class needs no per-entry query.
 *
 * @param name the entry's name as the server spells it
 * @param fileId the 64-bit file id (unsigned; 0 when the server has none)
 * @param attributes the SMB file attributes ({@code FILE_ATTRIBUTE_DIRECTORY} is 0x10)
 * @param size the end of file in bytes
 * @param lastWriteMillis the last write time in milliseconds since the epoch
 */
record FileIdBothDirectoryInformation(String name, long fileId, int attributes, long size, long lastWriteMillis) {
  static final byte INFORMATION_CLASS = 0x25;
  static final int ATTRIBUTE_DIRECTORY = 0x10;

  /** Bytes before the file name: [MS-FSCC] 2.4.17 fixed fields, ShortName (24 bytes) and FileId included. */
  static final int FIXED_LENGTH = 104;
  private static final long FILETIME_TICKS_PER_MILLI = 10_000L;
  private static final long MILLIS_FROM_1601_TO_1970 = 11_644_473_600_000L;

  boolean directory() {
    return (attributes & ATTRIBUTE_DIRECTORY) != 0;
  }

  /** True for the "." and ".." entries a server lists in every folder but the share root. */
  boolean selfOrParent() {
    return name.equals(".") || name.equals("..");
  }

  /**
   * Decodes the chain of entries in {@code buffer[offset, offset + length)}: each entry starts at
   * the previous one's NextEntryOffset, the last has 0.
   *
   * @throws IllegalArgumentException when an entry or its name does not fit in the buffer, or the
   *     chain does not move forward
   */
  static List<FileIdBothDirectoryInformation> decodeAll(byte[] buffer, int offset, int length) {
    List<FileIdBothDirectoryInformation> out = new ArrayList<>();
    if (length == 0) {
      return out;
    }
    int end = offset + length;
    if (offset < 0 || length < 0 || end > buffer.length) {
      throw new IllegalArgumentException("directory listing buffer [" + offset + ", " + end + ") is outside the "
          + buffer.length + "-byte message");
    }
    int at = offset;
    while (true) {
      if (end - at < FIXED_LENGTH) {
        throw new IllegalArgumentException("directory entry at byte " + (at - offset) + " is cut short: "
            + (end - at) + " bytes left, " + FIXED_LENGTH + " needed");
      }
      long next = uint32(buffer, at);
      int nameLength = (int) Math.min(uint32(buffer, at + 60), Integer.MAX_VALUE);
      if (nameLength > end - at - FIXED_LENGTH || nameLength % 2 != 0) {
        throw new IllegalArgumentException("directory entry at byte " + (at - offset) + " has a name of "
            + nameLength + " bytes, which does not fit in its " + (end - at - FIXED_LENGTH) + " bytes");
      }
      int nameAt = at + FIXED_LENGTH;
      if (nameLength >= 2 && buffer[nameAt + nameLength - 1] == 0 && buffer[nameAt + nameLength - 2] == 0) {
        nameLength -= 2; // a name some servers end with a UTF-16 NUL
      }
      out.add(new FileIdBothDirectoryInformation(
          new String(buffer, nameAt, nameLength, StandardCharsets.UTF_16LE),
          int64(buffer, at + 96),
          (int) uint32(buffer, at + 56),
          int64(buffer, at + 40),
          millis(int64(buffer, at + 24))));
      if (next == 0) {
        return out;
      }
      if (next < FIXED_LENGTH || next > end - at) {
        throw new IllegalArgumentException("directory entry at byte " + (at - offset) + " points to the next one "
            + next + " bytes on, outside the listing");
      }
      at += (int) next;
    }
  }

  /** A FILETIME (100-nanosecond ticks since 1601-01-01 UTC) in milliseconds since the epoch. */
  static long millis(long filetime) {
    return filetime / FILETIME_TICKS_PER_MILLI - MILLIS_FROM_1601_TO_1970;
  }

  private static long uint32(byte[] b, int at) {
    return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
  }

  private static long int64(byte[] b, int at) {
    return uint32(b, at) | uint32(b, at + 4) << 32;
  }
}
