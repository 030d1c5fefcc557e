package io.beamconnectors.sources.networkdrive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import jcifs.config.PropertyConfiguration;
import jcifs.internal.SMBProtocolDecodingException;
import org.junit.jupiter.api.Test;

/**
 * The FileIdBothDirectoryInformation decoder against entries laid out by hand from [MS-FSCC]
 * 2.4.17, and the QUERY_DIRECTORY response that carries them. The real server's answer is checked
 * against the local file system by {@code SmbListingFtest}.
 */
class FileIdBothDirectoryInformationTest {
  /** 2024-02-29T12:34:56.789Z as a FILETIME, plus 4 ticks below the millisecond. */
  private static final long WRITE_MILLIS = Instant.parse("2024-02-29T12:34:56.789Z").toEpochMilli();
  private static final long WRITE_FILETIME = (WRITE_MILLIS + 11_644_473_600_000L) * 10_000L + 4;

  /** One entry as a server writes it: fixed fields, an 8-byte short name, the id, the UTF-16 name, padding to 8. */
  private static byte[] entry(String name, long fileId, int attributes, long size, boolean last, boolean nulTerminated) {
    byte[] nameBytes = (nulTerminated ? name + "\0" : name).getBytes(StandardCharsets.UTF_16LE);
    int length = FileIdBothDirectoryInformation.FIXED_LENGTH + nameBytes.length;
    int padded = (length + 7) & ~7;
    ByteBuffer b = ByteBuffer.allocate(padded).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(last ? 0 : padded); // NextEntryOffset
    b.putInt(77); // FileIndex: servers leave it meaningless; must not be taken for the id
    b.putLong(1L); // CreationTime
    b.putLong(2L); // LastAccessTime
    b.putLong(WRITE_FILETIME); // LastWriteTime
    b.putLong(3L); // ChangeTime
    b.putLong(size); // EndOfFile
    b.putLong(size + 4096); // AllocationSize
    b.putInt(attributes);
    b.putInt(nameBytes.length);
    b.putInt(0); // EaSize
    b.put((byte) 8); // ShortNameLength
    b.put((byte) 0);
    b.put("SHORT~1".getBytes(StandardCharsets.UTF_16LE), 0, 8);
    b.position(94);
    b.putShort((short) 0);
    b.putLong(fileId);
    b.put(nameBytes);
    return b.array();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  @Test
  void decodesEveryEntryOfTheChain() {
    byte[] listing = concat(
        entry(".", 10, 0x10, 0, false, false),
        entry("Ünïcode 文件 😀 #%20.txt", 0xFEDC_BA98_7654_3210L, 0x20, 1_234_567_890_123L, false, false),
        entry("sub folder", 42, 0x10 | 0x02, 0, false, true),
        entry("", 43, 0x20, 0, true, false));
    byte[] message = concat(new byte[13], listing, new byte[5]);

    List<FileIdBothDirectoryInformation> entries =
        FileIdBothDirectoryInformation.decodeAll(message, 13, listing.length);

    assertEquals(4, entries.size());
    assertTrue(entries.get(0).selfOrParent());
    FileIdBothDirectoryInformation file = entries.get(1);
    assertEquals("Ünïcode 文件 😀 #%20.txt", file.name());
    assertEquals("18364758544493064720", Long.toUnsignedString(file.fileId()), "the id is unsigned 64-bit");
    assertEquals(1_234_567_890_123L, file.size());
    assertEquals(WRITE_MILLIS, file.lastWriteMillis(), "the last write time, not another of the four times");
    assertFalse(file.directory());
    assertFalse(file.selfOrParent());
    FileIdBothDirectoryInformation folder = entries.get(2);
    assertEquals("sub folder", folder.name(), "a trailing UTF-16 NUL is not part of the name");
    assertTrue(folder.directory(), "FILE_ATTRIBUTE_DIRECTORY among other attributes");
    assertEquals(42, folder.fileId());
    assertEquals("", entries.get(3).name());
  }

  @Test
  void anEmptyBufferHasNoEntries() {
    assertEquals(List.of(), FileIdBothDirectoryInformation.decodeAll(new byte[8], 8, 0));
  }

  @Test
  void filetimeIsConvertedToEpochMillis() {
    assertEquals(0L, FileIdBothDirectoryInformation.millis(116_444_736_000_000_000L));
    assertEquals(WRITE_MILLIS, FileIdBothDirectoryInformation.millis(WRITE_FILETIME));
  }

  @Test
  void malformedListingsAreRefusedWithTheReason() {
    byte[] one = entry("name.txt", 5, 0x20, 3, true, false);

    IllegalArgumentException cut = assertThrows(IllegalArgumentException.class,
        () -> FileIdBothDirectoryInformation.decodeAll(one, 0, FileIdBothDirectoryInformation.FIXED_LENGTH - 1));
    assertTrue(cut.getMessage().contains("cut short"), cut.getMessage());

    IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
        () -> FileIdBothDirectoryInformation.decodeAll(one, 0, FileIdBothDirectoryInformation.FIXED_LENGTH + 4));
    assertTrue(name.getMessage().contains("has a name of 16 bytes"), name.getMessage());

    byte[] pointsOutside = entry("name.txt", 5, 0x20, 3, false, false);
    ByteBuffer.wrap(pointsOutside).order(ByteOrder.LITTLE_ENDIAN).putInt(0, pointsOutside.length + 8);
    IllegalArgumentException next = assertThrows(IllegalArgumentException.class,
        () -> FileIdBothDirectoryInformation.decodeAll(pointsOutside, 0, pointsOutside.length));
    assertTrue(next.getMessage().contains("outside the listing"), next.getMessage());

    byte[] overlaps = concat(entry("name.txt", 5, 0x20, 3, false, false), entry("b", 6, 0x20, 3, true, false));
    ByteBuffer.wrap(overlaps).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 8); // inside its own fixed fields
    assertThrows(IllegalArgumentException.class, () -> FileIdBothDirectoryInformation.decodeAll(overlaps, 0, overlaps.length));

