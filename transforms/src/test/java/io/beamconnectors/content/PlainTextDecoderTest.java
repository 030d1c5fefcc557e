package io.beamconnectors.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlainTextDecoderTest {
  private static TikaTextExtractor.Result decode(byte[] bytes, int maxChars, boolean reduce) throws IOException {
    return new PlainTextDecoder(maxChars, reduce).decode(new ByteArrayInputStream(bytes));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Awkward but ordinary content for every extension the decoder takes over from Tika. */
  private static final Map<String, String> SAMPLES = Map.of(
      ".txt", "Grüße aus Zürich: ÄÖÜ äöü ß, 日本語のテキスト, emoji 😀 and a tab\there.\r\nLine two, İstanbul ı I i.\n",
      ".py", "def f(x):\n    \"\"\"Größe\"\"\"\n    return {'key': x, \"ü\": 1}  # comment / with, separators\n",
      ".rst", "Title\n=====\n\n* item one\n* item ``two`` with café\n",
      ".markdown", "# Heading\n\nSome *text* with [a link](http://example.com/a,b) and `code`.\n",
      ".md", "| a | b |\n|---|---|\n| 1 | ñ |\n\n> quote «here»\n",
      ".rb", "puts \"héllo, #{name}\" # comment\n",
      ".sh", "#!/bin/sh\necho \"a,b;c\" | tr ',' '\\n'  # ümlaut\n",
      ".csv", "id,name,note\n1,Zoë,\"quoted, with comma\"\n2,José,\"multi\nline\"\n3,,empty name\n",
      ".json", "{\"name\": \"Zoë\", \"list\": [1, 2, {\"k\": \"v, w\"}], \"empty\": \"\", \"nested\": {\"a\": null}}\n");

  @Test
  void everyDirectExtensionGivesTikasTextForUtf8Files() throws IOException {
    assertEquals(SAMPLES.keySet(), PlainTextDecoder.EXTENSIONS, "a sample for each direct extension");
    try (TikaTextExtractor tika = new TikaTextExtractor(1_000_000, 30, true)) {
      for (Map.Entry<String, String> e : SAMPLES.entrySet()) {
        byte[] bytes = utf8(e.getValue());
        TikaTextExtractor.Result byTika = tika.extract(bytes, "sample" + e.getKey());
        TikaTextExtractor.Result direct = decode(bytes, 1_000_000, true);
        assertNull(byTika.error(), e.getKey());
        assertNotNull(direct, e.getKey());
        assertEquals(byTika.text(), direct.text(), "text of a " + e.getKey() + " file");
      }
    }
  }

  @Test
  void keepsWhitespaceWhenAsked() throws IOException {
    assertEquals("a  b\n\tc", decode(utf8("a  b\n\tc"), 100, false).text());
    assertEquals("a b c", decode(utf8("  a  b\n\tc \n"), 100, true).text());
    assertEquals("", decode(new byte[0], 100, true).text(), "an empty file has empty text");
  }

  @Test
  void dropsAUtf8ByteOrderMarkAndLeavesOtherCharsetsToTika() throws IOException {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'h', 'i'};
    assertEquals("hi", decode(bom, 100, true).text());
    byte[] utf16le = "hi there".getBytes(StandardCharsets.UTF_16LE);
    byte[] withMark = new byte[utf16le.length + 2];
    withMark[0] = (byte) 0xFF;
    withMark[1] = (byte) 0xFE;
    System.arraycopy(utf16le, 0, withMark, 2, utf16le.length);
    assertNull(decode(withMark, 100, true), "UTF-16 with a byte-order mark");
    assertNull(decode(utf16le, 100, true), "UTF-16 without a mark: NUL bytes");
    assertNull(decode("café".getBytes(StandardCharsets.ISO_8859_1), 100, true), "Latin-1: malformed UTF-8");
    assertNull(decode(new byte[] {'a', (byte) 0xC3}, 100, true), "a sequence cut at the end of the file");
  }

  @Test
  void cutsAtTheCharacterCapAndStopsReading() throws IOException {
    TikaTextExtractor.Result exact = decode(utf8("abcdefghij"), 10, false);
    assertEquals("abcdefghij", exact.text());
    assertFalse(exact.truncated(), "exactly the cap is not truncated");
    TikaTextExtractor.Result cut = decode(utf8("abcdefghijk"), 10, false);
    assertEquals("abcdefghij", cut.text());
    assertTrue(cut.truncated());

    long[] read = {0};
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        read[0]++;
        return 'x';
      }

      @Override
      public int read(byte[] b, int off, int len) {
        java.util.Arrays.fill(b, off, off + len, (byte) 'y');
        read[0] += len;
        return len;
      }
    };
    TikaTextExtractor.Result r = new PlainTextDecoder(1000, true).decode(endless);
    assertEquals(1000, r.text().length());
    assertTrue(r.truncated());
    assertTrue(read[0] <= 128 * 1024, "read only about one chunk past the cap, got " + read[0]);
  }

  @Test
  void decodesCharactersSplitAcrossReads() throws IOException {
    String text = "ü😀日".repeat(50_000); // 2-, 4- and 3-byte sequences over many 64 KiB chunks
    InputStream oneByteAtATimeAtFirst = new FilterInputStream(new ByteArrayInputStream(utf8(text))) {
      private int calls;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, ++calls < 10 ? 1 : len);
      }
    };
    TikaTextExtractor.Result r = new PlainTextDecoder(1_000_000, false).decode(oneByteAtATimeAtFirst);
    assertEquals(text, r.text());
    assertFalse(r.truncated());
  }

  /**
   * One decoder per download slot decodes file after file with the same buffers: whatever a file
   * left behind (a cut at the cap with bytes unread, a malformed sequence, a character split at the
   * end of a stream, a read that failed) must not reach the next file's text.
   */
  @Test
  // Bytes a file left behind can make the next one's reads return 0 forever: fail, not hang.
  @org.junit.jupiter.api.Timeout(value = 30, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void aDecoderUsedForFileAfterFileGivesEachItsOwnText() throws IOException {
    PlainTextDecoder shared = new PlainTextDecoder(70_000, false);
    String big = "ü😀日".repeat(30_000); // longer than the cap and than a chunk: cut, bytes left unread
    byte[] endsMidCharacter = java.util.Arrays.copyOf(utf8("abc😀"), 5); // a 4-byte character cut after 1 byte
    byte[] malformedLater = utf8("x".repeat(100_000) + "\uFFFD");
    malformedLater[90_000] = (byte) 0xC3; // a lead byte followed by 'x': not UTF-8, found in the second chunk
    InputStream failsMidway = new FilterInputStream(new ByteArrayInputStream(utf8("é".repeat(40_000)))) {
      private int calls;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (++calls > 1) {
          throw new IOException("connection reset");
        }
        return super.read(b, off, len);
      }
    };
    byte[][] files = {utf8(big), endsMidCharacter, utf8("Zoë, 1;2"), malformedLater, new byte[0], utf8("\uFEFFbom")};
    for (int round = 0; round < 2; round++) {
      for (byte[] f : files) {
        TikaTextExtractor.Result alone = new PlainTextDecoder(70_000, false).decode(new ByteArrayInputStream(f));
        TikaTextExtractor.Result after = shared.decode(new ByteArrayInputStream(f));
        if (alone == null) {
          assertNull(after, "not text alone, not text after other files");
        } else {
          assertNotNull(after);
          assertEquals(alone.text(), after.text());
          assertEquals(alone.truncated(), after.truncated());
        }
      }
      org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> shared.decode(failsMidway));
    }
    assertEquals(70_000, shared.decode(new ByteArrayInputStream(utf8(big))).text().length());
    assertNull(shared.decode(new ByteArrayInputStream(endsMidCharacter)), "a cut character is malformed");
    assertEquals("Zoë, 1;2", shared.decode(new ByteArrayInputStream(utf8("Zoë, 1;2"))).text());
    assertEquals("bom", shared.decode(new ByteArrayInputStream(utf8("\uFEFFbom"))).text());
  }

  @Test
  void handlesOnlyTheDirectExtensions() {
    assertTrue(PlainTextDecoder.handles(".txt"));
    assertFalse(PlainTextDecoder.handles(".TXT"), "case-sensitive, as the extension list");
    assertFalse(PlainTextDecoder.handles(".html"), "markup goes through Tika");
    assertFalse(PlainTextDecoder.handles(".xml"));
    assertFalse(PlainTextDecoder.handles(".pdf"));
  }
}
