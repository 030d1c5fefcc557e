package io.beamconnectors.content;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ExtractedTextTest {
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  /** Regex whitespace, look-alikes it does not match (NBSP, em space, U+0001), U+FFFD, letters, a surrogate pair. */
  private static final String[] PIECES = {" ", "\t", "\n", "\u000B", "\f", "\r", "\u00A0", "\u2003", "\u0001",
      "\u001F", "\uFFFD", "a", "é", "Z", "\uD83D\uDE00", "  ", "\r\n"};

  private static String regexWay(String s, boolean reduce) {
    String t = s.replace("\uFFFD", "");
    return reduce ? WHITESPACE.matcher(t).replaceAll(" ").trim() : t;
  }

  @Test
  void givesWhatTheRegexGaveOnAnyMixOfWhitespaceAndLookAlikes() {
    Random random = new Random(20261204);
    for (int round = 0; round < 20_000; round++) {
      StringBuilder s = new StringBuilder();
      int pieces = random.nextInt(12);
      for (int i = 0; i < pieces; i++) {
        s.append(PIECES[random.nextInt(PIECES.length)]);
      }
      String text = s.toString();
      for (boolean reduce : new boolean[] {true, false}) {
        assertEquals(regexWay(text, reduce), ExtractedText.clean(text, reduce), () -> "input: " + escape(text));
      }
    }
  }

  /**
   * Text that is mostly already clean (words and single spaces) with at most one special piece at
   * a random place: the part scanned without copying, then the rest cleaned from there.
   */
  @Test
  void givesWhatTheRegexGaveOnMostlyCleanText() {
    Random random = new Random(4122026);
    String[] clean = {"word", "é", "\uD83D\uDE00", " ", "Z", "\u00A0"};
    for (int round = 0; round < 20_000; round++) {
      StringBuilder s = new StringBuilder();
      int pieces = random.nextInt(10);
      int special = random.nextInt(pieces + 2) - 1; // -1 or beyond the end: none
      for (int i = 0; i < pieces; i++) {
        s.append(i == special ? PIECES[random.nextInt(PIECES.length)] : clean[random.nextInt(clean.length)]);
      }
      String text = s.toString();
      for (boolean reduce : new boolean[] {true, false}) {
        assertEquals(regexWay(text, reduce), ExtractedText.clean(text, reduce), () -> "input: " + escape(text));
      }
    }
  }

  /** The first change as one loop over the characters finds it: what the searches must agree with. */
  private static int firstChangeByLoop(String s, boolean reduce) {
    int n = s.length();
    if (reduce && n > 0 && s.charAt(0) <= ' ') {
      return 0;
    }
    boolean previousSpace = false;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '\uFFFD') {
        return i;
      }
      if (reduce) {
        boolean space = c == ' ';
        if ((space && previousSpace) || (!space && "\t\n\u000B\f\r".indexOf(c) >= 0)) {
          return i;
        }
        previousSpace = space;
      }
    }
    return reduce && n > 0 && s.charAt(n - 1) <= ' ' ? n - 1 : -1;
  }

  @Test
  void findsTheFirstChangeWhereALoopOverTheCharactersDoes() {
    Random random = new Random(20261208);
    String[] clean = {"word", "é", "\uD83D\uDE00", " ", "Z", "\u00A0", "日本"};
    for (int round = 0; round < 20_000; round++) {
      StringBuilder s = new StringBuilder();
      int pieces = random.nextInt(14);
      for (int i = 0; i < pieces; i++) {
        // Mostly clean pieces, so that a change, when there is one, is often far in
        s.append(random.nextInt(4) == 0 ? PIECES[random.nextInt(PIECES.length)] : clean[random.nextInt(clean.length)]);
      }
      String text = s.toString();
      for (boolean reduce : new boolean[] {true, false}) {
        assertEquals(firstChangeByLoop(text, reduce), ExtractedText.firstChange(text, reduce),
            () -> "input: " + escape(text) + ", reduce " + reduce);
      }
    }
  }

  @Test
  void findsTheFirstCharacterToChange() {
    assertEquals(-1, ExtractedText.firstChange("", true));
    assertEquals(-1, ExtractedText.firstChange("a b\u00A0c", true));
    assertEquals(0, ExtractedText.firstChange(" a", true));
    assertEquals(3, ExtractedText.firstChange("a b ", true), "a trailing space");
    assertEquals(0, ExtractedText.firstChange("\u0001a", true), "trim() drops control characters at the ends");
    assertEquals(1, ExtractedText.firstChange("a\u001F", true));
    assertEquals(-1, ExtractedText.firstChange("a\u0001b", true), "but not inside");
    assertEquals(2, ExtractedText.firstChange("a  b", true), "the second of two spaces");
    assertEquals(1, ExtractedText.firstChange("a\nb", true));
    assertEquals(-1, ExtractedText.firstChange(" a\t\n ", false), "whitespace stays when it is not reduced");
    assertEquals(3, ExtractedText.firstChange(" a\t\uFFFD", false));
  }

  @Test
  void examples() {
    assertEquals("a b c", ExtractedText.clean("  a \t\n b\uFFFD \uFFFD c\r\n", true));
    assertEquals("a\u00A0 b", ExtractedText.clean("a\u00A0\n\nb", true));
    assertEquals("", ExtractedText.clean(" \uFFFD\t", true));
    assertEquals("  a \t", ExtractedText.clean("  a \uFFFD\t", false));
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder();
    s.chars().forEach(c -> b.append(c < 0x20 || c > 0x7E ? String.format("\\u%04X", c) : String.valueOf((char) c)));
    return b.toString();
  }
}