    assertThrows(IllegalArgumentException.class, () -> FileIdBothDirectoryInformation.decodeAll(one, 8, one.length));
  }

  /** An SMB2 response header ([MS-SMB2] 2.2.1.2) for QUERY_DIRECTORY with the given status. */
  private static byte[] header(int status) {
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0xFE, 'S', 'M', 'B'});
    b.putShort((short) 64); // StructureSize
    b.putShort((short) 1); // CreditCharge
    b.putInt(status);
    b.putShort((short) 0x0E); // QUERY_DIRECTORY
    b.putShort((short) 1); // CreditResponse
    b.putInt(0x1); // Flags: SERVER_TO_REDIR
    b.putInt(0); // NextCommand
    b.putLong(7); // MessageId
    return b.array();
  }

  /** The response body: StructureSize 9, the entries' offset from the header and their length. */
  private static byte[] body(int offsetFromHeader, int length) {
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) 9).putShort((short) offsetFromHeader).putInt(length);
    return b.array();
  }

  @Test
  void theResponseReadsItsEntriesWhereTheHeaderSays() throws Exception {
    byte[] listing = concat(entry("a.txt", 1, 0x20, 1, false, false), entry("b", 2, 0x10, 0, true, false));
    // A second response in a compound: its header starts after 24 bytes of someone else's message,
    // and its entries start 8 bytes after its body (where the offset says, not right after the body).
    byte[] message = concat(new byte[24], header(0), body(64 + 8 + 8, listing.length), new byte[8], listing);
    FileIdDirectoryQuery.Response response = new FileIdDirectoryQuery.Response(new PropertyConfiguration(new Properties()));

    int length = response.decode(message, 24);

    assertEquals(List.of("a.txt", "b"), response.entries().stream().map(FileIdBothDirectoryInformation::name).toList());
    assertEquals(2L, response.entries().get(1).fileId());
    assertEquals(message.length - 24, length, "the whole message is this response's");
  }

  @Test
  void aResponseWithoutEntriesOrWithAnErrorHasNone() throws Exception {
    PropertyConfiguration config = new PropertyConfiguration(new Properties());
    FileIdDirectoryQuery.Response empty = new FileIdDirectoryQuery.Response(config);
    empty.decode(concat(header(0), body(72, 0)), 0);
    assertEquals(List.of(), empty.entries());

    // STATUS_NO_MORE_FILES: an error body, not entries
    FileIdDirectoryQuery.Response noMore = new FileIdDirectoryQuery.Response(config);
    byte[] errorBody = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 9).array();
    noMore.decode(concat(header(0x80000006), errorBody), 0);
    assertEquals(List.of(), noMore.entries());
  }

  @Test
  void aResponseWhoseEntriesLieOutsideTheMessageIsADecodingError() throws Exception {
    FileIdDirectoryQuery.Response response = new FileIdDirectoryQuery.Response(new PropertyConfiguration(new Properties()));
    byte[] message = concat(header(0), body(72, 4096), new byte[100]);
    SMBProtocolDecodingException e = assertThrows(SMBProtocolDecodingException.class, () -> response.decode(message, 0));
    assertTrue(e.getMessage().contains("beyond the message"), e.getMessage());
  }
}
