package io.beamconnectors.content;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * Text of plain-text files (source code, Markdown, CSV, JSON...) decoded straight from the
 * stream as strict UTF-8, without Tika: for these types Tika's text is the file's own characters,
 * so running its type detection and charset guessing on every small file costs time and gives the
 * same body. The stream is read only as far as the character cap. Bytes that are not plain UTF-8
 * (a malformed sequence, a UTF-16/UTF-32 byte-order mark, a NUL byte, which UTF-16 text without a
 * mark is full of) within the characters kept are handed back as "not decoded": Tika then guesses
 * the charset, as before. Bytes after the cap are never judged: the text is cut there. A UTF-8
 * byte-order mark is dropped. Not thread-safe: each download slot has its own, which keeps its
 * buffers and UTF-8 decoder from one file to the next. Made afresh per file, the two 64 KiB
 * buffers were 17% of the download threads' CPU samples in a network-drive sync of 10,000 one-line
 * files (allocating and zeroing 192 KB per file; thirty-first round in docs/benchmarks.md).
 *
 * <p>Two ways through, one result. Most files fit in the cap's worth of bytes: they are read whole
 * and made a {@code String} by the JDK's own UTF-8 decoding, which copies ASCII in bulk (no
 * character-by-character loop of ours, which in a sync may still run before the JIT has
 * compiled it; thirty-fourth round). When that decoding replaced anything within the kept
 * characters (a malformed sequence, or a real U+FFFD: only the strict decoder can tell which), or
 * the bytes read hold fewer characters than the cap while more follow, the strict decoder reads
 * the stream chunk by chunk instead, from the first byte.
 */
final class PlainTextDecoder {
  /**
   * Extensions of the default list whose Tika text equals the decoded file (checked by
   * PlainTextDecoderTest against Tika for each one). Markup (.html, .xml, .aspx) and every binary
   * format still go through Tika.
   */
  static final Set<String> EXTENSIONS = Set.of(".txt", ".py", ".rst", ".markdown", ".md", ".rb", ".sh", ".csv",
      ".json");

  private static final int CHUNK = 64 * 1024;
  /** A whole-file buffer larger than this is dropped after its file rather than kept for the next. */
  private static final int KEPT_WHOLE_BYTES = 4 * 1024 * 1024;
  /** A UTF-8 byte-order mark, and one byte more to know whether the stream goes on past the cap. */
  private static final int WHOLE_SLACK = 4;

  private final int maxChars;
  private final boolean reduceWhitespace;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final ByteBuffer bytes = ByteBuffer.allocate(CHUNK);
  private final CharBuffer chars = CharBuffer.allocate(CHUNK);
  private byte[] whole = new byte[CHUNK];

  PlainTextDecoder(int maxChars, boolean reduceWhitespace) {
    this.maxChars = maxChars;
    this.reduceWhitespace = reduceWhitespace;
  }

  /** Whether files with this extension are decoded here rather than by Tika. */
  static boolean handles(String extension) {
    return EXTENSIONS.contains(extension);
  }

