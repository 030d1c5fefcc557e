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
import java.util.Random;
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
    malformedLater[66_000] = (byte) 0xC3; // a lead byte followed by 'x', within the cap: found in the second chunk
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

  /**
   * What {@link PlainTextDecoder} promises, written the plain way: the bytes after an optional
   * UTF-8 mark decoded strictly up to the first malformed sequence; the first {@code maxChars}
   * characters kept; not text (null) when a malformed sequence or a NUL comes before the cap, or a
   * UTF-16/UTF-32 mark starts the bytes; what comes after the cap is never judged.
   */
  private static TikaTextExtractor.Result promised(byte[] b, int maxChars, boolean reduce) {
    int n = b.length;
    int bom = 0;
    if (n >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF) {
      bom = 3;
    } else if (n >= 2 && ((b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF || (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE)) {
      return null;
    } else if (n >= 4 && b[0] == 0 && b[1] == 0 && (b[2] & 0xFF) == 0xFE && (b[3] & 0xFF) == 0xFF) {
      return null;
    }
    java.nio.charset.CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(n + 1);
    boolean malformed = strict.decode(java.nio.ByteBuffer.wrap(b, bom, n - bom), out, true).isError();
    String decoded = out.flip().toString();
    boolean cut = decoded.length() > maxChars || (malformed && decoded.length() >= maxChars);
    if (malformed && !cut) {
      return null;
    }
    String kept = decoded.substring(0, Math.min(decoded.length(), maxChars));
    if (kept.indexOf('\0') >= 0) {
      return null;
    }
    String text = kept.replace("\uFFFD", "");
    text = reduce ? text.replaceAll("\\s+", " ").trim() : text;
    return new TikaTextExtractor.Result(text, cut, null, false);
  }

  /** Bytes of every kind the decoder must judge: words, whitespace, 2- to 4-byte characters, real and malformed. */
  private static final byte[][] BYTE_PIECES = {
      utf8("word "), utf8("a"), utf8("  "), utf8("\t\r\n"), utf8("é"), utf8("日"), utf8("😀"), utf8("\uFFFD"),
      {0}, {(byte) 0x80}, {(byte) 0xC3}, {(byte) 0xFF}, {(byte) 0xF0, (byte) 0x9F}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
      utf8("x".repeat(300))};
  private static final byte[][] STARTS = {
      {}, {}, {}, {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, {(byte) 0xFF, (byte) 0xFE}, {(byte) 0xFE, (byte) 0xFF},
      {0, 0, (byte) 0xFE, (byte) 0xFF}, {(byte) 0xEF, (byte) 0xBB}};

  /** A stream that returns at most a random few bytes per read: where the reads end must not matter. */
  private static InputStream inShortReads(byte[] bytes, Random random) {
    return new FilterInputStream(new ByteArrayInputStream(bytes)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, 1 + random.nextInt(random.nextBoolean() ? 3 : 5000)));
      }
    };
  }

  @Test
  void givesWhatItPromisesForAnyBytesAndCap() throws IOException {
    Random random = new Random(20261208);
    PlainTextDecoder[] shared = {new PlainTextDecoder(7, true), new PlainTextDecoder(64, false), new PlainTextDecoder(1000, true)};
    for (int round = 0; round < 6_000; round++) {
      java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
      file.writeBytes(STARTS[random.nextInt(STARTS.length)]);
      int pieces = random.nextInt(round % 50 == 0 ? 600 : 30);
      for (int i = 0; i < pieces; i++) {
        // Mostly text, so that what is wrong, when something is, often comes after the cap
        byte[] piece = random.nextInt(5) == 0 ? BYTE_PIECES[random.nextInt(BYTE_PIECES.length)] : BYTE_PIECES[random.nextInt(8)];
        file.writeBytes(piece);
      }
      byte[] bytes = file.toByteArray();
      for (PlainTextDecoder decoder : shared) {
        int cap = decoder == shared[0] ? 7 : decoder == shared[1] ? 64 : 1000;
        boolean reduce = decoder != shared[1];
        TikaTextExtractor.Result want = promised(bytes, cap, reduce);
        TikaTextExtractor.Result whole = decoder.decode(new ByteArrayInputStream(bytes));
        TikaTextExtractor.Result shortReads = decoder.decode(inShortReads(bytes, random));
        TikaTextExtractor.Result inChunks = new PlainTextDecoder(cap, reduce).decodeInChunks(new ByteArrayInputStream(bytes));
        String what = "cap " + cap + ", bytes " + java.util.HexFormat.of().formatHex(bytes);
        for (TikaTextExtractor.Result got : new TikaTextExtractor.Result[] {whole, shortReads, inChunks}) {
          if (want == null) {
            assertNull(got, what);
          } else {
            assertNotNull(got, what);
            assertEquals(want.text(), got.text(), what);
            assertEquals(want.truncated(), got.truncated(), what);
          }
        }
      }
    }
  }

  @Test
  void judgesNothingAfterTheCap() throws IOException {
    byte[] malformedAfter = utf8("abcdefghijk");
    malformedAfter[10] = (byte) 0xC3;
    TikaTextExtractor.Result cut = decode(malformedAfter, 10, false);
    assertEquals("abcdefghij", cut.text(), "a malformed byte after the cap is never read as part of the text");
    assertTrue(cut.truncated());
    byte[] nulAfter = utf8("ééééé\0");
    assertEquals("ééééé", decode(nulAfter, 5, false).text());
    assertNull(decode(nulAfter, 6, false), "a NUL within the cap: not text");
    assertNull(decode(malformedAfter, 11, false), "malformed within the cap: not text");
    assertEquals("a\uFFFDb".replace("\uFFFD", ""), decode(utf8("a\uFFFDb"), 10, false).text(),
        "a real U+FFFD is text (and dropped), not a malformed sequence");
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