  /**
   * The text of the stream, or null when its bytes are not plain UTF-8 text (then nothing is
   * decided: the caller hands the file to Tika). I/O errors of the stream are thrown as they are.
   */
  TikaTextExtractor.Result decode(InputStream in) throws IOException {
    int limit = (int) Math.min((long) maxChars + WHOLE_SLACK, Integer.MAX_VALUE - 16);
    int n = 0;
    try {
      while (n < limit) {
        if (n == whole.length) {
          whole = Arrays.copyOf(whole, (int) Math.min(limit, 2L * whole.length));
        }
        int r = in.read(whole, n, Math.min(whole.length, limit) - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      boolean more = n == limit; // the stream may go on: it holds more than the cap's worth of bytes
      int bom = byteOrderMark(whole, 0, n);
      if (bom < 0) {
        return null;
      }
      String text = new String(whole, bom, n - bom, StandardCharsets.UTF_8);
      int keep = Math.min(text.length(), maxChars);
      int replaced = text.indexOf('\uFFFD');
      if ((replaced >= 0 && replaced < keep) || (more && text.length() <= maxChars)) {
        // Undecided by the lenient decoding: the strict decoder reads from the first byte on.
        InputStream again = new ByteArrayInputStream(whole, 0, n);
        return decodeInChunks(more ? new SequenceInputStream(again, in) : again);
      }
      int nul = text.indexOf('\0');
      if (nul >= 0 && nul < keep) {
        return null;
      }
      return result(keep < text.length() ? text.substring(0, keep) : text, more || keep < text.length());
    } finally {
      if (whole.length > KEPT_WHOLE_BYTES) {
        whole = new byte[CHUNK];
      }
    }
  }

  /** {@link #decode} with the strict decoder, chunk by chunk. */
  TikaTextExtractor.Result decodeInChunks(InputStream in) throws IOException {
    // Whatever the last file left (it may have ended early: not text, cut, or a read that failed).
    decoder.reset();
    bytes.clear();
    chars.clear();
    StringBuilder text = new StringBuilder();
    boolean first = true;
    while (true) {
      int n = in.read(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
      boolean end = n < 0;
      if (!end) {
        bytes.position(bytes.position() + n);
      }
      if (first) {
        // The byte-order mark decides before anything is decoded; wait for 4 bytes (or the end).
        if (!end && bytes.position() < 4) {
          continue;
        }
        first = false;
        int bom = byteOrderMark(bytes);
        if (bom < 0) {
          return null;
        }
        bytes.flip();
        bytes.position(bom);
      } else {
        bytes.flip();
      }
      CoderResult r;
      do {
        r = decoder.decode(bytes, chars, end);
        // The characters before an error count too: bytes past the cap are never judged.
        int state = append(chars, text);
        if (state != MORE) {
          return state == NOT_TEXT ? null : result(text, true);
        }
        if (r.isError()) {
          return text.length() >= maxChars ? result(text, true) : null;
        }
      } while (r.isOverflow());
      bytes.compact();
      if (end) {
        r = decoder.flush(chars);
        int state = append(chars, text);
        if (r.isError() || state == NOT_TEXT) {
          return null;
        }
        return result(text, state == CUT);
      }
    }
  }

  private static final int MORE = 0;
  private static final int CUT = 1;
  private static final int NOT_TEXT = -1;

  /**
   * Moves the decoded characters into {@code text}, at most up to the character cap. Returns
   * {@link #CUT} when characters beyond the cap were dropped, {@link #NOT_TEXT} when a NUL
   * character shows the bytes are not UTF-8 text, {@link #MORE} otherwise.
   */
  private int append(CharBuffer chars, StringBuilder text) {
    chars.flip();
    int take = Math.min(chars.remaining(), maxChars - text.length());
    char[] a = chars.array();
    int from = chars.arrayOffset() + chars.position();
    for (int i = from; i < from + take; i++) {
      if (a[i] == '\0') {
        chars.clear();
        return NOT_TEXT;
      }
    }
    boolean cut = chars.remaining() > take;
    text.append(a, from, take); // the char[] overload copies in bulk; a CharSequence is copied char by char
    chars.clear();
    return cut ? CUT : MORE;
  }

  /**
   * The length of a UTF-8 byte-order mark at the start (3), 0 for none, -1 for a UTF-16 or UTF-32
   * mark (not UTF-8: Tika decodes those). {@code bytes} is in write mode with the first bytes read.
   */
  private static int byteOrderMark(ByteBuffer bytes) {
    return byteOrderMark(bytes.array(), bytes.arrayOffset(), bytes.position());
  }

  /** {@link #byteOrderMark(ByteBuffer)} for the {@code len} bytes of {@code a} from {@code o}. */
  private static int byteOrderMark(byte[] a, int o, int len) {
    if (len >= 3 && (a[o] & 0xFF) == 0xEF && (a[o + 1] & 0xFF) == 0xBB && (a[o + 2] & 0xFF) == 0xBF) {
      return 3;
    }
    if (len >= 2 && (((a[o] & 0xFF) == 0xFE && (a[o + 1] & 0xFF) == 0xFF)
        || ((a[o] & 0xFF) == 0xFF && (a[o + 1] & 0xFF) == 0xFE))) {
      return -1; // UTF-16 BE/LE, or UTF-32 LE (FF FE 00 00)
    }
    if (len >= 4 && a[o] == 0 && a[o + 1] == 0 && (a[o + 2] & 0xFF) == 0xFE && (a[o + 3] & 0xFF) == 0xFF) {
      return -1; // UTF-32 BE
    }
    return 0;
  }

  private TikaTextExtractor.Result result(CharSequence text, boolean truncated) {
    return new TikaTextExtractor.Result(ExtractedText.clean(text, reduceWhitespace), truncated, null, false);
  }
}
